"""Tools around the store: export/import, the demo data and the installer's self-test.
"""
