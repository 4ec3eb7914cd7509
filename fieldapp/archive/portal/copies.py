"""A customer copy of a sealed slip, rendered by the documents package as the laptop does."""

from __future__ import annotations

from fieldapp.archive.config import ArchiveSettings
from fieldapp.documents.model import CompanyInfo
from fieldapp.documents.slip_pdf import render_slip_pdf
from fieldapp.documents.views import slip_document
from fieldapp.store.models import Slip


def company(settings: ArchiveSettings) -> CompanyInfo:
    return CompanyInfo(name=settings.company_name, hotline=settings.company_hotline,
                       address=settings.company_address, verify_url=settings.verify_url,
                       complaint_hotline=settings.complaint_hotline)


def customer_copy_pdf(slip: Slip, settings: ArchiveSettings, language: str) -> bytes:
    return render_slip_pdf(slip_document(slip), company(settings), layout="a4",
                           copy="customer", language="en" if language == "en" else "zh",
                           font=settings.pdf_font or None)
