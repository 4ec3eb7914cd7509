"""A full re-sync (`fieldapp sync --full`), for a laptop whose state is in doubt: a store
restored from a backup, records changed behind the app's back, an archive restored from
its own backup.

1. The pull starts again from the beginning (cursor 0) and asks for what this laptop
   pushed itself too (`own`), so everything the archive shows this user comes again.
   The cursor and the "full pull" mark are stored with each page, as in every round: an
   interrupted re-sync goes on from where it stopped at the next `fieldapp sync`. What
   is waiting to be sent here (the outbox) is pushed first and never overwritten by the
   pull (`rounds.apply_page`), and a sealed slip keeps its seal: local work is kept.
2. A complete check (fieldapp.sync.check) names every record here that the archive does
   not have and that is not waiting in the outbox; each is queued again and a second
   round offers it (the archive judges it as any push). Records kept local or refused
   stay as they are.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fieldapp.base.settings import Settings
from fieldapp.store import Store, outbox
from fieldapp.store.tables import SYNC_MODELS
from fieldapp.sync import state
from fieldapp.sync.check import check_with_archive
from fieldapp.sync.files import forget_sent
from fieldapp.sync.rounds import SyncReport, run_sync_round

if TYPE_CHECKING:
    from fieldapp.sync.client import ArchiveClient


@dataclass
class FullResync:
    report: SyncReport  # both rounds together
    offered: int = 0  # records here the archive did not have, offered again


def start_full_pull(store: Store) -> None:
    """The next pull starts from the beginning and includes this laptop's own records."""
    with store.write() as session:
        state.put(session, state.CURSOR, "0")
        state.put(session, state.FULL_PULL, "1")
        forget_sent(session)  # and every attachment file is asked about again


def run_full_resync(store: Store, settings: Settings | None,
                    client: ArchiveClient) -> FullResync:
    start_full_pull(store)
    report = run_sync_round(store, settings, client)
    if report.error is not None or state_full_pull_pending(store):
        return FullResync(report)  # stopped (or out of time): the next sync goes on
    check = check_with_archive(store, client, complete=True)
    missing = [(table, uuid.UUID(record_id)) for table, record_id in check.missing
               if table in SYNC_MODELS]
    if not missing:
        return FullResync(report)
    with store.write() as session:
        outbox.enqueue_many(session, missing)
    return FullResync(_together(report, run_sync_round(store, settings, client)),
                      offered=len(missing))


def state_full_pull_pending(store: Store) -> bool:
    with store.read() as session:
        return state.get(session, state.FULL_PULL) == "1"


def _together(first: SyncReport, second: SyncReport) -> SyncReport:
    """The two rounds as one report: counts added, the state as the second left it."""
    second.pushed += first.pushed
    second.accepted += first.accepted
    second.duplicate += first.duplicate
    second.refused = first.refused + second.refused
    second.pulled += first.pulled
    second.pages += first.pages
    second.parked += first.parked
    second.tampered += first.tampered
    return second
