"""Where the workflow documents come from: the one adapter to flow2's renderers.

Each function returns background work producing PDF bytes, or None while
`fieldapp.documents.workflow_views` (branch flow2) is not there; the preview then says so.
"""

from __future__ import annotations

import importlib
import uuid
from types import ModuleType

from fieldapp.settings import Settings
from ui.document_preview import Render


def _views() -> ModuleType | None:
    try:
        return importlib.import_module("fieldapp.documents.workflow_views")
    except ImportError:
        return None


def repair_copy(repair_id: uuid.UUID, copy: str, settings: Settings, language: str
                ) -> Render | None:
    """The send-in slip's customer copy at intake (`copy="intake"`) or at return."""
    if _views() is None:
        return None
    return None  # wired when flow2 lands


def complaint_report(complaint_id: uuid.UUID, settings: Settings, language: str
                     ) -> Render | None:
    """The complaint feedback report (投诉反馈报告) of a closed complaint."""
    if _views() is None:
        return None
    return None  # wired when flow2 lands
