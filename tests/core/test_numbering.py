"""Numbers per operator and local day, from the block the archive gave this laptop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fieldapp.base.timeutil import utcnow
from fieldapp.records import service_requests
from fieldapp.records.numbering import BLOCK_KEY, SLIP, following, in_block, next_number
from fieldapp.store.models import Customer
from fieldapp.sync import state

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


def test_a_block_never_runs_into_the_next_one_however_many_numbers_a_day(store):
    """Issue 19, item 5: block 0's 100th number was block 1's first (100, 101, …)."""
    handed_out = [int(n.rsplit("-", 1)[1]) for n in numbers(store, 250)]
    assert handed_out[:99] == list(range(1, 100))
    assert handed_out[99:102] == [1001, 1002, 1003]
    assert all(in_block(n, 0) for n in handed_out)


def test_the_blocks_of_ten_laptops_never_share_a_number():
    handed: dict[int, set[int]] = {}
    for block in range(10):
        last, mine = 0, set()
        for _ in range(1000):
            last = following(last, block) if mine else block * 100 + 1
            mine.add(last)
        assert all(in_block(n, block) for n in mine)
        handed[block] = mine
    for block, mine in handed.items():
        assert not mine & set().union(*(v for b, v in handed.items() if b != block))


def test_the_database_and_python_agree_on_the_next_number(store):
    for block in (0, 1, 9):
        with store.write() as session:
            state.put(session, BLOCK_KEY, str(block))
            sequence = [int(next_number(session, SLIP, f"E{block}Q", MORNING).rsplit("-", 1)[1])
                        for _ in range(230)]
        assert sequence[1:] == [following(n, block) for n in sequence[:-1]]
