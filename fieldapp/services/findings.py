"""The archive's analysis findings (分析发现) as a staff laptop lists them, as a service."""

from __future__ import annotations

from fieldapp.reads.findings import FindingRow, list_findings
from fieldapp.store import Store

__all__ = ["FindingRow", "page"]


def page(store: Store, *, offset: int = 0, limit: int = 200) -> list[FindingRow]:
    """Findings pulled from the archive, newest first."""
    with store.read() as session:
        return list_findings(session, limit=limit, offset=offset)
