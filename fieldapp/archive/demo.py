"""`fieldapp-archive demo`: the core's Chinese demo data, loaded as the service centre would.

The data is made by `fieldapp.tools.demo.fill_demo` in a scratch laptop store (so it passes every
core rule), then pushed through the archive's normal ingest as a service-centre account:
the archive re-validates each record, re-checks every seal and records the changes that
laptops pull. Engineers who log in with codes E01, E02, E03 or E07 then pull their
requests. The loading account is disabled again when done.

The data is numbered in the service centre's block (`S-E07-20261125-901`, …): a laptop's
own `fieldapp demo` data, made by the same code on the same days, is numbered from 001 and
so never takes a number of the archive's (a laptop keeping its demo data local then pulls
the archive's without a clash; docs/sync-protocol.md, "Joining").
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path

from sqlalchemy import select

from fieldapp.archive import crud
from fieldapp.archive.db import Database
from fieldapp.archive.ingest import ingest_batch
from fieldapp.archive.models import DeviceToken, User
from fieldapp.archive.rules import Actor
from fieldapp.archive.seal_keys import register_key
from fieldapp.base.errors import WorkflowError
from fieldapp.base.timeutil import utcnow
from fieldapp.records.numbering import BLOCK_KEY, CENTRE_BLOCK
from fieldapp.store import open_store, outbox
from fieldapp.store.models import Customer
from fieldapp.sync import state
from fieldapp.sync.rounds import records_for
from fieldapp.tools.demo import CUSTOMERS, fill_demo

LOADER = "demo-loader"
BATCH = 500


def load_demo(db: Database, *, requests: int, seed: int = 7) -> dict[str, int]:
    """Fill the archive with demo data; returns counts per outcome."""
    with db.read() as session:
        if session.scalar(select(Customer.id).where(Customer.code == CUSTOMERS[0][0])):
            raise WorkflowError("演示数据已经加载过，未重复加载。",
                                "The demo data is loaded already; nothing was added.")
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="fieldapp-demo-") as folder:
        store = open_store(Path(folder))
        try:
            with store.write() as session:  # numbered as the service centre numbers
                state.put(session, BLOCK_KEY, str(CENTRE_BLOCK))
            fill_demo(store, requests=requests, seed=seed)
            seal_key = store.device_key().public_key  # the demo laptop's (docs/seal.md)
            with store.read() as session:
                entries = outbox.pending(session, limit=10**9)
                records = records_for(session, entries)
        finally:
            store.close()
        ordered = [records[(e.table, e.record_id)] for e in entries
                   if (e.table, e.record_id) in records]
    with db.write() as session:
        user = session.scalar(select(User).where(User.name == LOADER))
        if user is None:
            user = crud.create_user(session, name=LOADER, password=secrets.token_urlsafe(24),
                                    role="staff")
        user.active = True
        device, _token = crud.enrol_device(session, user=user, label="fieldapp-archive demo")
        register_key(session, user=user, device=device, public_key=seal_key)
        device_id, user_id = device.id, user.id
    for start in range(0, len(ordered), BATCH):
        with db.write() as session:
            actor = Actor(session.get_one(User, user_id),
                          session.get_one(DeviceToken, device_id), None)
            for outcome in ingest_batch(session, actor=actor,
                                        records=ordered[start:start + BATCH],
                                        client_time=utcnow()):
                counts[outcome.status] = counts.get(outcome.status, 0) + 1
    with db.write() as session:
        crud.revoke_device(session, device_id=device_id)
        crud.set_user_active(session, name=LOADER, active=False)
    return counts
