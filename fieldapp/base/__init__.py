"""Base types every layer uses: errors, languages, ids, money, time, paths, settings, the
terminal's output, device classes and the device's signing key. Imports nothing else of
fieldapp.
"""
