"""Fixtures for the core: a fresh store and a small, realistic Tianjin world in it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from fieldapp.records import reference, service_requests, slips
from fieldapp.rules.validation import FeeLineInput
from fieldapp.store import Store
from fieldapp.store.models import Slip
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from tests.store_template import new_store

# 2026-11-24 10:00 in Tianjin (a Tuesday); tests pass `now` explicitly, never the wall clock.
REQUESTED = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
NOW = REQUESTED + timedelta(hours=6)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = new_store(tmp_path / "data")  # open_store's new store, copied (tests/store_template.py)
    yield s
    s.close()


@dataclass
class World:
    customer_id: object
    engineer_id: object
    request_number: str


@pytest.fixture
def world(store: Store) -> World:
    with store.write() as session:
        customer = reference.create_customer(
            session, code="TJPORT", name="天津港信息中心", is_group=True,
            account_manager="陈晓红", address="天津市滨海新区新港二号路35号")
        site = reference.add_site(session, customer, name="信息中心机房",
                                  address="新港二号路35号", in_city=True)
        contact = reference.add_contact(session, customer, name="孙丽", phone="13900220000")
        device = reference.add_device(session, customer, device_type="打印机",
                                      device_class="printer", brand="惠普",
                                      model="LaserJet M404dn", serial="CNB1234567",
                                      asset_tag="ZC-TJPORT-001", site=site)
        reference.create_contract(session, customer, number="FW-2026-TJPORT",
                                  starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
        engineer = reference.create_engineer(session, code="E07", name="刘洋",
                                             skills=["硬件", "打印机"])
        request = service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="onsite",
            fault_reported="打印机卡纸，无法连续打印", requested_at=REQUESTED,
            contact=contact, device=device, engineer=engineer, now=REQUESTED)
        return World(customer.id, engineer.id, request.number)


def fill_complete(session, slip: Slip) -> None:
    """A realistic, complete on-site visit: arrival 1h after the request, solved 1h later."""
    slips.update_slip(session, slip, {
        "arrived_at": REQUESTED + timedelta(minutes=70),
        "started_at": REQUESTED + timedelta(minutes=75),
        "solved_at": REQUESTED + timedelta(minutes=140),
        "departed_at": REQUESTED + timedelta(minutes=150),
        "fault_found": "定影组件附近有残纸，搓纸轮磨损",
        "handling": "清除残纸，更换搓纸轮，测试打印50页正常",
        "result": "solved",
    }, now=NOW)
    slips.set_fee_lines(session, slip, [
        FeeLineInput("labour", "上门服务费", Decimal(1), Decimal("150")),
        FeeLineInput("parts", "搓纸轮", Decimal(2), Decimal("45.50")),
        FeeLineInput("travel", "交通费", Decimal(1), Decimal("30")),
    ])


def sign_both(session, slip: Slip) -> None:
    signed = REQUESTED + timedelta(minutes=148)
    slips.sign_slip(session, slip, role="engineer", signer_name="刘洋",
                    strokes=signature_strokes(1), pad_width=PAD_WIDTH, pad_height=PAD_HEIGHT,
                    signed_at=signed, now=NOW)
    slips.sign_slip(session, slip, role="customer", signer_name="孙丽",
                    strokes=signature_strokes(2), pad_width=PAD_WIDTH, pad_height=PAD_HEIGHT,
                    signed_at=signed + timedelta(minutes=1), now=NOW)


@pytest.fixture
def draft_number(store: Store, world: World) -> str:
    with store.write() as session:
        request = service_requests.get_request(session, world.request_number)
        engineer = reference.engineer_by_code(session, "E07")
        return slips.start_slip(session, request, engineer,
                                now=REQUESTED + timedelta(minutes=70)).number


@pytest.fixture
def sealed_number(store: Store, draft_number: str) -> str:
    with store.write() as session:
        slip = slips.get_slip(session, draft_number)
        fill_complete(session, slip)
        sign_both(session, slip)
    return draft_number
