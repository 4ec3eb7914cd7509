"""What waits for the archive, through `fieldapp.services.sync_status`."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from fieldapp.base.ids import new_uuid
from fieldapp.services import sync_status
from fieldapp.store import outbox
from fieldapp.store.models import Contact, Customer
from fieldapp.sync.rounds import apply_page
from fieldapp.sync.wire import content_hash, read_record


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


def pulled_with_a_missing_parent(store):  # type: ignore[no-untyped-def]
    """A customer and one of its contacts as the archive sends them: the contact is pulled
    first, so the laptop cannot store it yet (its customer is not here)."""
    with store.read() as session:
        contact = read_record(session, "contacts", session.scalar(select(Contact.id)))
        customer = read_record(session, "customers", session.scalar(select(Customer.id)))
    assert contact is not None and customer is not None
    customer_id, contact_id = str(new_uuid()), str(new_uuid())
    customer = {**customer, "id": customer_id,
                "row": {**customer["row"], "id": customer_id, "code": "NEWCO"}}
    contact = {**contact, "id": contact_id,
               "row": {**contact["row"], "id": contact_id, "customer_id": customer_id}}
    for record in (customer, contact):
        record["hash"] = content_hash(record)
    return customer, contact


def test_a_pulled_record_set_aside_is_listed_after_the_refused_with_its_reason(
        store, world):  # type: ignore[no-untyped-def]
    _customer, contact = pulled_with_a_missing_parent(store)
    with store.write() as session:
        outbox.refuse(session, outbox.pending(session, 100)[-1], "bad", "不合规", "Not valid")
        assert apply_page(session, [contact], one_by_one=True) == (0, 1)  # parked

    rows = sync_status.waiting(store, 0, 500)

    assert [r.state for r in rows[:2]] == ["refused", sync_status.PARKED]
    assert {r.state for r in rows[2:]} == {"pending"}
    parked = rows[1]
    assert (parked.table, str(parked.record_id)) == ("contacts", contact["id"])
    assert parked.label == f"…{contact['id'].replace('-', '')[-6:]}"  # never the name
    assert "暂未存入本机" in parked.reason_zh and "set aside" in parked.reason_en
    counts = sync_status.overview(store)
    assert (counts.refused, counts.parked) == (1, 1)
    pages = [sync_status.waiting(store, offset, 1) for offset in range(len(rows))]
    assert [page[0] for page in pages] == rows  # paging through all three parts


def test_set_aside_records_are_stored_once_what_held_them_up_arrives(
        store, world):  # type: ignore[no-untyped-def]
    customer, contact = pulled_with_a_missing_parent(store)
    with store.write() as session:
        apply_page(session, [contact], one_by_one=True)
    assert sync_status.retry_parked(store) == sync_status.ParkedRetry(stored=0, left=1)
    with store.write() as session:  # the next pull brings the customer
        apply_page(session, [customer])

    assert sync_status.retry_parked(store) == sync_status.ParkedRetry(stored=1, left=0)

    assert sync_status.overview(store).parked == 0
    assert all(r.state != sync_status.PARKED for r in sync_status.waiting(store, 0, 500))
    with store.read() as session:
        assert session.get(Contact, uuid.UUID(contact["id"])) is not None
