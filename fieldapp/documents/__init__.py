"""Documents: the customer copy of a service slip as PDF, its QR code, and printing.

Renderers take the plain view objects of `fieldapp.documents.model`, never ORM rows.
See docs/documents.md.
"""

import importlib
from typing import TYPE_CHECKING, Any

# Loaded on first use (PEP 562): importing a light module of this package, such as
# `fieldapp.workflows.complaint_model`, must not pull in ReportLab, segno and pypdfium2
# (a third of the desktop app's start-up; see docs/performance.md).
_WHERE = {
    "amount_in_chinese_capitals": "capital",
    "DocumentError": "errors", "FontError": "errors", "PrintError": "errors",
    "ENV_FONT": "fonts", "FontChoice": "fonts", "find_cjk_font": "fonts",
    "register_cjk_font": "fonts",
    "ClockView": "model", "CompanyInfo": "model", "DeviceView": "model",
    "FeeLineView": "model", "SignatureView": "model", "SlipDocument": "model",
    "read_payload_from_pdf": "payload",
    "default_printer": "printing", "list_printers": "printing", "print_pdf": "printing",
    "parse_qr_payload": "qr", "qr_payload": "qr",
    "render_slip_pdf": "slip_pdf",
}

if TYPE_CHECKING:
    from fieldapp.documents.capital import amount_in_chinese_capitals
    from fieldapp.documents.errors import DocumentError, FontError, PrintError
    from fieldapp.documents.fonts import ENV_FONT, FontChoice, find_cjk_font, register_cjk_font
    from fieldapp.documents.model import (
        ClockView,
        CompanyInfo,
        DeviceView,
        FeeLineView,
        SignatureView,
        SlipDocument,
    )
    from fieldapp.documents.payload import read_payload_from_pdf
    from fieldapp.documents.printing import default_printer, list_printers, print_pdf
    from fieldapp.documents.qr import parse_qr_payload, qr_payload
    from fieldapp.documents.slip_pdf import render_slip_pdf

__all__ = [
    "ENV_FONT",
    "ClockView",
    "CompanyInfo",
    "DeviceView",
    "DocumentError",
    "FeeLineView",
    "FontChoice",
    "FontError",
    "PrintError",
    "SignatureView",
    "SlipDocument",
    "amount_in_chinese_capitals",
    "default_printer",
    "find_cjk_font",
    "list_printers",
    "parse_qr_payload",
    "print_pdf",
    "qr_payload",
    "read_payload_from_pdf",
    "register_cjk_font",
    "render_slip_pdf",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
