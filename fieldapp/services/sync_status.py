"""What waits to be sent to the archive, as services (docs/sync-protocol.md).

The 待同步 tab lists `waiting` records (refused first, with the archive's reason), the
status line shows the `overview`'s counts, and `retry_refused` sends refused records
again on the next round. Each call is one short transaction.
"""

from __future__ import annotations

from fieldapp.store import Store, outbox
from fieldapp.sync import status
from fieldapp.sync.status import SyncOverview, WaitingRecord

__all__ = ["SyncOverview", "WaitingRecord", "overview", "retry_refused", "waiting"]


def overview(store: Store) -> SyncOverview:
    """How many records wait, how many were refused, the last success, the clock skew."""
    with store.read() as session:
        return status.overview(session)


def waiting(store: Store, offset: int = 0, limit: int = 200) -> list[WaitingRecord]:
    """Records not yet acknowledged by the archive, refused ones first."""
    with store.read() as session:
        return status.waiting_records(session, offset, limit)


def retry_refused(store: Store) -> int:
    """Queue every refused record again; how many."""
    with store.write() as session:
        return outbox.retry_refused(session)
