"""Open questions as services (R1.6): `fieldapp.services.questions`, moments fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldapp.base.errors import ValidationError
from fieldapp.records import slips
from fieldapp.services import questions
from tests.core.conftest import NOW, REQUESTED

ASKED = REQUESTED + timedelta(hours=2)


def _question(**overrides):  # type: ignore[no-untyped-def]
    values = dict(asked_by="孙丽", question="能否把打印机改为双面默认？", asked_at=ASKED,
                  promised_at=questions.promised_in(24, ASKED, NOW), recorded_by="E07")
    values.update(overrides)
    return questions.NewQuestion(**values)  # type: ignore[arg-type]


def test_a_question_from_a_slip_belongs_to_the_slips_customer(store, draft_number):  # type: ignore[no-untyped-def]
    with store.read() as session:
        slip_id = slips.get_slip(session, draft_number).id
    number = questions.record(store, _question(), slip_id=slip_id, now=NOW)
    assert number == "Q-E07-20261124-001"
    (row,) = questions.page(store, now=NOW)
    assert (row.number, row.customer_name, row.status) == (number, "天津港信息中心", "open")
    assert (row.promised_at, row.clock_state) == (ASKED + timedelta(hours=24), "on_track")


def test_a_question_from_the_list_names_its_customer(store, world):  # type: ignore[no-untyped-def]
    ((customer_id, name),) = questions.customers(store)
    questions.record(store, _question(customer_id=customer_id), now=NOW)
    assert questions.page(store, now=NOW)[0].customer_name == name == "天津港信息中心"


def test_without_a_customer_or_a_promise_after_the_question_nothing_is_recorded(store, world):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as no_customer:
        questions.record(store, _question(), now=NOW)
    assert no_customer.value.issues[0].message("en") == "Choose the customer."
    ((customer_id, _name),) = questions.customers(store)
    with pytest.raises(ValidationError) as refused:
        questions.record(store, _question(customer_id=customer_id, question="",
                                          promised_at=ASKED), now=NOW)
    assert {i.field for i in refused.value.issues} == {"question", "promised_at"}
    assert questions.page(store, now=NOW) == []


def test_an_answered_question_stops_its_clock_and_goes_after_the_open_ones(store, world):  # type: ignore[no-untyped-def]
    ((customer_id, _name),) = questions.customers(store)
    soon = questions.record(store, _question(customer_id=customer_id), now=NOW)
    later = questions.record(store, _question(
        customer_id=customer_id, promised_at=questions.promised_in(72, None, NOW)), now=NOW)
    first = questions.page(store, now=NOW)[0]
    assert first.number == soon
    questions.answer(store, first.id, questions.Answer("可以，已在驱动中设为双面。", "刘洋"),
                     operator_code="E07", now=NOW + timedelta(hours=1))
    rows = questions.page(store, now=NOW + timedelta(hours=2))
    assert [(r.number, r.status) for r in rows] == [(later, "open"), (soon, "answered")]
    assert rows[1].clock_state == "met" and rows[1].answered_at == NOW + timedelta(hours=1)


def test_the_quick_promises_count_from_the_question():
    assert questions.PROMISE_CHOICES == (4, 24, 72)
    assert questions.promised_in(4, ASKED, NOW) == ASKED + timedelta(hours=4)
    assert questions.promised_in(4, None, NOW) == NOW + timedelta(hours=4)
