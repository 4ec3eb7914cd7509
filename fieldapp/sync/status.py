"""What the laptop still has to send, and how the last sync went — for the window and CLI.

`overview` is the status line (waiting, refused, last success, clock skew);
`waiting_records` is the list behind it: every record not yet acknowledged by the
archive, refused ones first with the archive's reason (a refused record is never
dropped, ARCHITECTURE.md principle 4), each named by its human number where it has one.
Records kept on this laptop only (outbox state `local`) are not waiting: they are only
counted (`SyncOverview.local`). `record_labels` names records for the command line
without personal data: numbers and codes, never a person's name or phone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from fieldapp.store.models import SyncOutbox
from fieldapp.store.tables import SYNC_MODELS
from fieldapp.store.values import OutboxState
from fieldapp.sync import parking, state

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
    "problem_sets": ("问题集", "Problem set"),
    "service_suggestions": ("服务建议", "Service suggestion"),
    "events": ("事件", "Event"),
    "attachments": ("附件", "Attachment"),
}


@dataclass(frozen=True)
class SyncOverview:
    pending: int
    refused: int
    last_success_at: datetime | None
    clock_skew_seconds: int
    local: int = 0  # kept on this laptop only, never sent
    parked: int = 0  # pulled records set aside here (fieldapp.sync.parking)
    files_waiting: int = 0  # attachment files still to send (fieldapp.sync.files)
    files_not_sent: int = 0  # files that could not be sent: refused, missing here …


class WaitingState(StrEnum):
    """Why a record is on the 待同步 list."""

    PENDING = "pending"  # to push
    REFUSED = "refused"  # the archive said no; kept with its reason
    PARKED = "parked"  # pulled, but set aside here (fieldapp.sync.parking)
    FILE = "file"  # an attachment's file that could not be sent (fieldapp.sync.files)


@dataclass(frozen=True)
class WaitingRecord:
    table: str
    record_id: uuid.UUID
    label: str  # the record's number (S-E01-…), code or serial, else the id's random tail
    state: WaitingState
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
    return SyncOverview(pending=counts.get(OutboxState.PENDING, 0),
                        refused=counts.get(OutboxState.REFUSED, 0),
                        last_success_at=datetime.fromisoformat(last) if last else None,
                        clock_skew_seconds=skew, local=counts.get(OutboxState.LOCAL, 0),
                        parked=parking.count(session))


def waiting_records(session: Session, offset: int = 0, limit: int = 200
                    ) -> list[WaitingRecord]:
    refused_first = case((SyncOutbox.state == OutboxState.REFUSED, 0), else_=1)
    rows = session.scalars(
        select(SyncOutbox).where(SyncOutbox.state != OutboxState.LOCAL)
        .order_by(refused_first, SyncOutbox.enqueued_at, SyncOutbox.record_id)
        .offset(offset).limit(limit)).all()
    numbers = _numbers(session, [(r.table_name, r.record_id) for r in rows])
    return [WaitingRecord(table=r.table_name, record_id=r.record_id,
                          label=numbers.get((r.table_name, r.record_id),
                                            str(r.record_id)[-12:]),
                          state=WaitingState(r.state), enqueued_at=r.enqueued_at,
                          attempts=r.attempts,
                          reason_zh=r.reason_zh, reason_en=r.reason_en)
            for r in rows]


def record_numbers(session: Session, keys: list[tuple[str, uuid.UUID]]
                   ) -> dict[tuple[str, uuid.UUID], str]:
    """The number (code, serial) the 待同步 list names each of these records by."""
    return _numbers(session, keys)


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


# What names a record on the command line: its own number or code, else its parent's.
# A contact's or signer's name and phone are personal data and never used.
_OWN_LABEL = {"engineers": "code", "customers": "code", "contracts": "number",
              "service_requests": "number", "slips": "number", "repair_orders": "number",
              "complaints": "number", "open_questions": "number", "loaners": "asset_tag",
              "devices": "serial", "problem_sets": "number",
              "service_suggestions": "number"}
_PARENT = {"contacts": ("customer_id", "customers"), "sites": ("customer_id", "customers"),
           "devices": ("customer_id", "customers"),
           "archive_entries": ("customer_id", "customers"),
           "events": ("request_id", "service_requests")}


def record_labels(session: Session, keys: list[tuple[str, uuid.UUID]]
                  ) -> dict[tuple[str, uuid.UUID], tuple[str, str]]:
    """(zh, en) names for these records: `服务单 S-E07-20261125-003`, `联系人（客户
    TJPORT，…3f9a1c）`, `事件（服务请求 R-C01-20261125-006，…0b7e42）`. Never a UUID alone
    (the id's last 6 digits are added only where nothing else tells two records apart),
    never a person's name or phone."""
    by_table: dict[str, list[uuid.UUID]] = {}
    for table, record_id in keys:
        by_table.setdefault(table, []).append(record_id)
    own: dict[tuple[str, uuid.UUID], str] = {}
    parents: dict[tuple[str, uuid.UUID], tuple[str, uuid.UUID]] = {}
    for table, ids in by_table.items():
        model = SYNC_MODELS.get(table)
        if model is None:
            continue
        cols = model.__table__.c
        wanted: list[ColumnElement[Any]] = [cols.id]
        if table in _OWN_LABEL:
            wanted.append(cols[_OWN_LABEL[table]].label("own"))
        if table in _PARENT:
            wanted.append(cols[_PARENT[table][0]].label("parent"))
        for start in range(0, len(ids), 500):
            for row in session.execute(select(*wanted).where(cols.id.in_(ids[start:start + 500]))):
                values = row._mapping
                if values.get("own"):
                    own[(table, row.id)] = str(values["own"])
                elif values.get("parent") is not None:
                    parents[(table, row.id)] = (_PARENT[table][1], values["parent"])
    parent_names = _own_names(session, set(parents.values()))
    out: dict[tuple[str, uuid.UUID], tuple[str, str]] = {}
    for table, record_id in keys:
        zh, en = TABLE_LABELS.get(table, (table, table))
        tail = str(record_id)[-6:]
        if (table, record_id) in own:
            name = own[(table, record_id)]
            out[(table, record_id)] = (f"{zh} {name}", f"{en} {name}")
            continue
        parent = parents.get((table, record_id))
        if parent is not None and parent in parent_names:
            pzh, pen = TABLE_LABELS[parent[0]]
            number = parent_names[parent]
            out[(table, record_id)] = (f"{zh}（{pzh} {number}，…{tail}）",
                                       f"{en} ({pen} {number}, …{tail})")
        else:
            out[(table, record_id)] = (f"{zh} …{tail}", f"{en} …{tail}")
    return out


def _own_names(session: Session, keys: set[tuple[str, uuid.UUID]]
               ) -> dict[tuple[str, uuid.UUID], str]:
    by_table: dict[str, list[uuid.UUID]] = {}
    for table, record_id in keys:
        by_table.setdefault(table, []).append(record_id)
    out = {}
    for table, ids in by_table.items():
        cols = SYNC_MODELS[table].__table__.c
        column = cols[_OWN_LABEL[table]]
        for start in range(0, len(ids), 500):
            for record_id, value in session.execute(
                    select(cols.id, column).where(cols.id.in_(ids[start:start + 500]))):
                out[(table, record_id)] = str(value)
    return out
