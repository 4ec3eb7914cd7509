"""Receiving a pushed batch: each record stored at most once, checked, answered.

Per record the answer is `accepted` (stored now), `duplicate` (this exact content is
here already) or `refused` with a reason in Chinese and English; a refused record never
blocks the rest of the batch.

A batch is read in a few queries (what the archive has under these ids, which versions
it received, the requests and amended slips the slips refer to), every record is judged
in memory, and the accepted ones are written table by table with executemany, all in one
savepoint. Should the database still refuse something (a constraint the checks did not
foresee, such as a slip number another laptop took), that savepoint is rolled back and
the batch goes again record by record, each in a savepoint of its own, so only the
offending record is refused. The answers are the same either way.
"""

from __future__ import annotations

import binascii
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, Literal

from sqlalchemy import exc as sa_exc
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fieldapp.archive import crud
from fieldapp.archive.attachment_owners import AttachmentOwners
from fieldapp.archive.db import lock_change_log
from fieldapp.archive.models import Received
from fieldapp.archive.numbers import NUMBERED, number_taken, numbers_held
from fieldapp.archive.ownership import Assignments, request_of
from fieldapp.archive.rules import (
    ITEM_TABLES,
    Actor,
    Reason,
    check_record,
    load_owners,
    may_push,
    uuid_or_none,
)
from fieldapp.archive.seal_keys import ArchiveKeys
from fieldapp.archive.search_catchup import catch_up
from fieldapp.archive.slip_attachments import SlipAttachments
from fieldapp.base.errors import FieldappError
from fieldapp.base.timeutil import utcnow
from fieldapp.records.events import EventKind, EventRecord
from fieldapp.seal.sealing import verify_slip
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.store.tables import ARCHIVE_MADE_TABLES, SYNC_MODELS, WRITE_ONCE_TABLES
from fieldapp.store.workflow_models import Event, RepairOrder
from fieldapp.sync.wire import (
    RecordValues,
    compact_document_value,
    content_hash,
    expand_strokes,
    insert_new_records,
    read_records,
    record_values,
    write_record,
)
from fieldapp.tools.exchange import dict_to_values
from fieldapp.workflows.event_check import check_event
from fieldapp.workflows.repair import verify_repair_order

log = logging.getLogger("fieldapp.archive.ingest")

_MALFORMED = (ValueError, TypeError, KeyError, AttributeError, binascii.Error, OverflowError)
_CHUNK = 500  # ids per IN (...) query
_NOT_STORED: Reason = (
    "not_stored", "档案数据库拒绝了该记录（引用缺失或数据冲突）。",
    "The archive database refused the record (a missing reference or a conflict).")
# The request columns a slip's checks and seal read.
_REQUEST_FACTS = ("id", "number", "channel", "requested_at", "fault_reported", "contact_name",
                  "contact_phone", "customer_id", "site_id", "device_id",  # the seal's links
                  "intake_channel", "service_kind")  # sealed from format 4


OutcomeStatus = Literal["accepted", "duplicate", "refused"]  # (schemas.RecordResult's)


@dataclass
class Outcome:
    table: str
    id: str
    status: OutcomeStatus
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
    # What needs no database is done before the lock, so that on PostgreSQL the batches
    # of several laptops (`serve --workers 2`) are hashed and converted on both cores
    # while one of them writes; the checks themselves all run as before. First each
    # slip's seal document gets back the strokes it carries by reference (wire.py).
    expanded = [expand_strokes(record) for record in records]
    records = [record for record, _compact in expanded]
    prepared = [_prepare(record, compact) for record, compact in expanded]
    lock_change_log(session)
    skew = int((client_time - now).total_seconds()) if client_time else 0
    # A laptop clock running ahead must not turn its own "now" into "the future".
    rules_now = max(now, client_time) if client_time else now
    try:
        with session.begin_nested():
            outcomes = _Batch(session, actor, rules_now).ingest(records, prepared)
    except sa_exc.SQLAlchemyError as exc:
        log.info("batch of %d records goes one by one: %s", len(records), exc)
        session.expire_all()
        outcomes = [_ingest_alone(session, actor, record, rules_now) for record in records]
    _book(session, actor, records, outcomes, client_time=client_time, now=now, skew=skew)
    catch_up(session)  # the slips stored now join the search index, in one statement
    accepted = sum(o.status == "accepted" for o in outcomes)
    log.info("push from %s: %d records, %d accepted, %d refused", actor.user.name,
             len(outcomes), accepted, sum(o.status == "refused" for o in outcomes))
    return outcomes


