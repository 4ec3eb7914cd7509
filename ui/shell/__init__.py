"""The window around the work: the app's start, the main window and its lists, first-run
setup, the price list.
"""
