"""Escalation as services (R4.1, R4.3): `fieldapp.services.escalations`, moments fixed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldapp.base.errors import ValidationError
from fieldapp.records import reference, service_requests
from fieldapp.services import escalations
from tests.core.conftest import NOW, REQUESTED
from tests.core.plain_data import assert_plain

DECIDED = REQUESTED + timedelta(hours=1)


@pytest.fixture
def request_id(store, world):  # type: ignore[no-untyped-def]
    with store.write() as session:
        reference.create_engineer(session, code="E03", name="王建国", skills=["网络", "服务器"])
        reference.create_engineer(session, code="E05", name="赵敏", skills=["打印机"])
        return service_requests.get_request(session, world.request_number).id


def _escalation(kind: str, to: str, **overrides):  # type: ignore[no-untyped-def]
    values = dict(kind=kind, reason="故障实为网络交换机问题", requested_by="孙丽",
                  decided_by="陈晓红", to_engineer=to, at=DECIDED)
    values.update(overrides)
    return escalations.Escalation(**values)  # type: ignore[arg-type]


def test_the_context_shows_the_assignee_the_engineers_and_no_complaint_right(store,
                                                                             request_id):  # type: ignore[no-untyped-def]
    context = escalations.context(store, request_id, language="zh")
    assert (context.assignee, context.assignee_code) == ("E07 刘洋", "E07")
    assert context.engineers == (("E03", "E03 王建国 · 网络、服务器"), ("E05", "E05 赵敏 · 打印机"),
                                 ("E07", "E07 刘洋 · 硬件、打印机"))
    assert not context.complaint_allowed and context.complaint_reason == "尚无多次未解决的记录"
    assert context.history == ()
    assert_plain(context)


def test_skills_are_typed_with_either_comma():
    assert escalations.parse_skills("网络, 服务器，打印机 ,，") == ("网络", "服务器", "打印机")
    assert escalations.parse_skills("  ") == ()


def test_a_technical_requirement_goes_to_a_suitably_skilled_engineer(store, request_id):  # type: ignore[no-untyped-def]
    assert escalations.suitable_engineers(store, ("网络",), exclude="E07") == (
        ("E03", "E03 王建国 · 网络、服务器"),)
    assert escalations.suitable_engineers(store, ("打印机",), exclude="E07") == (
        ("E05", "E05 赵敏 · 打印机"),)
    outcome = escalations.escalate(store, request_id, _escalation(
        "technical_requirement", "E03", required_skills=("网络",)), operator_code="C01",
        language="zh", now=NOW)
    assert outcome == escalations.EscalationOutcome("E03 王建国")
    context = escalations.context(store, request_id, language="en")
    assert context.assignee == "E03 王建国"
    assert context.history == ("2026-11-24 Technical-requirement escalation: E07 → E03",)


def test_an_engineer_without_the_skills_is_refused(store, request_id):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        escalations.escalate(store, request_id, _escalation(
            "technical_requirement", "E05", required_skills=("网络",)), operator_code="C01",
            language="zh", now=NOW)
    assert refused.value.issues[0].message("zh") == "赵敏 不具备所需技能：网络。"
    assert escalations.context(store, request_id, language="zh").assignee == "E07 刘洋"


def test_a_second_technical_ability_escalation_lets_the_customer_complain(store,
                                                                           request_id):  # type: ignore[no-untyped-def]
    first = escalations.escalate(store, request_id, _escalation("technical_ability", "E03"),
                                 operator_code="C01", language="zh", now=NOW)
    assert first.engineer == "E03 王建国"
    assert first.complaint_reason == "尚无多次未解决的记录"
    second = escalations.escalate(store, request_id, _escalation(
        "technical_ability", "E05", at=DECIDED + timedelta(hours=1)), operator_code="C01",
        language="en", now=NOW)
    assert second.complaint_reason == ("2 technical-ability escalations: the customer may "
                                       "complain to the account manager")  # R4.3
    assert escalations.context(store, request_id, language="zh").complaint_allowed


def test_asking_for_the_same_engineer_again_is_refused(store, request_id):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        escalations.escalate(store, request_id, _escalation("technical_ability", "E07"),
                             operator_code="C01", language="zh", now=NOW)
    assert [i.field for i in refused.value.issues] == ["to_engineer"]
