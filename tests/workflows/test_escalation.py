"""Escalation (服务升级, R4): three kinds, derived assignee, refusals on finished requests."""

from __future__ import annotations

import pytest

from fieldapp.base.errors import ValidationError, WorkflowError
from fieldapp.records import reference, service_requests, slips
from fieldapp.seal.sealing import verify_slip
from fieldapp.workflows import escalation, repair
from tests.core.conftest import fill_complete, sign_both
from tests.workflows.conftest import LATER, at, intake

# Deadlines and due times beside today: none may read the wall clock (tests/conftest.py).
pytestmark = pytest.mark.any_moment


@pytest.fixture
def engineers(store):
    with store.write() as session:
        reference.create_engineer(session, code="E12", name="王磊", skills=["网络", "服务器"])
        reference.create_engineer(session, code="E15", name="张敏", skills=["硬件", "打印机"])
        reference.create_engineer(session, code="E21", name="赵刚",
                                  skills=["网络", "服务器", "存储"])


def _request(session, world):
    return service_requests.get_request(session, world.request_number)


def test_technical_requirement_sends_an_engineer_with_the_skills(store, world, engineers):
    with store.write() as session:
        chosen = escalation.escalate_technical_requirement(
            session, _request(session, world), reason="实为交换机端口故障，非打印机问题",
            required_skills=["网络", "服务器"], requested_by="孙丽", decided_by="技术接口 周伟",
            actor_code="C01", occurred_at=at(180), now=LATER)
        assert chosen.code == "E12"
        state = escalation.request_state(session, _request(session, world))
        assert escalation.assigned_engineer(session, _request(session, world)).code == "E12"
    (entry,) = state.escalations
    assert (entry.kind, entry.from_engineer, entry.to_engineer) == (
        "technical_requirement", "E07", "E12")
    assert entry.requested_by == "孙丽" and entry.decided_by == "技术接口 周伟"


def test_a_chosen_engineer_without_the_skills_is_refused(store, world, engineers):
    with pytest.raises(ValidationError) as err, store.write() as session:
        escalation.escalate_technical_requirement(
            session, _request(session, world), reason="实为网络故障", required_skills=["网络"],
            requested_by="孙丽", decided_by="周伟", actor_code="C01", occurred_at=at(180),
            to_engineer=reference.engineer_by_code(session, "E15"), now=LATER)
    assert "不具备所需技能" in err.value.zh


def test_derived_assignee_follows_several_escalations_and_keeps_the_first_slips(
        store, world, engineers, draft_number):
    with store.write() as session:
        slip = slips.get_slip(session, draft_number)
        fill_complete(session, slip)
        slips.update_slip(session, slip, {"result": "unsolved", "solved_at": None}, now=LATER)
        sign_both(session, slip)
    with store.write() as session:
        request = _request(session, world)
        right = escalation.escalate_technical_ability(
            session, request, reason="多次上门仍未解决", requested_by="孙丽",
            decided_by="客户服务中心 李娜", to_engineer=reference.engineer_by_code(session, "E15"),
            actor_code="C01", occurred_at=at(300), now=LATER)
        assert not right.allowed
        escalation.escalate_technical_requirement(
            session, request, reason="实为网络打印服务器故障", required_skills=["存储"],
            requested_by="孙丽", decided_by="周伟", actor_code="C01", occurred_at=at(400),
            now=LATER)
        escalation.reassign_request(session, request, reference.engineer_by_code(session, "E12"),
                                    reason="赵刚出差，改派王磊", decided_by="李娜",
                                    actor_code="C01", occurred_at=at(420), now=LATER)
    with store.read() as session:
        request = _request(session, world)
        state = escalation.request_state(session, request)
        assert [a.engineer_code for a in state.assignments] == ["E15", "E21", "E12"]
        assert escalation.assigned_engineer(session, request).code == "E12"
        assert request.assigned_engineer.code == "E07"  # the row is not rewritten
        slip = slips.get_slip(session, draft_number)
        assert slip.engineer.code == "E07" and verify_slip(slip).ok


