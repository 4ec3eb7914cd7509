"""Numbers that meet never stop a laptop (issue 19, item 5): two laptops of one engineer
number a whole day's work offline without meeting, a local request or draft whose number
the archive holds under another id takes another number by itself, and a pulled record
that still cannot be stored is parked with its reason while the rest of the pull goes on."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import func, select

from fieldapp.base.timeutil import utcnow
from fieldapp.cli import cli
from fieldapp.records import numbering, service_requests, slips
from fieldapp.records.reference import engineer_by_code
from fieldapp.store.models import Customer, ServiceRequest, Slip
from fieldapp.sync import parking, state
from fieldapp.sync.check import check_with_archive
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from tests.archive.work import customer_devices, on_the_command_line, seal_slip_in
from tests.figures import note

OFFLINE_SLIPS = int(os.environ.get("FIELDAPP_OFFLINE_SLIPS", "150"))


def take_on_site(session, code: str, now) -> ServiceRequest:
    """The engineer takes a request at the customer's (numbered R-<code>-… on the laptop)."""
    customer = session.scalar(select(Customer).where(Customer.code == "HPLAW"))
    return service_requests.take_request(
        session, operator_code=code, customer=customer, channel="onsite",
        fault_reported="服务器无法开机", requested_at=now - timedelta(hours=2),
        contact=customer.contacts[0], device=customer_devices(session, customer)[0],
        engineer=engineer_by_code(session, code))


def a_day_offline(store, count: int) -> list[str]:
    """`count` requests taken on site, each with a sealed slip; their numbers."""
    with store.write() as session:
        engineer, now = engineer_by_code(session, "E01"), utcnow()
        numbers = []
        for _ in range(count):
            request = take_on_site(session, "E01", now)
            numbers += [request.number, seal_slip_in(session, request, engineer, now).number]
        return numbers


def ready(archive, laptops, *names: str):
    centre = laptops("centre")
    fill_demo(centre.store, requests=4)
    assert run_sync_round(centre.store, None, centre.client).ok
    made = [laptops("e01", name) for name in names]
    for laptop in made:
        assert run_sync_round(laptop.store, None, laptop.client).ok  # learns its block
    return made


def test_two_laptops_of_one_engineer_seal_a_busy_day_offline_and_both_sync_cleanly(
        archive, laptops):
    first, spare = ready(archive, laptops, "first", "spare")
    numbers = [a_day_offline(first.store, OFFLINE_SLIPS), a_day_offline(spare.store,
                                                                        OFFLINE_SLIPS)]
    assert not set(numbers[0]) & set(numbers[1])

    started = time.perf_counter()
    for laptop in (first, spare, first, spare):  # each sends, then receives the other's
        report = run_sync_round(laptop.store, None, laptop.client)
        assert report.ok and report.error is None, (report.refused[:3], report.error)
        assert report.refused_total == report.parked_total == 0
    seconds = time.perf_counter() - started

    with archive.db.read() as session:
        for model in (ServiceRequest, Slip):
            assert session.scalar(select(func.count()).select_from(model).where(
                model.number.in_(numbers[0] + numbers[1]))) == 2 * OFFLINE_SLIPS
    for laptop in (first, spare):
        check = check_with_archive(laptop.store, laptop.client)
        assert check.agree, check.lines()[:5]
    highest = max(int(n.rsplit("-", 1)[1]) for n in numbers[0] + numbers[1])
    note("two_laptops_busy_day", slips_per_laptop=OFFLINE_SLIPS,
         requests_per_laptop=OFFLINE_SLIPS, highest_sequence=highest,
         sync_seconds=round(seconds, 1))


def take_in_the_first_laptops_block(laptop) -> ServiceRequest:
    """A request the spare numbers as if it held the first laptop's block (blocks shared:
    more laptops than blocks, or one working before its first login)."""
    with laptop.store.write() as session:
        block = numbering.number_block(session)
        state.put(session, numbering.BLOCK_KEY, "0")
        request = take_on_site(session, "E01", utcnow())
        state.put(session, numbering.BLOCK_KEY, str(block))
        return request


