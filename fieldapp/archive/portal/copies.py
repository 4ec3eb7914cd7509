"""A customer copy of a sealed slip, rendered by the documents package as the laptop does."""

from __future__ import annotations

from fieldapp.archive.config import ArchiveSettings
from fieldapp.documents.model import CompanyInfo
from fieldapp.documents.slip_pdf import render_slip_pdf
from fieldapp.documents.views import slip_document
from fieldapp.store.models import Slip


def company(settings: ArchiveSettings) -> CompanyInfo:
    """The issuer of the portal's copies, quotations and reports as configured; what is not
    set is named on the document (`unconfigured`), never filled in, as on the laptop."""
    return CompanyInfo(name=settings.company_name.strip(),
                       hotline=settings.company_hotline.strip(),
                       address=settings.company_address.strip(),
                       verify_url=settings.verify_url.strip(),
                       complaint_hotline=settings.complaint_hotline.strip(),
                       unconfigured=settings.identity_missing())


def customer_copy_pdf(slip: Slip, settings: ArchiveSettings, language: str) -> bytes:
    return render_slip_pdf(slip_document(slip), company(settings), layout="a4",
                           copy="customer", language="en" if language == "en" else "zh",
                           font=settings.pdf_font or None)
