"""The workflow documents as PDF, for the desktop's preview: the send-in copy at intake
(送修单) and at return (送修返还单), the loaner record (备机借用单) and the complaint
feedback report (投诉反馈报告, R5.3).

Each is handed to the customer, so it is in the customer's language
(`fieldapp.documents.language`) unless `language` says otherwise, and in the settings'
layout. ReportLab loads on first use, not with the app (docs/performance.md, "Start-up").
"""

from __future__ import annotations

from typing import Literal

from fieldapp.base.i18n import Language
from fieldapp.base.settings import Settings
from fieldapp.store import Store

__all__ = ["complaint_report", "document", "loaner_record", "repair_copy"]


def document(store: Store, key: str, settings: Settings, *, kind: str | None = None,
             repair: str | None = None, layout: str | None = None, copy: str = "customer",
             language: Language | None = None) -> bytes:
    """Any of them by its key (P-…, C-…, a loaner's asset tag or loan event id), in
    `layout` (None: the settings'); `fieldapp pdf` names the copy (客户联 / 存根联)."""
    from fieldapp.documents.workflow_copies import render_document

    return render_document(store, key, settings, kind=kind, repair=repair,
                           layout=layout or str(settings.get("default_layout")),
                           copy=copy, language=language)


def _render(store: Store, key: str, settings: Settings, *, kind: str | None = None,
            repair: str | None = None, language: Language | None = None) -> bytes:
    return document(store, key, settings, kind=kind, repair=repair, language=language)


def repair_copy(store: Store, repair_number: str, settings: Settings, *,
                kind: Literal["intake", "return", "estimate"] = "intake",
                language: Language | None = None) -> bytes:
    """The send-in slip's customer copy at intake (R3.1) or at return (R3.3), or the
    repair quotation (维修报价单, R3.2) once the workshop has estimated."""
    return _render(store, repair_number, settings, kind=kind, language=language)


def loaner_record(store: Store, asset_tag: str, settings: Settings, *,
                  repair_number: str | None = None, language: Language | None = None
                  ) -> bytes:
    """The record of the loaner's loan for that repair (else its latest): issue and
    return, both signatures each (R1.4)."""
    return _render(store, asset_tag, settings, repair=repair_number, language=language)


def complaint_report(store: Store, complaint_number: str, settings: Settings, *,
                     language: Language | None = None) -> bytes:
    """The complaint feedback report of a closed complaint (R5.3)."""
    return _render(store, complaint_number, settings, language=language)
