"""Receiving a pushed batch: each record stored at most once, checked, answered.

Per record the answer is `accepted` (stored now), `duplicate` (this exact content is
here already) or `refused` with a reason in Chinese and English. Each record is written
in its own savepoint, so a refused record never blocks the rest of the batch.
"""

from __future__ import annotations

import binascii
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fieldapp.archive import crud
from fieldapp.archive.db import lock_change_log
from fieldapp.archive.models import Received
from fieldapp.archive.rules import Actor, Reason, check_record, may_push
from fieldapp.errors import FieldappError
from fieldapp.event_check import check_event
from fieldapp.events import EventRecord
from fieldapp.exchange import dict_to_values
from fieldapp.repair import verify_repair_order
from fieldapp.sealing import verify_slip
from fieldapp.store.models import Slip
from fieldapp.store.workflow_models import Event, RepairOrder
from fieldapp.sync.wire import (
    ARCHIVE_MADE_TABLES,
    SYNC_MODELS,
    WRITE_ONCE_TABLES,
    content_hash,
    read_record,
    write_record,
)
from fieldapp.timeutil import utcnow

log = logging.getLogger("fieldapp.archive.ingest")

_MALFORMED = (ValueError, TypeError, KeyError, AttributeError, binascii.Error, OverflowError)


@dataclass
class Outcome:
    table: str
    id: str
    status: str  # accepted / duplicate / refused
    hash: str = ""
    code: str = ""
    zh: str = ""
    en: str = ""


class _Refused(Exception):
    def __init__(self, reason: Reason) -> None:
        super().__init__(reason[2])
        self.reason = reason


def ingest_batch(session: Session, *, actor: Actor, records: list[dict[str, Any]],
                 client_time: datetime | None, now: datetime | None = None) -> list[Outcome]:
    now = now or utcnow()
    lock_change_log(session)
    skew = int((client_time - now).total_seconds()) if client_time else 0
    # A laptop clock running ahead must not turn its own "now" into "the future".
    rules_now = max(now, client_time) if client_time else now
    outcomes = []
    for record in records:
        outcome = _ingest_one(session, actor, record, rules_now)
        if outcome.status == "accepted":
            session.execute(insert(Received).values(
                table_name=outcome.table, record_id=uuid.UUID(outcome.id),
                content_hash=outcome.hash, received_at=now, laptop_time=client_time,
                record_updated_at=_updated_at(record), clock_skew_seconds=skew,
                device_id=actor.device.id, user_id=actor.user.id))
            crud.record_change(session, table=outcome.table, record_id=uuid.UUID(outcome.id),
                               now=now)
        outcomes.append(outcome)
    accepted = sum(o.status == "accepted" for o in outcomes)
    log.info("push from %s: %d records, %d accepted, %d refused", actor.user.name,
             len(outcomes), accepted, sum(o.status == "refused" for o in outcomes))
    return outcomes


def _updated_at(record: dict[str, Any]) -> datetime | None:
    try:
        raw = record["row"].get("updated_at")
        moment = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except (ValueError, AttributeError, KeyError):
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _refused(table: str, record_id: str, reason: Reason, hash_: str = "") -> Outcome:
    return Outcome(table, record_id, "refused", hash_, *reason)


