"""`fieldapp-archive demo` loads valid demo data through the normal ingest, so engineers'
laptops pull their requests from it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldapp.archive.demo import LOADER, load_demo
from fieldapp.archive.models import User
from fieldapp.archive.seal_keys import ArchiveKeys
from fieldapp.base.errors import WorkflowError
from fieldapp.reads.queries import list_requests
from fieldapp.seal.sealing import verify_slip
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.sync.rounds import run_sync_round


def test_demo_is_accepted_whole_and_engineers_pull_their_work(archive, laptops):
    counts = load_demo(archive.db, requests=24)
    assert set(counts) == {"accepted"}
    with archive.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ServiceRequest)) == 24
        sealed = session.scalars(select(Slip).where(Slip.seal.is_not(None))).all()
        # checked as the archive checks them: against the keys its laptops registered
        keys = ArchiveKeys(session)
        assert sealed and all(verify_slip(s, keys).ok for s in sealed)
        loader = session.scalar(select(User).where(User.name == LOADER))
        assert loader is not None and not loader.active

    laptop = laptops("e07")
    report = run_sync_round(laptop.store, None, laptop.client)
    assert report.ok and report.pulled > 0
    with laptop.store.read() as session:
        rows = list_requests(session, limit=100)
    assert rows and {r.engineer_code for r in rows} <= {"E07", None}


def test_loading_the_demo_twice_is_refused_and_adds_nothing(archive):
    load_demo(archive.db, requests=8, seed=1)
    with pytest.raises(WorkflowError, match="已经加载过"):
        load_demo(archive.db, requests=8, seed=2)
    with archive.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ServiceRequest)) == 8