def test_an_unsent_request_numbered_like_the_archives_takes_another_number_by_itself(
        archive, laptops):
    first, spare = ready(archive, laptops, "first", "spare")
    with first.store.write() as session:
        taken = take_on_site(session, "E01", utcnow()).number
    assert run_sync_round(first.store, None, first.client).ok
    mine = take_in_the_first_laptops_block(spare).id
    with spare.store.write() as session:
        request = session.get_one(ServiceRequest, mine)
        assert request.number == taken
        draft = slips.start_slip(session, request, engineer_by_code(session, "E01")).id

    first_round = run_sync_round(spare.store, None, spare.client)

    assert first_round.error is None and first_round.parked_total == 0
    with spare.store.read() as session:  # the archive's request came down; ours moved on
        renumbered = session.get_one(ServiceRequest, mine).number
        assert renumbered != taken and renumbered.startswith(taken.rsplit("-", 1)[0])
    second_round = run_sync_round(spare.store, None, spare.client)
    assert second_round.ok and second_round.refused_total == 0, second_round.refused
    with archive.db.read() as session:
        assert session.get_one(ServiceRequest, mine).number == renumbered
        assert session.get_one(Slip, draft).request_id == mine


def test_a_pulled_record_that_cannot_be_stored_is_parked_and_the_pull_goes_on(
        archive, laptops):
    """A signed request number met twice: the archive's request is set aside with its
    reason, everything after it still arrives, and nothing of the laptop's is lost."""
    first, spare = ready(archive, laptops, "first", "spare")
    with first.store.write() as session:
        taken = take_on_site(session, "E01", utcnow()).number
    assert run_sync_round(first.store, None, first.client).ok
    request_id = take_in_the_first_laptops_block(spare).id
    with spare.store.write() as session:  # signed: the request keeps its number
        request = session.get_one(ServiceRequest, request_id)
        assert request.number == taken
        slip_number = seal_slip_in(session, request, engineer_by_code(session, "E01"),
                                   utcnow()).number
    with first.store.write() as session:  # something after it in the archive's feed
        later = take_on_site(session, "E01", utcnow()).number
    assert run_sync_round(first.store, None, first.client).ok

    report = run_sync_round(spare.store, None, spare.client)

    assert report.error is None and report.parked == report.parked_total == 1
    with spare.store.read() as session:
        [parked] = parking.parked(session)
        assert parked.code == "number_clash" and taken in parked.zh and taken in parked.en
        assert session.scalar(select(ServiceRequest.id).where(
            ServiceRequest.number == later)) is not None  # the pull went on
        assert slips.get_slip(session, slip_number).seal is not None  # ours kept
    again = run_sync_round(spare.store, None, spare.client)
    assert again.error is None and again.parked_total == 1  # tried again, still set aside


def test_fieldapp_sync_lists_a_parked_record_by_number_and_no_database_error(
        archive, laptops):
    first, spare = ready(archive, laptops, "first", "spare")
    with first.store.write() as session:
        taken = take_on_site(session, "E01", utcnow())
        contact = (taken.contact_name, taken.contact_phone)
    assert run_sync_round(first.store, None, first.client).ok
    request_id = take_in_the_first_laptops_block(spare).id
    with spare.store.write() as session:
        seal_slip_in(session, session.get_one(ServiceRequest, request_id),
                     engineer_by_code(session, "E01"), utcnow())
    on_the_command_line(spare, archive.url)

    result = CliRunner().invoke(cli, ["--data-dir", str(spare.folder), "--lang", "en", "sync"])

    assert "1 pulled records are set aside on this laptop" in result.output
    assert f"The archive's service request {taken.number} has the number of another" in (
        result.output)
    for leak in ("IntegrityError", "INSERT", "UNIQUE", *contact):
        assert leak not in result.output
