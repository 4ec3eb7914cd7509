"""One sync round: push the outbox, then pull what changed (docs/sync-protocol.md).

`run_sync_round(store, settings, client)` is what `fieldapp sync` and the desktop app
(from a worker thread) call. It never holds a database transaction while waiting on the
network: it reads a batch, sends it, then records the answers in a short transaction
(the next batch is read while one is on the wire).
A pulled page and the new cursor are stored in one transaction.
"""

from __future__ import annotations

import logging
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import exc as sa_exc
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.ids import NUMBER_PATTERN
from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import iso_utc, utcnow
from fieldapp.records import numbering
from fieldapp.store import Store, outbox
from fieldapp.store.models import NumberSequence, SyncOutbox
from fieldapp.store.tables import SYNC_MODELS
from fieldapp.sync import parking, state
from fieldapp.sync.clashes import find_clashes, make_room, pull_clash_error
from fieldapp.sync.errors import ServerError, SyncError
from fieldapp.sync.files import FilesReport, ProgressFn, note_lost, send_files
from fieldapp.sync.giving_way import give_way, parking_reason
from fieldapp.sync.local_only import held_back
from fieldapp.sync.seal_keys import (
    keep_pulled_receipts,
    keep_receipts,
    register_device_key,
    take_receipts,
)
from fieldapp.sync.tamper_report import report_tampered_slips
from fieldapp.sync.wire import (
    MIB,
    Values,
    compact_strokes,
    encode_record,
    join_encoded,
    push_body_limit,
    read_records,
    write_record,
)

if TYPE_CHECKING:
    from fieldapp.sync.client import ArchiveClient

log = logging.getLogger("fieldapp.sync")

PUSH_BATCH = 250  # records a push; fewer round trips and per-batch look-ups (was 100)
PULL_PAGE = 200
SKEW_LIMIT = timedelta(minutes=5)
MAX_PULL_PAGES = 10_000
ROUND_TIME_LIMIT = 600.0  # seconds: a round never runs forever


@dataclass
class Refusal:
    table: str
    id: str
    code: str
    zh: str
    en: str


@dataclass
class SyncReport:
    pushed: int = 0
    accepted: int = 0
    duplicate: int = 0
    refused: list[Refusal] = field(default_factory=list)
    pulled: int = 0
    pages: int = 0
    cursor: int = 0
    still_pending: int = 0
    refused_total: int = 0  # refused records waiting on this laptop (this round or earlier)
    clock_skew_seconds: int = 0
    clock_skew_flagged: bool = False
    error: SyncError | None = None
    parked: int = 0  # pulled records set aside this round (fieldapp.sync.parking)
    parked_total: int = 0  # set aside on this laptop now, this round or earlier
    tampered: int = 0  # sealed slips failing their check, reported (fieldapp.sync.tamper_report)
    files: FilesReport = field(default_factory=FilesReport)  # attachments (fieldapp.sync.files)

    @property
    def ok(self) -> bool:
        """Everything pushed was acknowledged and nothing failed."""
        return (self.error is None and not self.refused and self.still_pending == 0
                and not self.files.problems)


def run_sync_round(store: Store, settings: Settings | None, client: ArchiveClient, *,
                   push_batch: int = PUSH_BATCH, pull_page: int = PULL_PAGE,
                   file_progress: ProgressFn | None = None) -> SyncReport:
    del settings  # reserved: per-user sync options live there
    report = SyncReport()
    deadline = time.monotonic() + ROUND_TIME_LIMIT
    try:
        register_device_key(store.data_dir, store.device_key(), client)  # before its seals
        note_lost(store)  # a lost file's row is known as ours only while it waits
        _push_all(store, client, report, push_batch, deadline)
        report.tampered = report_tampered_slips(store, client)
        # the files after the records that own them: the archive checks whose they are
        report.files = send_files(store, client, deadline=deadline, progress=file_progress,
                                  report=report.files)  # a cut round: how far it got
        _pull_all(store, client, report, pull_page, deadline)
        with store.write() as session:
            state.put(session, state.LAST_SUCCESS, iso_utc(utcnow()))
    except SyncError as exc:
        report.error = exc
        log.warning("sync round stopped: %s", type(exc).__name__)
    except sa_exc.SQLAlchemyError as exc:  # a defect; its SQL and values are a row's content
        report.error = SyncError(
            "同步中断：本机数据库未能存入数据，本机数据未丢失。请稍后重试；如仍不行，请联系服务中心。",
            "Sync stopped: this laptop's database could not store the data; nothing here "
            "was lost. Try again later; if it persists, contact the service centre.")
        log.error("sync round stopped by the store: %s", _first_line(exc))
    with store.read() as session:
        report.still_pending = outbox.count(session, "pending")
        report.refused_total = outbox.count(session, "refused")
        report.parked_total = parking.count(session)
        report.cursor = state.cursor(session)
    return report


