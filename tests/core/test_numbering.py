"""Numbers per operator and local day, from the block the archive gave this laptop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fieldapp import service_requests
from fieldapp.numbering import BLOCK_KEY, SLIP, in_block, next_number
from fieldapp.store.models import Customer
from fieldapp.sync import state
from fieldapp.timeutil import utcnow

MORNING = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def numbers(store, count: int) -> list[str]:
    with store.write() as session:
        return [next_number(session, SLIP, "E01", MORNING) for _ in range(count)]


@pytest.mark.any_moment
def test_a_request_taken_now_is_numbered_with_todays_date_in_tianjin(store, world, frozen_moment):
    """The local day, not UTC's: at 00:30 on New Year's Day in Tianjin it is 20270101."""
    with store.write() as session:
        customer = session.get_one(Customer, world.customer_id)
        number = service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="phone",
            fault_reported="打印机卡纸", contact_name="孙丽",
            requested_at=utcnow() - timedelta(seconds=10)).number
    assert number.startswith(f"R-C01-{frozen_moment:%Y%m%d}-")


def test_a_laptop_without_a_block_counts_from_one(store):
    assert numbers(store, 3) == [f"S-E01-20261202-00{n}" for n in (1, 2, 3)]


def test_a_laptop_in_block_one_counts_from_101(store):
    with store.write() as session:
        state.put(session, BLOCK_KEY, "1")
    assert numbers(store, 2) == ["S-E01-20261202-101", "S-E01-20261202-102"]


def test_a_laptop_moved_to_a_later_block_today_starts_at_its_beginning(store):
    numbers(store, 2)
    with store.write() as session:
        state.put(session, BLOCK_KEY, "2")
    assert numbers(store, 1) == ["S-E01-20261202-201"]


@pytest.mark.parametrize("raw", ["", "junk", "-4", "99"])
def test_a_damaged_block_value_stays_within_the_blocks(store, raw):
    with store.write() as session:
        state.put(session, BLOCK_KEY, raw)
    [number] = numbers(store, 1)
    assert int(number.rsplit("-", 1)[1]) < 1000


def test_which_sequences_belong_to_a_block():
    assert in_block(1, 0) and in_block(99, 0) and not in_block(100, 0)
    assert in_block(101, 1) and not in_block(99, 1) and not in_block(201, 1)