def test_repeated_failure_lets_the_customer_complain_to_the_account_manager(
        store, world, engineers):
    with store.write() as session:
        request = _request(session, world)
        first = escalation.escalate_technical_ability(
            session, request, reason="工程师不熟悉该型号", requested_by="孙丽", decided_by="李娜",
            to_engineer=reference.engineer_by_code(session, "E15"), actor_code="C01",
            occurred_at=at(200), now=LATER)
        second = escalation.escalate_technical_ability(
            session, request, reason="更换后仍未解决", requested_by="孙丽", decided_by="李娜",
            to_engineer=reference.engineer_by_code(session, "E21"), actor_code="C01",
            occurred_at=at(500), now=LATER)
    assert not first.allowed
    assert second.allowed and "客户经理" in second.reason("zh")


def test_two_unsolved_visits_also_count_as_repeated_failure():
    state = escalation.fold_request([])
    assert escalation.complaint_right(state, unsolved_visits=2).allowed
    assert not escalation.complaint_right(state, unsolved_visits=1).allowed


def test_asking_for_another_engineer_refuses_the_same_one(store, world, engineers):
    with pytest.raises(ValidationError, match="另一位工程师"), store.write() as session:
        escalation.escalate_technical_ability(
            session, _request(session, world), reason="态度不好", requested_by="孙丽",
            decided_by="李娜", to_engineer=reference.engineer_by_code(session, "E07"),
            actor_code="C01", occurred_at=at(200), now=LATER)


def test_device_fault_escalation_opens_a_send_in_repair(store, world, draft_number):
    with store.write() as session:
        request = _request(session, world)
        order = escalation.escalate_device_fault(
            session, request, reason="主板损坏，现场无法修复", requested_by="刘洋",
            decided_by="客户服务中心 李娜", engineer=reference.engineer_by_code(session, "E07"),
            intake=intake(), slip=slips.get_slip(session, draft_number), actor_code="E07",
            occurred_at=at(150), now=at(160))
        (entry,) = escalation.request_state(session, request).escalations
        assert entry.kind == "device_fault" and entry.repair_number == order.number
        assert order.slip.number == draft_number
        assert [o.number for o in repair.repairs_for_request(session, request)] == [order.number]


@pytest.mark.parametrize("status", ["closed", "cancelled", "resolved"])
def test_an_escalation_on_a_finished_request_is_refused(store, world, engineers, status):
    with store.write() as session:
        _request(session, world).status = status
    with pytest.raises(WorkflowError) as err, store.write() as session:
        escalation.escalate_technical_ability(
            session, _request(session, world), reason="更换工程师", requested_by="孙丽",
            decided_by="李娜", to_engineer=reference.engineer_by_code(session, "E15"),
            actor_code="C01", occurred_at=at(200), now=LATER)
    assert "不能升级" in err.value.zh and status in err.value.en


def test_lists_show_the_derived_assignee_and_status(store, world, engineers):
    from click.testing import CliRunner

    from fieldapp.cli import cli
    from fieldapp.reads.queries import list_requests
    from fieldapp.workflows.request_state import request_status

    with store.write() as session:
        request = _request(session, world)
        escalation.reassign_request(session, request, reference.engineer_by_code(session, "E15"),
                                    reason="客户要求", decided_by="李娜", actor_code="C01",
                                    occurred_at=at(200), now=LATER)
    with store.read() as session:
        request = _request(session, world)
        (row,) = list_requests(session)
        assert row.engineer_code == "E15" and row.status == request_status(session, request)
        assert request.assigned_engineer.code == "E07"  # the row is not rewritten
        e15 = reference.engineer_by_code(session, "E15")
        assert [r.number for r in list_requests(session, engineer_id=e15.id)] == [row.number]
        assert list_requests(session, engineer_id=request.assigned_engineer_id) == []
    result = CliRunner().invoke(cli, ["--data-dir", str(store.path.parent), "requests", "list",
                                      "--json"])
    assert result.exit_code == 0, result.output
    assert '"engineer_code": "E15"' in result.output
