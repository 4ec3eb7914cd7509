"""Pulled records this laptop cannot store yet, set aside with the reason (issue 19, item 5).

A pulled page is stored whole when it can. When one of its records cannot be stored — its
number is held here by a signed record (one number used on two computers), or it refers
to a record parked before it — that record is *parked*: kept with its reason, while the
rest of the page and the cursor are stored, so one bad record never stops a laptop from
receiving anything new. A parked record is tried again at every pull (what held it up may
have been resolved: a draft renumbered and sent, the service centre's correction pulled)
and leaves the lot once stored, or once a newer version of it was pulled. `fieldapp sync`
counts and lists them, named by number; nothing is lost.

Kept in `sync_state` under `parked:<id>` (the record's wire form and the reason, as JSON):
rare, small in number, and read only here.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fieldapp.base.timeutil import iso_utc, utcnow
from fieldapp.store.models import SyncState
from fieldapp.sync import state

PREFIX = "parked:"
Reason = tuple[str, str, str]  # (code, zh, en)


@dataclass(frozen=True)
class Parked:
    table: str
    record_id: uuid.UUID
    code: str
    zh: str
    en: str
    parked_at: str
    record: dict[str, Any]


def _key(record_id: uuid.UUID) -> str:
    return f"{PREFIX}{record_id.hex}"  # 39 characters: sync_state keys hold 40


def park(session: Session, record: dict[str, Any], reason: Reason) -> None:
    """Set this pulled record aside (a later version replaces an earlier one)."""
    code, zh, en = reason
    value = json.dumps({"record": record, "code": code, "zh": zh, "en": en,
                        "parked_at": iso_utc(utcnow())}, ensure_ascii=False)
    state.put(session, _key(uuid.UUID(str(record["id"]))), value)


def unpark(session: Session, record_ids: list[uuid.UUID]) -> None:
    if record_ids:
        session.execute(delete(SyncState).where(SyncState.key.in_(
            [_key(r) for r in record_ids])))


def parked(session: Session) -> list[Parked]:
    """Every parked record, in the order they were parked."""
    out = []
    for value in session.scalars(select(SyncState.value).where(
            SyncState.key.like(f"{PREFIX}%")).order_by(SyncState.updated_at, SyncState.key)):
        try:
            item = json.loads(value)
            record = item["record"]
            out.append(Parked(str(record["table"]), uuid.UUID(str(record["id"])),
                              str(item["code"]), str(item["zh"]), str(item["en"]),
                              str(item.get("parked_at", "")), record))
        except (ValueError, KeyError, TypeError):
            continue  # damaged: nothing to try again
    return out


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SyncState).where(
        SyncState.key.like(f"{PREFIX}%"))) or 0