def _ingest_alone(session: Session, actor: Actor, record: dict[str, Any], now: datetime
                  ) -> Outcome:
    try:
        with session.begin_nested():
            [outcome] = _Batch(session, actor, now).ingest([record])
        return outcome
    except sa_exc.SQLAlchemyError as exc:
        parsed = _parse(record)
        log.warning("record %s/%s not stored: %s", parsed.table, parsed.raw_id, exc)
        session.expire_all()
        return _refused(parsed.table, parsed.raw_id, _NOT_STORED, parsed.digest)


def _book(session: Session, actor: Actor, records: list[dict[str, Any]],
          outcomes: list[Outcome], *, client_time: datetime | None, now: datetime,
          skew: int) -> None:
    """What was accepted: one `Received` row per version, and the pull feed."""
    accepted = [(o, r) for o, r in zip(outcomes, records, strict=True) if o.status == "accepted"]
    if not accepted:
        return
    session.execute(insert(Received.__table__), [
        {"table_name": o.table, "record_id": uuid.UUID(o.id), "content_hash": o.hash,
         "received_at": now, "laptop_time": client_time, "record_updated_at": _updated_at(r),
         "clock_skew_seconds": skew, "device_id": actor.device.id, "user_id": actor.user.id}
        for o, r in accepted])
    crud.record_changes(session, [(o.table, uuid.UUID(o.id)) for o, _ in accepted], now=now,
                        device_id=actor.device.id)


def _updated_at(record: dict[str, Any]) -> datetime | None:
    try:
        raw = record["row"].get("updated_at")
        moment = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except (ValueError, AttributeError, KeyError):
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _refused(table: str, record_id: str, reason: Reason, hash_: str = "") -> Outcome:
    return Outcome(table, record_id, "refused", hash_, *reason)


@dataclass
class _Parsed:
    table: str
    raw_id: str
    record: dict[str, Any]
    record_id: uuid.UUID | None = None
    digest: str = ""
    refusal: Outcome | None = None  # refused before any lookup
    converted: RecordValues | None = None  # its values, once it gets that far


def _parse(record: dict[str, Any]) -> _Parsed:
    """What a record says it is, and the checks that need no database."""
    table = str(record.get("table", ""))
    raw_id = str(record.get("id", ""))
    parsed = _Parsed(table, raw_id, record)
    if table not in SYNC_MODELS:
        parsed.refusal = _refused(table, raw_id, (
            "bad_table", f"不能同步的数据表：{table}。", f"Not a synchronised table: {table}."))
        return parsed
    if table in ARCHIVE_MADE_TABLES:
        parsed.refusal = _refused(table, raw_id, (
            "forbidden", "分析发现由档案服务器生成，不能上传。",
            "Findings are made by the archive; they cannot be pushed."))
        return parsed
    try:
        parsed.record_id = uuid.UUID(raw_id)
    except ValueError:
        parsed.refusal = _refused(table, raw_id, ("malformed", "记录编号格式错误。",
                                                  "Malformed record id."))
        return parsed
    parsed.digest = content_hash(record)
    if record.get("hash") not in (None, "", parsed.digest):
        parsed.refusal = _refused(table, raw_id, (
            "hash_mismatch", "记录内容与其校验码不符（传输中损坏）。",
            "The record does not match its hash (damaged in transit)."), parsed.digest)
    return parsed