@dataclass
class _Batch:
    """Pending outbox entries and the wire form of the records they stand for."""

    entries: list[outbox.Entry]
    records: dict[tuple[str, uuid.UUID], Values]
    read_ahead: bool  # read while the batch before it was on the wire
    body: bytes = b"[]"  # the records of `sent`, in order, as the push's JSON array
    held: list[outbox.Entry] = field(default_factory=list)  # refer to a record kept local
    too_large: list[tuple[outbox.Entry, int]] = field(default_factory=list)  # and its size
    cut: bool = False  # ended early so that its body stays under the push's cap
    compacted: set[outbox.Entry] = field(default_factory=set)  # strokes sent once

    @property
    def sent(self) -> list[outbox.Entry]:
        unsent = set(self.held) | {e for e, _size in self.too_large}
        return [e for e in self.entries
                if (e.table, e.record_id) in self.records and e not in unsent]

    @property
    def gone(self) -> list[outbox.Entry]:  # the row no longer exists here: nothing to send
        return [e for e in self.entries if (e.table, e.record_id) not in self.records]


def _read_batch(store: Store, size: int,
                in_flight: frozenset[tuple[str, uuid.UUID]] = frozenset(),
                byte_limit: int = push_body_limit(), compact: bool = True) -> _Batch:
    with store.read() as session:
        entries = [e for e in outbox.pending(session, size + len(in_flight))
                   if (e.table, e.record_id) not in in_flight][:size]
        batch = _Batch(entries, records_for(session, entries), read_ahead=bool(in_flight))
        batch.held = held_back(session, entries, batch.records)
    _fit(batch, byte_limit, compact)
    return batch


def _fit(batch: _Batch, byte_limit: int, compact: bool = True) -> None:
    """Encode the batch's body within `byte_limit` bytes: the entries after the first
    that would not fit are left for the next batch (still pending, in order); a record
    that alone exceeds the limit is set aside to be refused here (`too_large`) — sent, it
    would be refused by the archive's body cap in every round, and hold up the rest."""
    pieces: list[bytes] = []
    used = 2  # the array's brackets
    for entry in batch.sent:
        record = batch.records[(entry.table, entry.record_id)]
        sent = compact_strokes(record) if compact else record  # strokes once (wire.py)
        if sent is not record:
            batch.compacted.add(entry)
        piece = encode_record(sent)
        if len(piece) + 2 > byte_limit:
            batch.too_large.append((entry, len(piece)))
            continue
        cost = len(piece) + bool(pieces)  # and the comma before it
        if used + cost > byte_limit:
            batch.entries = batch.entries[:batch.entries.index(entry)]
            batch.cut = True
            break
        pieces.append(piece)
        used += cost
    batch.body = join_encoded(pieces)


def too_large_reason(size: int, limit: int | None) -> tuple[str, str, str]:
    """(code, zh, en) for a record too large for one push (`limit`: None if unknown)."""
    mib = size / MIB
    most_zh = "" if limit is None else f"（约 {limit / MIB:.1f} MiB）"
    most_en = "" if limit is None else f" (about {limit / MIB:.1f} MiB)"
    return ("too_large",
            f"记录过大（{mib:.1f} MiB），超过档案服务器一次接收的上限{most_zh}，无法上传；"
            "请联系服务中心。",
            f"The record is too large to send ({mib:.1f} MiB): more than the archive takes "
            f"at a time{most_en}; contact the service centre.")


def _push_all(store: Store, client: ArchiveClient, report: SyncReport, batch: int,
              deadline: float) -> None:
    """Send the outbox batch by batch, in outbox order; one batch on the wire at a time.

    While a batch is on the wire (the archive checking and storing it) the next one is
    read on a second thread: reading was a fifth of a push's time, now hidden. Should a
    batch come back with entries unanswered (still pending), the batch read ahead is
    dropped and read again, so those entries keep their place in the order. A batch read
    ahead that is not full is read again too: a record changed while its previous version
    was on the wire is queued again only when that version's answer is stored.

    A batch answered in full has its answers stored on that second thread while the
    next batch is on the wire (the archive waited ~20 ms a batch for them): the thread
    runs one task at a time, in order, so the batch after next is read only once they
    are stored, as before. Were the laptop stopped in between, that batch is simply
    sent again and answered "duplicate". Any other answer is stored before going on."""
    with store.read() as session:
        total = outbox.count(session, "pending")
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fieldapp-push-read") as reader:
        stored: list[Future[None]] = []  # answers being stored on the reader's thread
        try:
            _push_batches(store, client, report, batch, deadline, total, reader, stored)
        finally:
            for task in stored:
                task.result()  # stored before the round goes on (or its error raised)


