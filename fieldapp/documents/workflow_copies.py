"""The workflow documents of stored records, by number, for the CLI and the desktop app.

`render_document(store, key, settings, …)` picks the document from the key:

* ``P-…`` a repair order: ``kind="intake"`` (default, 送修单) or ``kind="return"``
  (送修返还单);
* ``C-…`` a complaint: its feedback report (投诉反馈报告; the complaint must be closed);
* anything else is a loaner: its asset tag with ``repair=P-…`` (that repair's loan, else
  the latest loan), or the id of the ``loaner.issued`` event.

Slips (``S-…``) stay with `copies.py` (they are counted in the print log).
"""

from __future__ import annotations

from fieldapp.complaints import get_complaint
from fieldapp.documents.errors import DocumentError
from fieldapp.documents.views import company_info
from fieldapp.documents.workflow_pdf import (
    render_complaint_report_pdf,
    render_loaner_pdf,
    render_repair_intake_pdf,
    render_repair_return_pdf,
)
from fieldapp.documents.workflow_views import (
    complaint_report_document,
    loaner_document_for,
    repair_intake_document,
    repair_return_document,
)
from fieldapp.i18n import Language, current_language
from fieldapp.repair import get_repair
from fieldapp.settings import Settings
from fieldapp.store import Store

KINDS = ("intake", "return")


def is_workflow_key(key: str) -> bool:
    """True unless `key` is a slip number (S-…)."""
    return not key.upper().startswith("S-")


def render_document(store: Store, key: str, settings: Settings, *, kind: str | None = None,
                    repair: str | None = None, layout: str = "a4", copy: str = "customer",
                    language: Language | None = None) -> bytes:
    tz = str(settings.get("timezone"))
    company = company_info(settings)
    options = {"copy": copy, "language": language or current_language(),
               "font": str(settings.get("pdf_font")) or None}
    with store.read() as session:
        if key.upper().startswith("P-"):
            order = get_repair(session, key)
            if (kind or "intake") == "intake":
                return render_repair_intake_pdf(repair_intake_document(order, timezone=tz),
                                                company, layout=layout, **options)  # type: ignore[arg-type]
            if kind != "return":
                raise DocumentError(f"未知的单据种类：{kind}", f"Unknown document kind: {kind}")
            return render_repair_return_pdf(repair_return_document(session, order, timezone=tz),
                                            company, **options)  # type: ignore[arg-type]
        if key.upper().startswith("C-"):
            report = complaint_report_document(session, get_complaint(session, key), timezone=tz)
            return render_complaint_report_pdf(report, company, **options)  # type: ignore[arg-type]
        document = loaner_document_for(session, key, repair, timezone=tz)
        return render_loaner_pdf(document, company, layout=layout, **options)  # type: ignore[arg-type]
