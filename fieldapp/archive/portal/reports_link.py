"""The one place the portal meets the analysis reports (服务分析报告, R6.1/R6.3).

The reports live in `fieldapp.archive.reports` (built on its own branch). Until that
package is installed the portal lists no reports and says a report cannot be requested
yet. When merging, the integrator points the three functions below at the package's API;
nothing else in the portal knows about reports.
"""

from __future__ import annotations

import importlib
import importlib.util
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from types import ModuleType
from typing import Any

from sqlalchemy.orm import Session

REPORTS_PACKAGE = "fieldapp.archive.reports"


@dataclass(frozen=True)
class ReportRow:
    id: str  # opaque (a UUID), used in the download address
    title: str
    period_start: date
    period_end: date
    status: str
    created_at: datetime | None


class ReportsUnavailable(Exception):
    """The reports package is not part of this server yet."""


def _package() -> ModuleType | None:
    if importlib.util.find_spec(REPORTS_PACKAGE) is None:
        return None
    return importlib.import_module(REPORTS_PACKAGE)


def available() -> bool:
    package = _package()
    return package is not None and hasattr(package, "request_report")


def list_reports(session: Session, customer_id: uuid.UUID, *, limit: int, offset: int
                 ) -> list[ReportRow]:
    """This customer's reports, newest first; [] while the package is missing."""
    package = _package()
    lister = getattr(package, "list_reports", None) if package else None
    if lister is None:
        return []
    rows: list[Any] = lister(session, customer_id=customer_id, limit=limit, offset=offset)
    return [ReportRow(str(r.id), str(r.title), r.period_start, r.period_end, str(r.status),
                      getattr(r, "created_at", None)) for r in rows]


def report_pdf(session: Session, customer_id: uuid.UUID, report_id: uuid.UUID
               ) -> tuple[str, bytes] | None:
    """(file name, PDF) of this customer's report; None if missing or another's."""
    package = _package()
    reader = getattr(package, "report_pdf", None) if package else None
    if reader is None:
        return None
    return reader(session, customer_id=customer_id, report_id=report_id)


def request_report(session: Session, *, customer_id: uuid.UUID, period_start: date,
                   period_end: date, requested_by: str) -> Any:
    package = _package()
    if package is None or not hasattr(package, "request_report"):
        raise ReportsUnavailable
    return package.request_report(session, customer_id, period_start, period_end,
                                  requested_by)
