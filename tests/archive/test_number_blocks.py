"""Two laptops of one engineer, both offline, never number alike: the archive gives each
active laptop of an engineer its own block of each day's numbers (fieldapp.records.numbering)."""

from __future__ import annotations

from sqlalchemy import select

from fieldapp.records.numbering import in_block
from fieldapp.store.models import Slip
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from tests.archive.servers import PASSWORD
from tests.archive.work import dispatch, seal_a_slip


def block_of_a_new_login(archive, user: str) -> tuple[ArchiveClient, int]:
    client = ArchiveClient(archive.url)
    return client, client.login(user, PASSWORD, f"laptop-{user}")["number_block"]


def test_each_active_laptop_of_an_engineer_has_its_own_block_and_the_centre_has_nine(
        archive):
    clients = []
    for expected in (0, 1, 2):
        client, block = block_of_a_new_login(archive, "e01")
        clients.append(client)
        assert block == expected
    clients[1].logout()  # that laptop's token is revoked: its block is free again
    again, block = block_of_a_new_login(archive, "e01")
    assert block == 1
    other, other_block = block_of_a_new_login(archive, "e02")
    centre, centre_block = block_of_a_new_login(archive, "centre")
    assert (other_block, centre_block) == (0, 9)
    for client in (*clients, again, other, centre):
        client.close()


def test_two_laptops_of_one_engineer_seal_offline_the_same_day_and_both_slips_arrive(
        archive, laptops):
    centre = laptops("centre")
    fill_demo(centre.store, requests=4)
    requests = [dispatch(centre.store, "E01"), dispatch(centre.store, "E01")]
    assert run_sync_round(centre.store, None, centre.client).ok
    first, spare = laptops("e01", "first"), laptops("e01", "spare")
    for laptop in (first, spare):
        assert run_sync_round(laptop.store, None, laptop.client).ok  # learns its block

    # both offline now: each seals a slip for one of the two requests
    numbers = [seal_a_slip(laptop.store, request, "E01").number
               for laptop, request in zip((first, spare), requests, strict=True)]
    assert numbers[0] != numbers[1]
    sequences = [int(number.rsplit("-", 1)[1]) for number in numbers]
    assert in_block(sequences[0], 0) and in_block(sequences[1], 1), numbers

    for laptop in (first, spare):
        report = run_sync_round(laptop.store, None, laptop.client)
        assert report.ok and report.refused_total == 0, report
    with archive.db.read() as session:
        assert set(session.scalars(select(Slip.number).where(Slip.number.in_(numbers)))) == set(
            numbers)
    assert run_sync_round(first.store, None, first.client).ok
    with first.store.read() as session:  # the spare's slip came down; no clash
        assert session.scalar(select(Slip.id).where(Slip.number == numbers[1])) is not None
