"""The main window's lists as services: open requests with their SLA inputs, and slips.

A page is `(offset, limit)` of a filter; a count is how many rows the filter has in all.
"My work" is an engineer's code: only the requests assigned to them and their slips; a
code the store does not know lists nothing (never everyone's). Each call is one short
read transaction and returns plain rows.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fieldapp.base.errors import NotFound
from fieldapp.reads import queries
from fieldapp.reads.queries import RequestFilter, RequestRow, SlipFilter, SlipRow
from fieldapp.records import reference
from fieldapp.records.service_requests import OPEN_STATUSES
from fieldapp.records.sla_records import SlaInputs, sla_inputs_for
from fieldapp.seal.seal_marks import tampered_among
from fieldapp.seal.seal_status import SealStatus
from fieldapp.store import Store
from fieldapp.store.values import SlipStatus

__all__ = ["DATE_RANGES", "RequestItem", "count_open_requests", "count_slips", "open_requests",
           "seal_marks", "since", "slips", "today_start"]

# The lists' date filter: everything, today, the last 7 days (today and 6 before), the
# last 30 days — each from local midnight (the settings' time zone).
DATE_RANGES = ("all", "today", "week", "month")
_DAYS_BACK = {"today": 0, "week": 6, "month": 29}


def today_start(timezone: str, *, days_back: int = 0, now: datetime | None = None
                ) -> datetime:
    """Local midnight of today (or `days_back` days before) in `timezone`, aware."""
    tz = ZoneInfo(timezone)
    day = (now or datetime.now(tz)).astimezone(tz).date() - timedelta(days=days_back)
    return datetime.combine(day, time(0), tz)


def since(date_range: str, timezone: str, *, now: datetime | None = None) -> datetime | None:
    """Where a date range of the lists' filter starts (None: "all", or unknown)."""
    days = _DAYS_BACK.get(date_range)
    return None if days is None else today_start(timezone, days_back=days, now=now)

# No engineer has this id: "my work" of an unknown code matches nothing.
_NOBODY = uuid.UUID(int=0)


@dataclass(frozen=True)
class RequestItem:
    """A request list row with the inputs of its SLA clocks, so the list can count them
    down as time passes without reading again."""

    row: RequestRow
    sla: SlaInputs | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)


def _engineer_id(session: Session, code: str | None) -> uuid.UUID | None:
    if not code:
        return None
    try:
        return reference.engineer_by_code(session, code).id
    except NotFound:
        return _NOBODY


def _open(session: Session, flt: RequestFilter, engineer_code: str | None) -> RequestFilter:
    return dataclasses.replace(flt, statuses=flt.statuses or OPEN_STATUSES,
                               engineer_id=_engineer_id(session, engineer_code)
                               or flt.engineer_id)


def _mine(session: Session, flt: SlipFilter, engineer_code: str | None) -> SlipFilter:
    return dataclasses.replace(flt, engineer_id=_engineer_id(session, engineer_code)
                               or flt.engineer_id)


def open_requests(store: Store, flt: RequestFilter, *, engineer_code: str | None = None,
                  offset: int = 0, limit: int = 200) -> list[RequestItem]:
    """Open requests (or those of `flt.statuses`), by derived status and assignee (the
    request events folded: escalations and reassignments show at once), with their SLA
    inputs; only `engineer_code`'s when given (my work)."""
    with store.read() as session:
        rows = queries.list_requests(session, _open(session, flt, engineer_code),
                                     limit=limit, offset=offset)
        inputs = sla_inputs_for(session, [r.id for r in rows])
        return [RequestItem(r, inputs.get(r.id)) for r in rows]


def count_open_requests(store: Store, flt: RequestFilter, *,
                        engineer_code: str | None = None) -> int:
    with store.read() as session:
        return queries.count_requests(session, _open(session, flt, engineer_code))


def slips(store: Store, flt: SlipFilter, *, engineer_code: str | None = None,
          offset: int = 0, limit: int = 200) -> list[SlipRow]:
    """Slips of `flt`, newest first; only `engineer_code`'s when given (my work)."""
    with store.read() as session:
        return queries.list_slips(session, _mine(session, flt, engineer_code), limit=limit,
                                  offset=offset)


def count_slips(store: Store, flt: SlipFilter, *, engineer_code: str | None = None) -> int:
    with store.read() as session:
        return queries.count_slips(session, _mine(session, flt, engineer_code))


def seal_marks(store: Store, rows: list[SlipRow]) -> list[SlipRow]:
    """The rows again, a sealed slip whose seal check fails with status
    `SealStatus.TAMPERED` (principle 3: shown as tampered everywhere). Read after the page
    is shown: checking a page of sealed slips costs about as much as reading it."""
    with store.read() as session:
        bad = tampered_among(store, session, [r.id for r in rows if r.status == SlipStatus.SEALED])
    return [dataclasses.replace(r, status=SealStatus.TAMPERED) if r.id in bad else r for r in rows]