def _push_batches(store: Store, client: ArchiveClient, report: SyncReport, batch: int,
                  deadline: float, total: int, reader: ThreadPoolExecutor,
                  stored: list[Future[None]]) -> None:
    byte_limit = push_body_limit()
    compact = True  # strokes once; an archive that does not know that gets them twice
    upcoming = reader.submit(_read_batch, store, batch, frozenset(), byte_limit, compact)
    # bounded: each pass clears or refuses at least one entry, or halves the byte limit
    for _ in range(total + 64):
        if time.monotonic() > deadline:
            return
        _raise_failed(stored)
        current = upcoming.result()
        if len(current.entries) < batch and not current.cut and current.read_ahead:
            _wait_all(stored)  # the answers before it first: then it is read again
            current = _read_batch(store, batch, frozenset(), byte_limit, compact)
        if not current.entries:
            return
        if current.gone or current.held or current.too_large:
            with store.write() as session:
                outbox.acknowledge(session, current.gone)
                outbox.keep_local(session, current.held)  # never sent, never refused
                _refuse_here(session, report, current.too_large, byte_limit)
        sent = current.sent
        in_flight = frozenset((e.table, e.record_id) for e in sent)
        upcoming = reader.submit(_read_batch, store, batch, in_flight, byte_limit, compact)
        if not sent:
            continue
        sent_at = utcnow()
        started = time.monotonic()
        try:
            answer = client.push(current.body, sent_at)
        except ServerError as exc:
            if exc.status != 413:
                raise
            # over a cap smaller than ours (a proxy's): halve the batch's bytes; a
            # single record is refused here, not sent again in every round
            upcoming.result()  # read as if this batch had gone: read again
            if len(sent) == 1:
                with store.write() as session:
                    _refuse_here(session, report, [(sent[0], len(current.body))], None)
            else:
                byte_limit = max(len(current.body) // 2, 2)
                log.info("push refused as too large: batches of at most %d bytes now",
                         byte_limit)
            upcoming = reader.submit(_read_batch, store, batch, frozenset(), byte_limit,
                                     compact)
            continue
        round_trip = time.monotonic() - started
        answered = _answers(answer, sent)
        resend = compact and _not_understood(answered, current.compacted)
        if resend:
            # an archive older than strokes by reference: the batch stays pending
            # and goes again, in order, with the strokes in full (what it stored
            # meanwhile comes back "duplicate"; a slip amending one it refused, with
            # a reason to be judged again)
            compact = False
            answered = []
            log.info("the archive takes strokes in full: sending them so")
        if resend or len(answered) < len(sent):
            _wait_all(stored)
            _store_answers(store, report, answer, sent_at, round_trip, answered)
        else:  # while the next batch is on the wire (see above)
            stored.append(reader.submit(_store_answers, store, report, answer, sent_at,
                                        round_trip, answered))
        report.pushed += len(sent)
        if len(answered) < len(sent):
            upcoming = reader.submit(_read_batch, store, batch, frozenset(),
                                     byte_limit, compact)  # in order again
        if not answered and not resend:
            return  # the archive answered nothing: do not loop


def _store_answers(store: Store, report: SyncReport, answer: Values, sent_at: datetime,
                   round_trip: float, answered: list[tuple[outbox.Entry, Values]]) -> None:
    with store.write() as session:  # one durable write per batch
        _note_clock(session, report, answer, sent_at, round_trip)
        _record_answers(session, report, answered)


def _raise_failed(stored: list[Future[None]]) -> None:
    """Forget the answers stored; raise the error of one that failed."""
    while stored and stored[0].done():
        stored.pop(0).result()


def _wait_all(stored: list[Future[None]]) -> None:
    while stored:
        stored.pop(0).result()


def _not_understood(answered: list[tuple[outbox.Entry, Values]],
                    compacted: set[outbox.Entry]) -> bool:
    """Did the archive take a record sent with its strokes by reference for a damaged
    one? An archive before that form stores the short document and its hash differs."""
    return any(e in compacted and r.get("status") == "refused"
               and r.get("code") == "hash_mismatch" for e, r in answered)


def _refuse_here(session: Session, report: SyncReport,
                 too_large: list[tuple[outbox.Entry, int]], limit: int | None) -> None:
    """Refuse records too large to push, on this laptop, with the reason: they wait
    like a record the archive refused (`--retry-refused` tries them again)."""
    for entry, size in too_large:
        code, zh, en = too_large_reason(size, limit)
        outbox.refuse(session, entry, code, zh, en)
        report.refused.append(Refusal(entry.table, str(entry.record_id), code, zh, en))
        log.warning("%s …%s not sent: %d bytes, over the push's limit", entry.table,
                    str(entry.record_id)[-6:], size)


def _answers(answer: Values, sent: list[outbox.Entry]) -> list[tuple[outbox.Entry, Values]]:
    """The archive's answer for each entry sent (an entry it did not answer stays pending
    and is sent again)."""
    by_key = {(r["table"], r["id"]): r for r in answer["results"]}
    found = ((entry, by_key.get((entry.table, str(entry.record_id)))) for entry in sent)
    return [(entry, result) for entry, result in found if result is not None]


def _record_answers(session: Session, report: SyncReport,
                    answered: list[tuple[outbox.Entry, Values]]) -> None:
    acked, refusals = [], []
    for entry, result in answered:
        if result["status"] in ("accepted", "duplicate"):
            acked.append(entry)
            report.accepted += result["status"] == "accepted"
            report.duplicate += result["status"] == "duplicate"
        else:
            refusals.append((entry, result))
    outbox.acknowledge(session, acked)
    keep_receipts(session, answered)
    for entry, result in refusals:
        outbox.refuse(session, entry, result.get("code", ""), result.get("reason_zh", ""),
                      result.get("reason_en", ""))
    report.refused += [Refusal(e.table, str(e.record_id), r.get("code", ""),
                               r.get("reason_zh", ""), r.get("reason_en", ""))
                       for e, r in refusals]


def records_for(session: Session, entries: list[outbox.Entry]
                ) -> dict[tuple[str, uuid.UUID], Values]:
    by_table: dict[str, list[uuid.UUID]] = {}
    for entry in entries:
        if entry.table in SYNC_MODELS:
            by_table.setdefault(entry.table, []).append(entry.record_id)
    out: dict[tuple[str, uuid.UUID], Values] = {}
    for table, ids in by_table.items():
        for record_id, record in read_records(session, table, ids).items():
            out[(table, record_id)] = record
    return out


def _note_clock(session: Session, report: SyncReport, answer: Values, sent_at: datetime,
                round_trip: float) -> None:
    try:
        server_time = datetime.fromisoformat(answer["server_time"]).astimezone(UTC)
    except (KeyError, ValueError, TypeError):
        return
    skew = int((sent_at + timedelta(seconds=round_trip / 2) - server_time).total_seconds())
    report.clock_skew_seconds = skew
    report.clock_skew_flagged = abs(skew) > SKEW_LIMIT.total_seconds()
    state.put(session, state.CLOCK_SKEW, str(skew))
    state.put(session, state.SERVER_TIME, iso_utc(server_time))
    if report.clock_skew_flagged:
        log.warning("laptop clock is %d s off the archive's", skew)


def _pull_all(store: Store, client: ArchiveClient, report: SyncReport, page_size: int,
              deadline: float) -> None:
    report.pulled += _retry_parked(store)
    for _ in range(MAX_PULL_PAGES):
        if time.monotonic() > deadline:
            return
        with store.read() as session:
            cursor = state.cursor(session)
            full = state.get(session, state.FULL_PULL) == "1"
        page = client.pull(cursor, page_size, own=full)
        report.pulled += _store_page(store, page, report)
        report.pages += 1
        if not page.get("more"):
            if full:  # the full re-pull has reached the end
                with store.write() as session:
                    state.put(session, state.FULL_PULL, "")
            return


def _store_page(store: Store, page: Values, report: SyncReport) -> int:
    """Store a pulled page and its cursor in one transaction; returns records written.

    A page meeting a local record's code or number (fieldapp.sync.clashes) is stored
    record by record: a record kept on this laptop only gives way (a code of its own), a
    local draft or unsent request takes another number (fieldapp.sync.giving_way), and a
    pulled record that still cannot be stored is parked with its reason
    (fieldapp.sync.parking) — the rest of the page and the cursor are stored all the
    same, so the laptop is never stuck. Only reference data made here before the laptop
    joined stops the pull: the user chooses what becomes of it (`fieldapp login`)."""

    def write(session: Session, one_by_one: bool) -> int:
        if isinstance(page.get("number_block"), int):  # before the page's numbers
            state.put(session, numbering.BLOCK_KEY, str(page["number_block"]))
        written, parked = apply_page(session, page["records"], one_by_one=one_by_one)
        report.parked += parked
        state.put(session, state.CURSOR, str(int(page["cursor"])))
        return written

    try:
        with store.write() as session:
            return write(session, one_by_one=False)
    except sa_exc.IntegrityError as exc:
        log.info("pulled page goes record by record: %s", _first_line(exc))
    with store.read() as session:
        clashes = find_clashes(session, page["records"])
    choose = [c for c in clashes if c.needs_choice]
    if choose:
        raise pull_clash_error(choose)
    with store.write() as session:
        make_room(session, [c for c in clashes if c.movable], page["records"])
        for clash in clashes:  # codes and numbers, never a row's content
            if clash.movable:
                log.info("local-only %s %s gave way to the archive's", clash.table, clash.value)
        return write(session, one_by_one=True)


def _retry_parked(store: Store) -> int:
    """Try the records parked by earlier pulls again; returns how many are stored now."""
    with store.read() as session:
        waiting = [p.record for p in parking.parked(session)]
    if not waiting:
        return 0
    with store.write() as session:
        written, _still = apply_page(session, waiting, one_by_one=True)
    return written


def _first_line(exc: Exception) -> str:
    """The constraint only: a statement's parameters are a row's content (names, phones)."""
    return str(getattr(exc, "orig", None) or type(exc).__name__).splitlines()[0][:200]


def apply_page(session: Session, records: list[Values], *, one_by_one: bool = False
               ) -> tuple[int, int]:
    """Store pulled records (in the caller's transaction). Returns how many were written
    and how many parked.

    Not overwritten: a slip sealed here (sealed means sealed), and a record with a local
    change not yet acknowledged (this laptop is its writer until the archive has it).
    `one_by_one`: each record in a savepoint of its own, and one the store refuses is
    parked with its reason instead of failing the page.
    """
    receipts = take_receipts(records)  # kept once the slips are stored (below)
    local_changes = {(t, r) for t, r in session.execute(
        select(SyncOutbox.table_name, SyncOutbox.record_id))}
    incoming = [(record, (str(record["table"]), uuid.UUID(record["id"])))
                for record in records if record.get("table") in SYNC_MODELS]
    wanted: dict[str, list[uuid.UUID]] = {}
    for _record, (table, record_id) in incoming:
        wanted.setdefault(table, []).append(record_id)
    current = {(table, record_id): stored for table, ids in wanted.items()
               for record_id, stored in read_records(session, table, ids).items()}
    written, parked, settled = 0, 0, []
    block = numbering.number_block(session)
    for record, key in incoming:
        if key in local_changes:
            settled.append(key[1])
            continue
        stored = current.get(key)
        if stored is not None and (stored["hash"] == record.get("hash") or (
                key[0] == "slips" and stored["row"].get("seal") is not None)):
            settled.append(key[1])
            continue
        if one_by_one:
            try:
                with session.begin_nested():
                    _write_pulled(session, record, block, new=stored is None)
            except sa_exc.SQLAlchemyError as exc:
                log.warning("pulled %s …%s parked: %s", key[0], str(key[1])[-6:],
                            _first_line(exc))
                parking.park(session, record, parking_reason(session, record))
                parked += 1
                continue
        else:
            _write_pulled(session, record, block, new=stored is None)
        current[key] = record  # a later copy in this page is compared with this one
        settled.append(key[1])
        written += 1
    parking.unpark(session, settled)  # stored, or superseded: no longer set aside
    session.flush()
    keep_pulled_receipts(session, receipts)
    return written, parked


def _write_pulled(session: Session, record: Values, block: int, *, new: bool) -> None:
    _note_number(session, record, block)
    if new:
        give_way(session, record)
    write_record(session, record)


def _note_number(session: Session, record: Values, block: int) -> None:
    """Never hand out a number this operator already used elsewhere (a reinstalled laptop,
    or slips made for them at the service centre): move the local sequence past it. A
    number from another laptop's block cannot meet ours and moves nothing."""
    match = NUMBER_PATTERN.match(str(record["row"].get("number") or ""))
    if match is None or not numbering.in_block(int(match["seq"]), block):
        return
    key = (match["kind"], match["code"], datetime.strptime(match["day"], "%Y%m%d").date())
    row = session.get(NumberSequence, key)
    if row is None:
        session.add(NumberSequence(kind=key[0], operator_code=key[1], day=key[2],
                                   last=int(match["seq"])))
    elif row.last < int(match["seq"]):
        row.last = int(match["seq"])
    session.flush()
