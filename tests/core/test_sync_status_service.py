"""What waits for the archive, through `fieldapp.services.sync_status`."""

from __future__ import annotations

from fieldapp.services import sync_status
from fieldapp.store import outbox


def test_new_records_wait_to_be_sent_and_are_listed(store, world):  # type: ignore[no-untyped-def]
    counts = sync_status.overview(store)
    assert counts.pending > 0 and counts.refused == 0 and counts.last_success_at is None
    waiting = sync_status.waiting(store, 0, 500)
    assert len(waiting) == counts.pending
    assert world.request_number in {w.label for w in waiting}
    assert sync_status.waiting(store, 1, 1) == waiting[1:2]


def test_refused_records_come_first_and_are_queued_again_on_retry(store, world):  # type: ignore[no-untyped-def]
    with store.write() as session:
        entry = outbox.pending(session, 100)[-1]
        outbox.refuse(session, entry, "bad", "不合规", "Not valid")
    first = sync_status.waiting(store)[0]
    assert (first.state, first.reason_zh, first.reason_en) == ("refused", "不合规", "Not valid")
    assert sync_status.overview(store).refused == 1

    assert sync_status.retry_refused(store) == 1
    assert sync_status.overview(store).refused == 0
    assert {w.state for w in sync_status.waiting(store, 0, 500)} == {"pending"}
