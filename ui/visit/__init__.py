"""The visit on the touchscreen: the slip editor, fee lines, both signatures, the new-request
dialog, the copy's preview.
"""
