"""Sealing a slip and judging a seal: the seal itself, the signatures it covers, which keys
are trusted, the archive's receipts and how a seal's state is shown.
"""
