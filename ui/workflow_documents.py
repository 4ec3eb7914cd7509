"""Where the workflow documents come from: the one adapter to flow2's renderers.

Each function returns background work (`fn(session) -> PDF bytes`) built from
`fieldapp.documents.workflow_views` and `workflow_pdf`, or None when those modules are not
installed; the preview then says so plainly. Every document is handed to the customer, so
it is in the customer's language (`fieldapp.documents.language`), not the screen's, unless
a `language` is given.
"""

from __future__ import annotations

import importlib
import uuid
from types import ModuleType

from sqlalchemy.orm import Session

from fieldapp.documents.language import customer_language, repair_language
from fieldapp.settings import Settings
from ui.document_preview import Render


def _modules() -> tuple[ModuleType, ModuleType, ModuleType] | None:
    try:
        return (importlib.import_module("fieldapp.documents.workflow_views"),
                importlib.import_module("fieldapp.documents.workflow_pdf"),
                importlib.import_module("fieldapp.documents.views"))
    except ImportError:
        return None


def _options(settings: Settings, language: str) -> dict[str, object]:
    return {"copy": "customer", "language": language,
            "font": str(settings.get("pdf_font") or "") or None}


def repair_copy(repair_id: uuid.UUID, copy: str, settings: Settings,
                language: str | None = None) -> Render | None:
    """The send-in slip's customer copy at intake (送修单) or at return (送修返还单)."""
    modules = _modules()
    if modules is None:
        return None
    views, pdf, base = modules
    tz, layout = str(settings.get("timezone")), str(settings.get("default_layout"))

    def render(session: Session) -> bytes:
        from fieldapp.repair import get_repair

        order = get_repair(session, repair_id)
        company = base.company_info(settings)
        options = _options(settings, language or repair_language(session, order))
        if copy == "intake":
            return pdf.render_repair_intake_pdf(views.repair_intake_document(order, timezone=tz),
                                                company, layout=layout, **options)
        return pdf.render_repair_return_pdf(views.repair_return_document(session, order,
                                                                         timezone=tz),
                                            company, **options)

    return render


def loaner_record(asset_tag: str, repair_number: str | None, settings: Settings,
                  language: str | None = None) -> Render | None:
    """The loaner record (备机借用单) of a loan: issue and return, both signatures."""
    modules = _modules()
    if modules is None:
        return None
    views, pdf, base = modules
    tz, layout = str(settings.get("timezone")), str(settings.get("default_layout"))

    def render(session: Session) -> bytes:
        document = views.loaner_document_for(session, asset_tag, repair_number or None,
                                             timezone=tz)
        chosen = language or repair_language(session, document.repair_number)
        return pdf.render_loaner_pdf(document, base.company_info(settings), layout=layout,
                                     **_options(settings, chosen))

    return render


def complaint_report(complaint_id: uuid.UUID, settings: Settings,
                     language: str | None = None) -> Render | None:
    """The complaint feedback report (投诉反馈报告) of a closed complaint (R5.3)."""
    modules = _modules()
    if modules is None:
        return None
    views, pdf, base = modules
    tz = str(settings.get("timezone"))

    def render(session: Session) -> bytes:
        from fieldapp.complaints import get_complaint

        complaint = get_complaint(session, complaint_id)
        report = views.complaint_report_document(session, complaint, timezone=tz)
        chosen = language or customer_language(complaint.customer)
        return pdf.render_complaint_report_pdf(report, base.company_info(settings),
                                               **_options(settings, chosen))

    return render
