"""Documents: the customer copy of a service slip as PDF, its QR code, and printing.

Renderers take the plain view objects of `fieldapp.documents.model`, never ORM rows.
See docs/documents.md.
"""

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
