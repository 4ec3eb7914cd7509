"""Sync on the desktop: the background service, the status badge and the 待同步 tab."""
