"""Transitional (issue 22): the workflow screens' documents, until they are on services.

`ui.preview_dialog.PreviewDialog` is the one preview. The workflow screens still build
their PDFs from a session (`ui.workflow_documents`); this adapter runs such a render in
its own read transaction. It goes when they pass a `Document` of service calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from ui.ops import Ops
from ui.preview_dialog import Document, PreviewDialog

Render = Callable[[Any], bytes]  # fn(session) -> PDF


class DocumentPreviewDialog(PreviewDialog):
    def __init__(self, ops: Ops, title_key: str, render: Render | None,
                 parent: QWidget | None = None) -> None:
        store = ops.store

        def in_session() -> bytes:
            assert render is not None
            with store.read() as session:
                return render(session)

        super().__init__(ops, Document(in_session, title_key), parent)
        self.setObjectName("document_preview")
