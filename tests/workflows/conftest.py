"""Fixtures for the workflows: the core's Tianjin world plus repairs, loaners, signatures."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from fieldapp.records import reference, service_requests
from fieldapp.records.events import SignatureInput
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import repair
from fieldapp.workflows.loaners import add_loaner
from tests.core import conftest as core

REQUESTED = core.REQUESTED  # 2026-11-24 10:00 Tianjin, a Tuesday
LATER = REQUESTED + timedelta(days=3)  # `now` for recording steps dated in the past

store = core.store
world = core.world
draft_number = core.draft_number
sealed_number = core.sealed_number


def at(minutes: float) -> datetime:
    """A moment so many minutes after the customer's request."""
    return REQUESTED + timedelta(minutes=minutes)


def sig(name: str, seed: int = 1) -> SignatureInput:
    return SignatureInput(name, signature_strokes(seed), PAD_WIDTH, PAD_HEIGHT)


def intake(**overrides) -> repair.RepairIntake:
    values = dict(
        company_contact="孙丽", contact_phone="13900220000",
        fault_description="打印机主板故障，开机无显示，现场无法修复",
        received_at=at(5), arrived_at=at(70), departed_at=at(150),
        engineer_signature=sig("刘洋", 1), device_grade="A", accessories="电源线一根",
    )
    values.update(overrides)
    return repair.RepairIntake(**values)


@pytest.fixture
def repair_number(store, world) -> str:
    with store.write() as session:
        request = service_requests.get_request(session, world.request_number)
        engineer = reference.engineer_by_code(session, "E07")
        return repair.open_repair(session, request, engineer, intake(), now=at(160)).number


@pytest.fixture
def printer_loaners(store) -> list[str]:
    with store.write() as session:
        tags = [("BJ-PRN-01", "printer", "B", "惠普 LaserJet P2055d"),
                ("BJ-PRN-02", "printer", "A", "惠普 LaserJet M405dn"),
                ("BJ-NB-01", "laptop", "A", "联想 ThinkPad E14")]
        for tag, cls, grade, text in tags:
            add_loaner(session, asset_tag=tag, device_class=cls, grade=grade, description=text)
    return [t[0] for t in tags]
