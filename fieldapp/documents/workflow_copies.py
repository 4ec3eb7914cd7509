"""The workflow documents of stored records, by number, for the CLI and the desktop app.

`render_document(store, key, settings, …)` picks the document from the key:

* ``P-…`` a repair order: ``kind="intake"`` (default, 送修单), ``kind="return"``
  (送修返还单) or ``kind="estimate"`` (维修报价单, once the workshop has estimated);
* ``C-…`` a complaint: its feedback report (投诉反馈报告; the complaint must be closed);
* anything else is a loaner: its asset tag with ``repair=P-…`` (that repair's loan, else
  the latest loan), or the id of the ``loaner.issued`` event; a key that is none of
  these is told as a slip not found (a mistyped slip number, most likely).

Slips (``S-…``) stay with `copies.py` (they are counted in the print log). Each is in the
customer's language (`fieldapp.documents.language`) unless `language` says otherwise.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.errors import NotFound
from fieldapp.base.i18n import Language
from fieldapp.base.settings import Settings
from fieldapp.documents.errors import DocumentError
from fieldapp.documents.language import customer_language, repair_language
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
from fieldapp.store import Store
from fieldapp.store.workflow_models import Loaner
from fieldapp.workflows.complaints import get_complaint
from fieldapp.workflows.repair import get_repair

KINDS = ("intake", "return", "estimate")
A4_ONLY_KINDS = ("return", "estimate")  # never on the receipt roll


def is_workflow_key(key: str) -> bool:
    """True unless `key` is a slip number (S-…)."""
    return not key.upper().startswith("S-")


def render_document(store: Store, key: str, settings: Settings, *, kind: str | None = None,
                    repair: str | None = None, layout: str = "a4",
                    copy: str = "customer", language: Language | None = None) -> bytes:
    tz = str(settings.get("timezone"))
    company = company_info(settings)
    font = str(settings.get("pdf_font")) or None
    with store.read() as session:
        if key.upper().startswith("P-"):
            order = get_repair(session, key)
            lang = language or repair_language(session, order)
            if (kind or "intake") == "intake":
                return render_repair_intake_pdf(repair_intake_document(order, timezone=tz),
                                                company, layout=layout, copy=copy,
                                                language=lang, font=font)
            if kind == "estimate":
                from fieldapp.documents.estimate_pdf import render_repair_estimate_pdf
                from fieldapp.documents.estimate_views import repair_estimate_document

                return render_repair_estimate_pdf(
                    repair_estimate_document(session, order, timezone=tz), company,
                    copy=copy, language=lang, font=font)
            if kind != "return":
                raise DocumentError(f"未知的单据种类：{kind}", f"Unknown document kind: {kind}")
            return render_repair_return_pdf(repair_return_document(session, order, timezone=tz),
                                            company, copy=copy, language=lang, font=font)
        if key.upper().startswith("C-"):
            complaint = get_complaint(session, key)
            report = complaint_report_document(session, complaint, timezone=tz)
            return render_complaint_report_pdf(
                report, company, copy=copy,
                language=language or customer_language(complaint.customer), font=font)
        if not _may_be_a_loaner(session, key):
            raise NotFound(f"找不到服务单 {key}（也没有这个编号的送修单、投诉或备机）。",
                           f"No slip {key} (nor a repair order, complaint or loaner "
                           "by that number).")
        document = loaner_document_for(session, key, repair, timezone=tz)
        lang = language or repair_language(session, document.repair_number)
        return render_loaner_pdf(document, company, layout=layout, copy=copy, language=lang,
                                 font=font)


def _may_be_a_loaner(session: Session, key: str) -> bool:
    """A loan's event id, or the asset tag of a loaner on record: what is left for a key
    that is no slip, repair order or complaint number. Anything else is most likely a
    mistyped slip number, and the message says so (not "no loaner")."""
    try:
        uuid.UUID(key)
    except ValueError:
        return session.scalar(select(Loaner.id).where(Loaner.asset_tag == key)) is not None
    return True
