"""The customer copy of a stored slip: render, save, print — and count what went out.

The desktop app and the command line both call these, so a copy saved or printed from
either shows up in the slip's print count (`slip_prints`). The copy is in the customer's
language (`fieldapp.documents.language`) unless `language` says otherwise.
"""

from __future__ import annotations

from pathlib import Path

from fieldapp.base.files import write_file
from fieldapp.base.i18n import Language
from fieldapp.base.settings import Settings
from fieldapp.documents.language import customer_language
from fieldapp.documents.printing import print_pdf
from fieldapp.documents.slip_pdf import render_slip_pdf
from fieldapp.documents.views import company_info, slip_document
from fieldapp.records.slips import get_slip, record_print
from fieldapp.seal.seal_status import refuse_if_tampered
from fieldapp.store import Store


def render_copy(store: Store, number: str, settings: Settings, *, layout: str = "a4",
                copy: str = "customer", language: Language | None = None) -> bytes:
    with store.read() as session:
        slip = get_slip(session, number)
        refuse_if_tampered(slip)  # a tampered slip never goes out as a genuine copy
        document = slip_document(slip, timezone=str(settings.get("timezone")))
        language = language or customer_language(slip.request.customer)
    return render_slip_pdf(document, company_info(settings), layout=layout,
                           copy=copy, language=language,
                           font=str(settings.get("pdf_font")) or None)


def save_copy(store: Store, number: str, settings: Settings, path: Path, *,
              layout: str = "a4", copy: str = "customer",
              language: Language | None = None) -> None:
    pdf = render_copy(store, number, settings, layout=layout, copy=copy, language=language)
    write_file(path, pdf)  # whole or not at all; a refused folder or full disk: PathError
    with store.write() as session:
        record_print(session, get_slip(session, number), copies=1, copy_kind=copy,
                     layout=layout, destination=str(path.name))


def print_copy(store: Store, number: str, settings: Settings, *, printer: str | None = None,
               copies: int = 1, layout: str = "a4", copy: str = "customer",
               language: Language | None = None) -> str:
    """Print through the system's printers; returns the job id."""
    pdf = render_copy(store, number, settings, layout=layout, copy=copy, language=language)
    chosen = printer or str(settings.get("printer")) or None
    job = print_pdf(pdf, printer=chosen, copies=copies, title=f"服务单据 {number}")
    with store.write() as session:
        record_print(session, get_slip(session, number), copies=copies, copy_kind=copy,
                     layout=layout, destination=chosen or "default")
    return job