def _prepare(record: dict[str, Any], compact: str | None = None) -> _Parsed:
    """`_parse`, then the record's values and a slip's strokes converted (kept for
    `_judge`; a malformed record is left to it, which refuses it with the reason); a
    seal document that came with its strokes by reference (`compact`) is parsed short."""
    parsed = _parse(record)
    if parsed.refusal is None and isinstance(record.get("row"), dict):
        try:
            parsed.converted = converted = record_values(record)
            strokes = [converted.strokes(index)
                       for index in range(len(converted.children.get("signatures", ())))]
            if compact is not None:
                converted.document = compact_document_value(compact, strokes)
        except _MALFORMED:
            parsed.converted = None
    return parsed


@dataclass
class _Batch:
    """One batch judged against what the archive holds, and its writes queued."""

    session: Session
    actor: Actor
    now: datetime
    existing: dict[tuple[str, uuid.UUID], dict[str, Any]] = field(default_factory=dict)
    received: set[tuple[str, uuid.UUID, str]] = field(default_factory=set)
    requests: dict[uuid.UUID, Any] = field(default_factory=dict)  # what slips refer to
    slip_numbers: dict[uuid.UUID, str] = field(default_factory=dict)  # amended slips
    owners: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)  # items' customers
    queue: list[tuple[_Parsed, bool]] = field(default_factory=list)  # (record, is new)
    numbers: dict[tuple[str, str], uuid.UUID] = field(default_factory=dict)  # held here
    assignments: Assignments = field(init=False)  # whose work each request is now
    keys: ArchiveKeys = field(init=False)  # the pusher's device keys, read once a batch
    attachments: SlipAttachments = field(init=False)  # what format-4 seals name
    attachment_owners: AttachmentOwners = field(init=False)  # whose records pictures join

    def __post_init__(self) -> None:
        self.assignments = Assignments(self.session, self.actor, self._flush)
        self.attachment_owners = AttachmentOwners(self.session, self.actor, self.assignments)
        self.keys = ArchiveKeys(self.session, self.actor.user)
        self.attachments = SlipAttachments(self.session)

    def ingest(self, records: list[dict[str, Any]],
               prepared: list[_Parsed] | None = None) -> list[Outcome]:
        parsed = prepared if prepared is not None else [_parse(record) for record in records]
        self._look_up([p for p in parsed if p.refusal is None])
        outcomes = [p.refusal or self._judge(p) for p in parsed]
        self._flush()
        return outcomes

    def _look_up(self, parsed: list[_Parsed]) -> None:
        ids_of: dict[str, list[uuid.UUID]] = {}
        for p in parsed:
            assert p.record_id is not None
            ids_of.setdefault(p.table, []).append(p.record_id)
        for table, ids in ids_of.items():
            for record_id, record in read_records(self.session, table, ids).items():
                self.existing[(table, record_id)] = record
        for table, ids in ids_of.items():  # by (table, id): what ix_archive_received_record
            for chunk in _chunks(ids):     # indexes (by id alone, every batch read it all)
                self.received.update(self.session.execute(
                    select(Received.table_name, Received.record_id, Received.content_hash)
                    .where(Received.table_name == table, Received.record_id.in_(chunk))).all())
        request_ids, amended_ids = set(), set()
        for p in parsed:
            row = p.record.get("row")
            if isinstance(row, dict):
                self.assignments.want([request_of(p.table, row)])
            if p.table == "slips" and isinstance(row, dict):
                request_ids.add(uuid_or_none(row.get("request_id")))
                amended_ids.add(uuid_or_none(row.get("amends_slip_id")))
        request_ids.discard(None)
        amended_ids.discard(None)
        self.attachments.load(p.record_id for p in parsed
                              if p.table == "slips" and p.record_id is not None)
        self.attachment_owners.load((p.table, p.record.get("row")) for p in parsed)
        self.owners = load_owners(self.session, [p.record.get("row") for p in parsed])
        self.numbers = numbers_held(self.session, [p.record for p in parsed])
        columns = [ServiceRequest.__table__.c[name] for name in _REQUEST_FACTS]
        for chunk in _chunks([i for i in request_ids if i is not None]):
            for row in self.session.execute(select(*columns).where(columns[0].in_(chunk))):
                self.requests[row.id] = row
        slips = Slip.__table__
        for chunk in _chunks([i for i in amended_ids if i is not None]):
            self.slip_numbers.update(self.session.execute(
                select(slips.c.id, slips.c.number).where(slips.c.id.in_(chunk))).all())

    def _judge(self, p: _Parsed) -> Outcome:
        assert p.record_id is not None
        table, raw_id, digest, key = p.table, p.raw_id, p.digest, (p.table, p.record_id)
        try:
            existing = self.existing.get(key)
            if (existing is not None and existing["hash"] == digest) or (
                    table, p.record_id, digest) in self.received:
                return Outcome(table, raw_id, "duplicate", digest)
            row = p.record.get("row")
            if not isinstance(row, dict):
                raise TypeError("row must be an object")
            # once, for every use below (before the lock, as a rule: `_prepare`)
            p.converted = converted = p.converted or record_values(p.record)
            reason = self._may_write(table, row, existing)
            if reason is None:
                reason = check_record(self.session, table, p.record, self.now, self.requests,
                                      converted, self.owners)
            if reason is not None:
                return _refused(table, raw_id, reason, digest)
            conflict: Reason | None = None
            if table == "events":
                self._flush()  # the workflow folds read what came before in this batch
                verdict = check_event(self.session, _event(row))
                if not verdict.ok:
                    return _refused(table, raw_id, (verdict.code, verdict.zh, verdict.en), digest)
                if verdict.conflicts:
                    conflict = ("conflict", verdict.zh, verdict.en)
                    log.warning("event %s kept as a conflict: %s", raw_id, verdict.en)
            if table == "slips":
                self._verify_seal(converted)
            if table == "repair_orders":
                self._write_repair_order(p)
            else:
                self.queue.append((p, existing is None))
            self._remember(p, row, converted)
            if conflict is not None:
                return Outcome(table, raw_id, "accepted", digest, *conflict)
        except _Refused as refused:
            return _refused(table, raw_id, refused.reason, digest)
        except FieldappError as exc:
            return _refused(table, raw_id, ("invalid", exc.zh, exc.en), digest)
        except _MALFORMED as exc:
            return _refused(table, raw_id, ("malformed", f"记录格式错误：{exc}",
                                            f"Malformed record: {exc}"), digest)
        return Outcome(table, raw_id, "accepted", digest)

    def _may_write(self, table: str, row: dict[str, Any], existing: dict[str, Any] | None
                   ) -> Reason | None:
        reason = may_push(self.actor, table, row, existing) or self.assignments.refusal(
            table, row)
        if reason is None and table == "attachments":
            reason = self.attachment_owners.refusal(row, existing)
        if reason is not None:
            return reason
        number = row.get("number")
        holder = self.numbers.get((table, str(number))) if number else None
        if holder is not None and str(holder) != str(row.get("id")):
            return number_taken(table, str(number))
        if table == "slips" and existing is not None and existing["row"].get("seal"):
            number = existing["row"].get("number")
            return ("sealed", f"服务单 {number} 已在档案中封存，不能修改；请新建更正单。",
                    f"Slip {number} is sealed in the archive and cannot change; start an "
                    "amendment.")
        if table in WRITE_ONCE_TABLES and existing is not None:
            return ("immutable", "该记录写入后不能修改（更正请新建记录或事件）。",
                    "This record is written once and cannot change (record a new one).")
        return None

    def _remember(self, p: _Parsed, row: dict[str, Any], converted: RecordValues) -> None:
        """Later records of this batch see this one as stored."""
        assert p.record_id is not None
        self.existing[(p.table, p.record_id)] = {**p.record, "hash": p.digest}
        if p.table in NUMBERED and row.get("number"):
            self.numbers[(p.table, str(row["number"]))] = p.record_id
        if p.table == "service_requests":  # its assignment may have changed
            self.assignments.forget(p.record_id)
        elif p.table == "events" and row.get("kind") == EventKind.REQUEST_REASSIGNED:
            self.assignments.forget(request_of(p.table, row))
        if p.table == "service_requests":
            self.requests[p.record_id] = SimpleNamespace(**{k: converted.values.get(k)
                                                            for k in _REQUEST_FACTS})
        elif p.table == "slips":
            self.slip_numbers[p.record_id] = str(row.get("number"))
        elif p.table in ITEM_TABLES:
            self.owners[p.record_id] = converted.values["customer_id"]
        elif p.table == "attachments":
            self.attachments.remember(converted.values)

    def _verify_seal(self, converted: RecordValues) -> None:
        """Recompute a sealed slip's seal from exactly what will be stored; refuse the
        record if it does not hold. (The stored columns read back as these values: the
        same columns are what a re-push's duplicate check hashes.) The rules have passed:
        the strokes they parsed are well-formed integers."""
        values = converted.values
        if values.get("seal") is None:
            return
        amends_id = values.get("amends_slip_id")
        request_id = values.get("request_id")
        if amends_id is not None and amends_id not in self.slip_numbers:
            raise _Refused(("missing", "档案中还没有这张更正单所更正的服务单，稍后重试。",
                            "The archive does not have the slip this one amends yet; it "
                            "will be sent again."))
        lines = sorted((SimpleNamespace(**line) for line in converted.children["fee_lines"]),
                       key=lambda line: line.position)
        slip = SimpleNamespace(
            **values,
            request=self.requests.get(request_id) if request_id is not None else None,
            amends=SimpleNamespace(number=self.slip_numbers.get(amends_id))
            if amends_id is not None else None,
            fee_lines=lines, total_fen=sum(line.amount_fen for line in lines),
            attachments=self.attachments.of(values.get("id")),
            parsed_seal_document=converted.document,  # None: verify_slip parses the text
            signatures=[SimpleNamespace(**sig, parsed_strokes=converted.strokes(i))
                        for i, sig in enumerate(converted.children["signatures"])])
        keys = self.keys
        result = verify_slip(slip, keys)
        downgrade = keys.older_format_problem(values.get("sealed_at")) if (
            result.ok and result.older_format) else None
        if not result.ok or downgrade:
            problems = result.problems + ([downgrade] if downgrade else [])
            zh = "；".join(p[0] for p in problems)
            en = "; ".join(p[1] for p in problems)
            raise _Refused(("seal_mismatch", f"服务单 {slip.number} 封存校验失败：{zh}",
                            f"Slip {slip.number} fails its seal check: {en}"))

    def _write_repair_order(self, p: _Parsed) -> None:
        """A sealed intake is checked from what was stored (verify_repair_order reads the
        ORM row), in a savepoint of its own; rare enough to go alone."""
        assert p.record_id is not None
        self._flush()
        try:
            with self.session.begin_nested():
                write_record(self.session, p.record)
                self.session.expire_all()
                order = self.session.get_one(RepairOrder, p.record_id)
                if not verify_repair_order(order):
                    raise _Refused(("seal_mismatch", f"送修单 {order.number} 封存校验失败。",
                                    f"Repair order {order.number} fails its seal check."))
        finally:
            self.session.expire_all()

    def _flush(self) -> None:
        """Write what is queued: runs of new records of one table in bulk, the rest (new
        versions of stored records) one by one, in the batch's order."""
        queue, self.queue = self.queue, []
        start = 0
        while start < len(queue):
            end = start
            while end < len(queue) and queue[end][0].table == queue[start][0].table:
                end += 1
            run = queue[start:end]
            fresh = [p.converted or p.record for p, new in run if new]
            if fresh:
                insert_new_records(self.session, run[0][0].table, fresh)
            for p, new in run:
                if not new:
                    write_record(self.session, p.record)
            start = end
        if queue:
            self.session.expire_all()  # ORM reads after this (event checks) see the rows


def _chunks(ids: list[uuid.UUID]) -> list[list[uuid.UUID]]:
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _event(row: dict[str, Any]) -> EventRecord:
    v = dict_to_values(Event, row)
    return EventRecord(id=v["id"], kind=v["kind"], subject_type=v["subject_type"],
                       subject_id=v["subject_id"], payload=json.loads(v["payload"]),
                       actor_code=v["actor_code"], occurred_at=v["occurred_at"],
                       recorded_at=v["recorded_at"], request_id=v.get("request_id"))


SKEW_LIMIT = timedelta(minutes=5)
