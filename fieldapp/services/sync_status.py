"""What waits to be sent to the archive, or to be stored from it, as services
(docs/sync-protocol.md).

The 待同步 tab lists `waiting` records: refused first (with the archive's reason), then
attachment files that could not be sent (`FILE`: refused by the archive, too large, missing
or changed on this laptop; fieldapp.sync.files, one row a file, named by its record's
number), then pulled records this laptop set aside (`parked`, fieldapp.sync.parking, with
the reason they could not be stored), then those waiting to be sent. The status line shows
the `overview`'s counts (files waiting to be sent and not sent among them);
`retry_refused` sends refused records again on the next round and
`retry_parked` tries the parked ones again (the desktop and `fieldapp sync
--retry-parked` call it right after a pull). Each call is one short transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from fieldapp.store import Store, outbox
from fieldapp.store.blobs import blobs_beside
from fieldapp.store.values import OutboxState
from fieldapp.sync import files, parking, status
from fieldapp.sync.status import SyncOverview, WaitingRecord, WaitingState

__all__ = ["FILE", "PARKED", "ConnectionState", "ParkedRetry", "SyncOverview", "WaitingRecord",
           "WaitingState", "overview",
           "retry_parked", "retry_refused", "waiting"]

PARKED = WaitingState.PARKED  # a pulled record set aside here
FILE = WaitingState.FILE  # an attachment's file that could not be sent


class ConnectionState(StrEnum):
    """How the desktop's sync stands with the archive, as its badge and the 待同步 page show
    it (ui/sync: `SyncStatus.state`, the `sync.state.*` / `sync.badge.*` texts)."""

    LOCAL = "local"  # no archive set: this laptop works on its own
    LOGIN = "login"  # no token: the engineer logs in before the next round
    SYNCING = "syncing"  # a round is running
    OK = "ok"  # the last round reached the archive
    OFFLINE = "offline"  # the archive could not be reached; tried again with backoff
    ERROR = "error"  # the round failed otherwise: the archive's message, a join choice, a defect
_UNKNOWN_TIME = datetime(1970, 1, 1, tzinfo=UTC)  # a parked record kept without its time


@dataclass(frozen=True)
class ParkedRetry:
    stored: int  # parked records stored now
    left: int  # still set aside, each with its (new) reason


def overview(store: Store) -> SyncOverview:
    """How many records wait, how many were refused or set aside, the last success, the
    clock skew; how many attachment files wait to be sent and could not be."""
    with store.read() as session:
        counts = status.overview(session)
        waiting_files = files.file_overview(session, blobs_beside(store.path))
    return replace(counts, files_waiting=waiting_files.waiting,
                   files_not_sent=len(waiting_files.problems))


def waiting(store: Store, offset: int = 0, limit: int = 200) -> list[WaitingRecord]:
    """One page of the list: refused records, files not sent, parked records, then those
    to be sent."""
    end = offset + limit
    with store.read() as session:
        refused = outbox.count(session, OutboxState.REFUSED)
        ahead = _file_rows(session, files.file_overview(session, blobs_beside(store.path)))
        ahead += _parked_rows(session)
        rows: list[WaitingRecord] = []
        if offset < refused:  # the outbox's refused rows come first in its own order
            rows += status.waiting_records(session, offset, min(end, refused) - offset)
        rows += ahead[max(offset - refused, 0):max(end - refused, 0)]
        start = max(offset, refused + len(ahead))
        if start < end:  # then the outbox's pending rows
            rows += status.waiting_records(session, start - len(ahead), end - start)
    return rows


def _file_rows(session: Session, waiting_files: files.FilesWaiting) -> list[WaitingRecord]:
    """A row a file not sent: its record's number, the reason (a short hash, no caption)."""
    keys = [(files.OWNER_TABLES.get(kind, kind), uuid.UUID(owner))
            for _id, kind, owner, _problem in waiting_files.problems]
    numbers = status.record_numbers(session, keys)
    rows = []
    for key, (attachment_id, _kind, _owner, problem) in zip(keys, waiting_files.problems,
                                                            strict=True):
        try:
            since = datetime.fromisoformat(problem.at) if problem.at else _UNKNOWN_TIME
        except ValueError:
            since = _UNKNOWN_TIME
        rows.append(WaitingRecord(table="attachments", record_id=attachment_id,
                                  label=numbers.get(key, str(key[1])[-12:]), state=FILE,
                                  enqueued_at=since, attempts=0, reason_zh=problem.zh,
                                  reason_en=problem.en))
    return rows


def _parked_rows(session: Session) -> list[WaitingRecord]:
    rows = []
    for item in parking.parked(session):
        try:
            since = datetime.fromisoformat(item.parked_at)
        except ValueError:
            since = _UNKNOWN_TIME
        rows.append(WaitingRecord(table=item.table, record_id=item.record_id,
                                  label=parking.label(item), state=PARKED,
                                  enqueued_at=since, attempts=0, reason_zh=item.zh,
                                  reason_en=item.en))
    return rows


def retry_refused(store: Store) -> int:
    """Queue every refused record again; how many."""
    with store.write() as session:
        return outbox.retry_refused(session)


def retry_parked(store: Store) -> ParkedRetry:
    """Try to store every parked record again, now: what held one up may have arrived with
    the pull just made (the record it refers to, the centre's correction). One that still
    cannot be stored stays parked with the reason as it is now; nothing is lost."""
    from fieldapp.sync.rounds import apply_page  # the sync rounds load on first use

    with store.read() as session:
        records = [item.record for item in parking.parked(session)]
    stored = 0
    if records:
        with store.write() as session:
            stored, _still = apply_page(session, records, one_by_one=True)
    with store.read() as session:
        return ParkedRetry(stored=stored, left=parking.count(session))
