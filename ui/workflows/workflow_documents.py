"""The workflow documents for the one preview (`ui.visit.preview_dialog`): each a `Document` of
service calls (`fieldapp.services.workflow_documents`), made off the GUI thread, in the
customer's language. Copies of them are not counted (only the slip's customer copy is).
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtWidgets import QWidget

from fieldapp.base.settings import Settings
from fieldapp.services import documents, workflow_documents
from fieldapp.store import Store
from ui.kit.ops import Ops
from ui.visit.preview_dialog import Document, PreviewDialog


def show_preview(ops: Ops, document: Document, parent: QWidget) -> PreviewDialog:
    """`document` in the one preview, opened over `parent` without blocking it and deleted
    once closed; the caller keeps the dialog referenced while it is open."""
    dialog = PreviewDialog(ops, document, parent)
    dialog.finished.connect(lambda _r: dialog.deleteLater())
    dialog.open()
    return dialog


def repair_copy(store: Store, settings: Settings, repair_number: str,
                kind: Literal["intake", "return", "estimate"]) -> Document:
    """送修单 (intake), 送修返还单 (return) or 维修报价单 (estimate)."""
    return Document(lambda: workflow_documents.repair_copy(store, repair_number, settings,
                                                           kind=kind),
                    f"docs.{kind}_title", notice=documents.identity_notice(settings))


def loaner_record(store: Store, settings: Settings, asset_tag: str,
                  repair_number: str | None) -> Document:
    """备机借用单: the loan for that repair, else the loaner's latest."""
    return Document(lambda: workflow_documents.loaner_record(
        store, asset_tag, settings, repair_number=repair_number), "docs.loaner_title",
        notice=documents.identity_notice(settings))


def complaint_report(store: Store, settings: Settings, complaint_number: str) -> Document:
    """投诉反馈报告 of a closed complaint (R5.3)."""
    return Document(lambda: workflow_documents.complaint_report(store, complaint_number,
                                                                settings),
                    "docs.complaint_title", notice=documents.identity_notice(settings))
