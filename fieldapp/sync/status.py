"""What the laptop still has to send, and how the last sync went — for the window and CLI.

`overview` is the status line (waiting, refused, last success, clock skew);
`waiting_records` is the list behind it: every record not yet acknowledged by the
archive, refused ones first with the archive's reason (a refused record is never
dropped, ARCHITECTURE.md principle 4), each named by its human number where it has one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fieldapp.store.models import SyncOutbox
from fieldapp.sync import state
from fieldapp.sync.wire import SYNC_MODELS

# how a table is named to the engineer (zh, en)
TABLE_LABELS: dict[str, tuple[str, str]] = {
    "engineers": ("工程师", "Engineer"),
    "customers": ("客户", "Customer"),
    "contacts": ("联系人", "Contact"),
    "sites": ("地点", "Site"),
    "devices": ("设备", "Device"),
    "contracts": ("合同", "Contract"),
    "loaners": ("备机", "Loaner"),
    "service_requests": ("服务请求", "Service request"),
    "slips": ("服务单", "Service slip"),
    "repair_orders": ("送修单", "Repair order"),
    "complaints": ("投诉", "Complaint"),
    "open_questions": ("待答复问题", "Open question"),
    "archive_entries": ("档案记录", "Archive entry"),
    "events": ("事件", "Event"),
}


@dataclass(frozen=True)
class SyncOverview:
    pending: int
    refused: int
    last_success_at: datetime | None
    clock_skew_seconds: int


@dataclass(frozen=True)
class WaitingRecord:
    table: str
    record_id: uuid.UUID
    label: str  # the record's number (S-E01-…), code or serial, else the id's random tail
    state: str  # "pending" | "refused"
    enqueued_at: datetime
    attempts: int
    reason_zh: str
    reason_en: str


def overview(session: Session) -> SyncOverview:
    counts = dict(session.execute(
        select(SyncOutbox.state, func.count()).group_by(SyncOutbox.state)).all())
    last = state.get(session, state.LAST_SUCCESS)
    try:
        skew = int(state.get(session, state.CLOCK_SKEW, "0"))
    except ValueError:
        skew = 0
    return SyncOverview(pending=counts.get("pending", 0), refused=counts.get("refused", 0),
                        last_success_at=datetime.fromisoformat(last) if last else None,
                        clock_skew_seconds=skew)


def waiting_records(session: Session, offset: int = 0, limit: int = 200
                    ) -> list[WaitingRecord]:
    refused_first = case((SyncOutbox.state == "refused", 0), else_=1)
    rows = session.scalars(
        select(SyncOutbox)
        .order_by(refused_first, SyncOutbox.enqueued_at, SyncOutbox.record_id)
        .offset(offset).limit(limit)).all()
    numbers = _numbers(session, [(r.table_name, r.record_id) for r in rows])
    return [WaitingRecord(table=r.table_name, record_id=r.record_id,
                          label=numbers.get((r.table_name, r.record_id),
                                            str(r.record_id)[-12:]),
                          state=r.state, enqueued_at=r.enqueued_at, attempts=r.attempts,
                          reason_zh=r.reason_zh, reason_en=r.reason_en)
            for r in rows]


def _numbers(session: Session, keys: list[tuple[str, uuid.UUID]]
             ) -> dict[tuple[str, uuid.UUID], str]:
    by_table: dict[str, list[uuid.UUID]] = {}
    for table, record_id in keys:
        by_table.setdefault(table, []).append(record_id)
    out: dict[tuple[str, uuid.UUID], str] = {}
    for table, ids in by_table.items():
        model = SYNC_MODELS.get(table)
        column = None
        for name in ("number", "code", "serial", "asset_tag", "name"):
            column = getattr(model, name, None) if model is not None else None
            if column is not None:
                break
        if model is None or column is None:
            continue
        pk = model.__table__.primary_key.columns.values()[0]
        for record_id, value in session.execute(select(pk, column).where(pk.in_(ids))):
            out[(table, record_id)] = str(value)
    return out
