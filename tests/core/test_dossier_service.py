"""The group dossier on the laptop (R2.5, issue 20 item 6): `fieldapp.services.dossier`.

A problem set is raised after a visit, tracked, solved (or closed without fix) and
reopened; each step is an event with who, when and a note; a step the state does not
allow is refused in one line in both languages. A suggestion is proposed, answered by the
customer and carried out. Every submission waits for the centre's review. The clock is
the fixture's: every step passes `now`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from fieldapp.base.errors import ValidationError, WorkflowError
from fieldapp.records import reference, service_requests, slips
from fieldapp.records.events import EventKind
from fieldapp.services import dossier
from fieldapp.store.workflow_models import ProblemSet
from tests.core.conftest import NOW, REQUESTED
from tests.core.plain_data import assert_plain


def _slip_id(store, number):  # type: ignore[no-untyped-def]
    with store.read() as session:
        return slips.get_slip(session, number).id


def _problem(store, slip_id):  # type: ignore[no-untyped-def]
    dossier.raise_problem(store, slip_id, dossier.NewProblem(
        "打印机反复卡纸", "二号楼 M404dn 每周卡纸两三次，怀疑搓纸轮老化。", "E07"), now=NOW)
    return dossier.context(store, slip_id).dossier.problems[0]


def at(minutes: int):  # type: ignore[no-untyped-def]
    return NOW + timedelta(minutes=minutes)


def test_a_problem_set_goes_raised_tracking_solved_with_who_when_and_note(store, draft_number):  # type: ignore[no-untyped-def]
    slip_id = _slip_id(store, draft_number)
    problem = _problem(store, slip_id)
    assert (problem.number, problem.status, problem.review) == (
        "W-E07-20261124-001", "raised", "submitted")
    dossier.problem_step(store, problem.id, kind=EventKind.PROBLEM_TRACKING,
                         note="已更换搓纸轮，观察两周", actor_code="E07", now=at(10))
    dossier.problem_step(store, problem.id, kind=EventKind.PROBLEM_SOLVED,
                         note="两周未再卡纸", actor_code="E07", now=at(20))
    view = dossier.context(store, slip_id).dossier.problems[0]
    assert view.status == "solved" and view.status_label == ("已解决", "Solved")
    assert [(s.label[0], s.by, s.at, s.note) for s in view.steps] == [
        ("已解决", "E07", at(20), "两周未再卡纸"),
        ("开始跟踪", "E07", at(10), "已更换搓纸轮，观察两周"),
        ("提出问题", "E07", NOW, "二号楼 M404dn 每周卡纸两三次，怀疑搓纸轮老化。")]
    assert view.waiting == 3  # every submission awaits the centre's review
    assert view.linked == ("R-C01-20261124-001",)  # the visit's request
    assert_plain(view)


def test_a_closed_problem_refuses_to_be_solved_again_until_it_is_reopened(store, draft_number):  # type: ignore[no-untyped-def]
    slip_id = _slip_id(store, draft_number)
    problem = _problem(store, slip_id)
    dossier.problem_step(store, problem.id, kind=EventKind.PROBLEM_WONT_FIX,
                         note="客户决定年底整体更换，不再维修", actor_code="E07", now=at(5))
    with pytest.raises(WorkflowError) as refused:
        dossier.problem_step(store, problem.id, kind=EventKind.PROBLEM_SOLVED, note="好了",
                             actor_code="E07", now=at(6))
    assert (refused.value.zh, refused.value.en) == (
        "问题已关闭，不能再标记为已解决。",
        "The problem is closed already; it cannot be solved again.")
    with pytest.raises(WorkflowError, match="请先重新打开再添加跟踪记录"):
        dossier.problem_step(store, problem.id, kind=EventKind.PROBLEM_NOTED, note="又卡纸",
                             actor_code="E07", now=at(6))
    dossier.problem_step(store, problem.id, kind=EventKind.PROBLEM_REOPENED,
                         note="问题复现", actor_code="E07", now=at(7))
    assert dossier.context(store, slip_id).dossier.problems[0].status == "tracking"
    with pytest.raises(WorkflowError) as again:
        dossier.problem_step(store, problem.id, kind=EventKind.PROBLEM_TRACKING, note="x",
                             actor_code="E07", now=at(8))
    assert "只有刚提出的问题才能开始跟踪" in again.value.zh


def test_a_step_needs_a_note_and_cannot_come_before_the_problem(store, draft_number):  # type: ignore[no-untyped-def]
    problem = _problem(store, _slip_id(store, draft_number))
    with pytest.raises(ValidationError) as empty:
        dossier.problem_step(store, problem.id, kind=EventKind.PROBLEM_TRACKING, note=" ",
                             actor_code="E07", now=at(1))
    assert [(i.field, i.zh) for i in empty.value.issues] == [("note", "请填写备注。")]
    with pytest.raises(ValidationError, match="时间不能早于记录提出的时间"):
        dossier.problem_step(store, problem.id, kind=EventKind.PROBLEM_TRACKING, note="x",
                             actor_code="E07", now=NOW - timedelta(minutes=1))


def test_linking_the_customers_requests_and_refusing_another_customers(store, draft_number):  # type: ignore[no-untyped-def]
    slip_id = _slip_id(store, draft_number)
    problem = _problem(store, slip_id)
    with store.write() as session:
        port = slips.get_slip(session, slip_id).request.customer
        second = service_requests.take_request(
            session, operator_code="C01", customer=port, channel="phone",
            fault_reported="打印机又卡纸", requested_at=REQUESTED, contact_name="孙丽",
            now=REQUESTED).id
        bank = reference.create_customer(session, code="BHBANK", name="渤海银行天津分行")
        foreign = service_requests.take_request(
            session, operator_code="C01", customer=bank, channel="phone",
            fault_reported="网银盾无法识别", requested_at=REQUESTED, contact_name="李明",
            now=REQUESTED).id
    dossier.link_request(store, problem.id, second, actor_code="E07", now=at(3))
    with pytest.raises(ValidationError) as refused:
        dossier.link_request(store, problem.id, foreign, actor_code="E07", now=at(4))
    assert [(i.field, i.zh, i.en) for i in refused.value.issues] == [
        ("request_id", "服务请求属于其他客户。", "The request belongs to another customer.")]
    with pytest.raises(WorkflowError, match="该服务请求已关联到此问题"):
        dossier.link_request(store, problem.id, second, actor_code="E07", now=at(5))
    assert dossier.context(store, slip_id).dossier.problems[0].linked == (
        "R-C01-20261124-001", "R-C01-20261124-002")


def test_a_suggestion_is_answered_by_the_customer_then_carried_out(store, draft_number):  # type: ignore[no-untyped-def]
    slip_id = _slip_id(store, draft_number)
    number = dossier.propose(store, slip_id, dossier.NewSuggestion(
        "建议为机房打印机配备备用硒鼓。", "E07"), now=NOW)
    suggestion = dossier.context(store, slip_id).dossier.suggestions[0]
    assert (number, suggestion.status) == ("J-E07-20261124-001", "proposed")
    with pytest.raises(WorkflowError) as early:
        dossier.suggestion_step(store, suggestion.id, kind=EventKind.SUGGESTION_DONE,
                                note="已采购", actor_code="E07", now=at(1))
    assert early.value.en == "Only a suggestion the customer accepted can be done."
    with pytest.raises(ValidationError, match="客户方答复人"):
        dossier.suggestion_step(store, suggestion.id, kind=EventKind.SUGGESTION_ACCEPTED,
                                actor_code="E07", now=at(1))
    dossier.suggestion_step(store, suggestion.id, kind=EventKind.SUGGESTION_ACCEPTED,
                            customer_name="孙丽", note="下月采购", actor_code="E07", now=at(2))
    with pytest.raises(WorkflowError, match="客户已答复过该建议"):
        dossier.suggestion_step(store, suggestion.id, kind=EventKind.SUGGESTION_DECLINED,
                                customer_name="孙丽", actor_code="E07", now=at(3))
    dossier.suggestion_step(store, suggestion.id, kind=EventKind.SUGGESTION_DONE,
                            note="两支备用硒鼓已入库", actor_code="E07", now=at(4))
    view = dossier.context(store, slip_id).dossier.suggestions[0]
    assert view.status_label == ("已落实", "Done")
    assert [s.label[0] for s in view.steps] == ["已落实", "客户接受", "提出建议"]


def test_the_dossier_records_are_append_only_in_the_database(store, draft_number):  # type: ignore[no-untyped-def]
    _problem(store, _slip_id(store, draft_number))
    with pytest.raises(Exception, match="只追加"), store.write() as session:
        session.execute(update(ProblemSet).values(title="改过"))


def test_a_customer_who_is_no_group_customer_has_no_dossier(store, world):  # type: ignore[no-untyped-def]
    from fieldapp.services import visit

    with store.write() as session:
        customer = reference.create_customer(session, code="HPBANK", name="某商业银行支行")
        request_id = service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="phone",
            fault_reported="网银盾无法识别", requested_at=REQUESTED, contact_name="李明",
            now=REQUESTED).id
    slip = visit.open_visit(store, request_id, "E07", now=REQUESTED + timedelta(minutes=5))
    assert not dossier.context(store, slip.id).is_group
    with pytest.raises(WorkflowError) as refused:
        dossier.propose(store, slip.id, dossier.NewSuggestion("x", "E07"), now=NOW)
    assert refused.value.zh == "某商业银行支行 不是集团用户，没有客户档案。"
