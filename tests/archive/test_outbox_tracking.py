"""Every store queues its own changes for the archive, however many stores the process
opened and closed before it (the desktop reopens its store after a restore or a change of
data folder; the archive's tools and the tests open one per laptop)."""

from __future__ import annotations

import gc

from fieldapp.records import reference
from fieldapp.store import open_store, outbox


def queues_changes(store) -> bool:
    """Whether a write through `store` would be queued, without writing."""
    with store.write_sessions() as session:
        return outbox._after_flush in session.dispatch.after_flush


def test_a_store_opened_after_others_were_closed_still_queues_its_changes(tmp_path):
    # SQLAlchemy keys listeners by id(target): once a closed store's session class was
    # freed and its id reused by the next store's, that store looked "already tracked"
    # and queued nothing, so its changes never reached the archive (seen as rare test
    # failures: pushes without the request, reports without data).
    open_store(tmp_path).close()  # the schema; the stores below only open it
    # the collections below then walk only what the loop makes, not the test process's
    # whole heap (~1.4 s each in a CI worker that had run other files first)
    gc.freeze()
    for i in range(40):
        store = open_store(tmp_path, migrate=False)
        assert queues_changes(store), f"store #{i + 1} would queue nothing"
        store.close()
        del store
        gc.collect()
    gc.unfreeze()
    store = open_store(tmp_path)
    with store.write() as session:
        reference.create_engineer(session, code="E01", name="王磊", skills=[])
    with store.read() as session:
        assert outbox.count(session) == 1
    store.close()
