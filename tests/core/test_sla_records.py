"""Stored requests get the clocks of their own contract, site and visits."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from fieldapp.records import reference, service_requests, slips
from fieldapp.records.sla_records import request_clocks, sla_inputs, sla_inputs_for
from fieldapp.sla import ClockKind, ClockState, clock_of
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.tools.demo import fill_demo

# Tuesday 2026-11-24 22:00 in Tianjin: outside office hours.
NIGHT = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


def take_onsite(store, *, calendar: dict, in_city: bool = True) -> str:
    with store.write() as session:
        customer = reference.create_customer(session, code="TJH1", name="天津市第一中心医院",
                                             is_group=True)
        site = reference.add_site(session, customer, name="门诊楼", in_city=in_city)
        reference.create_contract(session, customer, number="FW-2026-TJH1",
                                  starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
                                  service_calendar=json.dumps(calendar))
        return service_requests.take_request(
            session, operator_code="C01", customer=customer, intake_channel="phone",
            service_kind="onsite", fault_reported="急诊挂号电脑无法开机", requested_at=NIGHT,
            answered_at=NIGHT + timedelta(minutes=1), contact_name="赵磊", site=site,
            now=NIGHT).number


def clock(store, number, now, kind=ClockKind.ONSITE_ARRIVAL):
    with store.read() as session:
        found = clock_of(request_clocks(service_requests.get_request(session, number), now), kind)
        assert found is not None
        return found


def test_a_7x24_contract_counts_the_night(store):
    number = take_onsite(store, calendar={"always_open": True})
    result = clock(store, number, NIGHT + timedelta(minutes=30))
    assert result.kind is ClockKind.ONSITE_ARRIVAL
    assert result.deadline == NIGHT + timedelta(hours=2)


def test_an_office_hours_contract_starts_counting_next_morning(store):
    number = take_onsite(store, calendar={})
    result = clock(store, number, NIGHT + timedelta(minutes=30))
    assert result.deadline == datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 11:00 Tianjin
    assert result.state is ClockState.ON_TRACK


def test_a_site_outside_the_city_has_no_arrival_promise(store):
    number = take_onsite(store, calendar={"always_open": True}, in_city=False)
    assert clock(store, number, NIGHT).state is ClockState.NOT_APPLICABLE


def test_the_first_arrival_stops_the_clock(store):
    number = take_onsite(store, calendar={"always_open": True})
    with store.write() as session:
        request = service_requests.get_request(session, number)
        engineer = reference.create_engineer(session, code="E02", name="李明")
        slip = slips.start_slip(session, request, engineer, now=NIGHT + timedelta(minutes=90))
        slips.update_slip(session, slip, {"arrived_at": NIGHT + timedelta(minutes=90)},
                          now=NIGHT + timedelta(minutes=90))
    assert clock(store, number, NIGHT + timedelta(hours=5)).state is ClockState.MET


def test_inputs_for_a_page_of_requests_in_one_call(store):
    number = take_onsite(store, calendar={"always_open": True})
    with store.read() as session:
        request = service_requests.get_request(session, number)
        inputs = sla_inputs_for(session, [request.id])
    later = NIGHT + timedelta(hours=3, minutes=1)  # past the 3-hour cap
    arrival = clock_of(inputs[request.id].clocks(later), ClockKind.ONSITE_ARRIVAL)
    assert arrival is not None and arrival.state is ClockState.BREACHED
    assert inputs[request.id].facts.is_group_customer


def test_a_pages_inputs_are_each_requests_own(store):
    """`sla_inputs_for` reads columns for a whole page; what it gives each request is what
    `sla_inputs` gives that request read on its own: visits, amendments, repairs,
    contracts with and without a calendar, sites in and out of the city, no site."""
    fill_demo(store, requests=60, now=NIGHT)
    with store.write() as session:
        far = reference.create_customer(session, code="FAR1", name="蓟州区卫生院", is_group=True)
        site = reference.add_site(session, far, name="门诊楼", in_city=False)
        reference.create_contract(session, far, number="FW-2026-FAR1",
                                  starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
                                  service_calendar=json.dumps({"always_open": True}))
        bare = reference.create_customer(session, code="NOSITE", name="无地点客户")
        numbers = [service_requests.take_request(
            session, operator_code="C01", customer=customer, intake_channel="phone",
            service_kind="onsite", fault_reported="打印机卡纸", requested_at=NIGHT,
            contact_name="钱七", site=where, now=NIGHT).number
            for customer, where in ((far, site), (bare, None))]
    with store.write() as session:  # an amendment's times are not a visit's
        amendment = session.scalars(select(Slip).where(Slip.amends_slip_id.is_not(None))
                                    ).first()
        assert amendment is not None and amendment.arrived_at is not None
        slips.update_slip(session, amendment,
                          {"arrived_at": amendment.arrived_at - timedelta(minutes=1)}, now=NIGHT)
    with store.read() as session:
        requests = session.scalars(select(ServiceRequest)).all()
        page = sla_inputs_for(session, [r.id for r in requests])
        assert {service_requests.get_request(session, n).id for n in numbers} <= set(page)
        assert len(page) == len(requests) > 60
        for request in requests:
            assert page[request.id] == sla_inputs(request), request.number
