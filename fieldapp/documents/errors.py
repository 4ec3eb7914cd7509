"""What can go wrong while making or printing a document, told in zh and en.

    FieldappError
    └── DocumentError        a document cannot be rendered, read or printed
        ├── FontError        no usable CJK TrueType font (tells what to install)
        └── PrintError       no printer, unknown printer, no `lp`, job refused

All of these are known conditions to show the user, not defects.
"""

from __future__ import annotations

from fieldapp.base.errors import FieldappError


class DocumentError(FieldappError):
    pass


class FontError(DocumentError):
    pass


class PrintError(DocumentError):
    pass