def _ingest_one(session: Session, actor: Actor, record: dict[str, Any], now: datetime) -> Outcome:
    table = str(record.get("table", ""))
    raw_id = str(record.get("id", ""))
    if table not in SYNC_MODELS:
        return _refused(table, raw_id, ("bad_table", f"不能同步的数据表：{table}。",
                                        f"Not a synchronised table: {table}."))
    if table in ARCHIVE_MADE_TABLES:
        return _refused(table, raw_id, ("forbidden", "分析发现由档案服务器生成，不能上传。",
                                        "Findings are made by the archive; they cannot be pushed."))
    try:
        record_id = uuid.UUID(raw_id)
    except ValueError:
        return _refused(table, raw_id, ("malformed", "记录编号格式错误。", "Malformed record id."))
    digest = content_hash(record)
    if record.get("hash") not in (None, "", digest):
        return _refused(table, raw_id, ("hash_mismatch", "记录内容与其校验码不符（传输中损坏）。",
                                        "The record does not match its hash (damaged in transit)."))
    try:
        existing = read_record(session, table, record_id)
        if (existing is not None and existing["hash"] == digest) or _received(
                session, table, record_id, digest):
            return Outcome(table, raw_id, "duplicate", digest)
        row = record.get("row")
        if not isinstance(row, dict):
            raise TypeError("row must be an object")
        reason = may_push(actor, table, row, existing)
        if reason is not None:
            return _refused(table, raw_id, reason, digest)
        if table == "slips" and existing is not None and existing["row"].get("seal"):
            number = existing["row"].get("number")
            return _refused(table, raw_id, (
                "sealed", f"服务单 {number} 已在档案中封存，不能修改；请新建更正单。",
                f"Slip {number} is sealed in the archive and cannot change; start an "
                "amendment."), digest)
        if table in WRITE_ONCE_TABLES and existing is not None:
            return _refused(table, raw_id, (
                "immutable", "该记录写入后不能修改（更正请新建记录或事件）。",
                "This record is written once and cannot change (record a new one)."), digest)
        reason = check_record(session, table, record, now)
        if reason is not None:
            return _refused(table, raw_id, reason, digest)
        conflict: Reason | None = None
        if table == "events":
            verdict = check_event(session, _event(row))
            if not verdict.ok:
                return _refused(table, raw_id, (verdict.code, verdict.zh, verdict.en), digest)
            if verdict.conflicts:
                conflict = ("conflict", verdict.zh, verdict.en)
                log.warning("event %s kept as a conflict: %s", raw_id, verdict.en)
        with session.begin_nested():
            write_record(session, record)
            if table == "slips" and dict_to_values(Slip, row).get("seal") is not None:
                _verify_seal(session, record_id)
            if table == "repair_orders":
                _verify_repair(session, record_id)
        if conflict is not None:
            return Outcome(table, raw_id, "accepted", digest, *conflict)
    except _Refused as refused:
        return _refused(table, raw_id, refused.reason, digest)
    except FieldappError as exc:
        return _refused(table, raw_id, ("invalid", exc.zh, exc.en), digest)
    except _MALFORMED as exc:
        return _refused(table, raw_id, ("malformed", f"记录格式错误：{exc}",
                                        f"Malformed record: {exc}"), digest)
    except sa_exc.SQLAlchemyError as exc:
        log.warning("record %s/%s not stored: %s", table, raw_id, exc)
        return _refused(table, raw_id, (
            "not_stored", "档案数据库拒绝了该记录（引用缺失或数据冲突）。",
            "The archive database refused the record (a missing reference or a conflict)."),
            digest)
    return Outcome(table, raw_id, "accepted", digest)


def _received(session: Session, table: str, record_id: uuid.UUID, digest: str) -> bool:
    return session.scalar(select(Received.id).where(
        Received.table_name == table, Received.record_id == record_id,
        Received.content_hash == digest).limit(1)) is not None


def _verify_seal(session: Session, slip_id: uuid.UUID) -> None:
    """Recompute the seal from what was stored; refuse the record if it does not hold."""
    session.expire_all()
    slip = session.get_one(Slip, slip_id)
    result = verify_slip(slip)
    if not result.ok:
        zh = "；".join(p[0] for p in result.problems)
        en = "; ".join(p[1] for p in result.problems)
        raise _Refused(("seal_mismatch", f"服务单 {slip.number} 封存校验失败：{zh}",
                        f"Slip {slip.number} fails its seal check: {en}"))


def _event(row: dict[str, Any]) -> EventRecord:
    import json

    v = dict_to_values(Event, row)
    return EventRecord(id=v["id"], kind=v["kind"], subject_type=v["subject_type"],
                       subject_id=v["subject_id"], payload=json.loads(v["payload"]),
                       actor_code=v["actor_code"], occurred_at=v["occurred_at"],
                       recorded_at=v["recorded_at"], request_id=v.get("request_id"))


def _verify_repair(session: Session, order_id: uuid.UUID) -> None:
    """Re-check the sealed intake's hash from what was stored (verify_repair_order)."""
    session.expire_all()
    order = session.get_one(RepairOrder, order_id)
    if not verify_repair_order(order):
        raise _Refused(("seal_mismatch", f"送修单 {order.number} 封存校验失败。",
                        f"Repair order {order.number} fails its seal check."))


SKEW_LIMIT = timedelta(minutes=5)
