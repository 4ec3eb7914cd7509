"""Pulled records this laptop cannot store yet, set aside with the reason (issue 19, item 5).

A pulled page is stored whole when it can. When one of its records cannot be stored — its
number is held here by a signed record (one number used on two computers), or it refers
to a record parked before it — that record is *parked*: kept with its reason, while the
rest of the page and the cursor are stored, so one bad record never stops a laptop from
receiving anything new. A parked record is tried again at every pull (what held it up may
have been resolved: a draft renumbered and sent, the service centre's correction pulled)
and leaves the lot once stored, or once a newer version of it was pulled. `fieldapp sync`
counts and lists them, named by number, and so does the desktop's 待同步 tab (`label`);
`fieldapp sync --retry-parked` and the tab's button try them again after a pull; nothing
is lost.

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


# what names a parked record on screen: its own number or code (never a person's name)
_OWN_NAMES = ("number", "code", "serial", "asset_tag")


def label(item: Parked) -> str:
    """The parked record's number or code as pulled (`R-E01-20261206-001`), else the
    id's last six digits (`…3f9a1c`): a contact or an event has no number of its own."""
    row = item.record.get("row") or {}
    return next((str(row[n]) for n in _OWN_NAMES if row.get(n)), f"…{item.record_id.hex[-6:]}")


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SyncState).where(
        SyncState.key.like(f"{PREFIX}%"))) or 0
