"""The pull feed steps over a device's own changes in its query: a page is filled with
what the device needs, and the cursor still passes every change exactly once."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update

from fieldapp.archive.models import Change
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo


def _pull_all(client, cursor: int, limit: int) -> list[dict]:
    pages = []
    while True:
        page = client.pull(cursor, limit)
        pages.append({**page, "after": cursor})
        assert page["cursor"] >= cursor
        cursor = page["cursor"]
        if not page["more"]:
            return pages


def _pushed(archive, laptops):
    centre = laptops("centre")
    start = _pull_all(centre.client, 0, 200)[-1]["cursor"]
    fill_demo(centre.store, requests=6)
    assert run_sync_round(centre.store, None, centre.client).ok
    with archive.db.read() as session:
        changes = list(session.execute(select(Change.seq, Change.table_name, Change.record_id,
                                              Change.device_id)
                                       .where(Change.seq > start).order_by(Change.seq)))
    assert len(changes) > 20 and len({c.device_id for c in changes}) == 1
    return centre, start, changes


def test_a_pull_after_a_large_own_push_is_one_empty_page(archive, laptops):
    centre, start, changes = _pushed(archive, laptops)
    page = centre.client.pull(start, 5)  # fewer than the push: the old feed paged through
    assert page["records"] == [] and not page["more"]
    assert page["cursor"] == changes[-1].seq  # past every own change: never pulled again
    again = centre.client.pull(page["cursor"], 5)
    assert again["records"] == [] and again["cursor"] == page["cursor"]


def test_others_changes_between_own_ones_all_arrive_in_order_once(archive, laptops):
    centre, start, changes = _pushed(archive, laptops)
    # Hand some of the changes to another device and some to no device (an import), in
    # runs of different lengths, so pages of 3 end among own and others' changes alike.
    other = uuid.uuid4()
    theirs = {c.seq: (other if i % 5 == 0 else None) for i, c in enumerate(changes)
              if i % 5 in (0, 1) or i % 11 == 3}
    with archive.db.write() as session:
        for seq, device in theirs.items():
            session.execute(update(Change).where(Change.seq == seq).values(device_id=device))
    expected = [c for c in changes if c.seq in theirs]

    pages = _pull_all(centre.client, start, 3)
    seen = []
    for page in pages:
        inside = [c for c in expected if page["after"] < c.seq <= page["cursor"]]
        if page["more"]:
            assert len(inside) == 3  # a full page of what this device needs
        sent = {(r["table"], r["id"]) for r in page["records"]}
        assert {(c.table_name, str(c.record_id)) for c in inside} <= sent
        seen += inside
    assert seen == expected  # every one, in seq order, none twice (the spans do not overlap)
    assert pages[-1]["cursor"] == changes[-1].seq
    with archive.db.read() as session:
        assert session.scalar(select(func.max(Change.seq))) == changes[-1].seq
