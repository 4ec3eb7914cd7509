"""Complaints (R5), open questions (R1.6) and group customers' archive input (R2.5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from fieldapp.base.errors import StorageError, ValidationError, WorkflowError
from fieldapp.records import reference, service_requests, slips
from fieldapp.sla import ClockState
from fieldapp.workflows import complaints, group_archive, questions
from tests.workflows.conftest import LATER, at

# Deadlines and due times beside today: none may read the wall clock (tests/conftest.py).
pytestmark = pytest.mark.any_moment


def _customer(session):
    return reference.create_customer(session, code="TJMETRO", name="天津地铁运营公司",
                                     is_group=False, account_manager="吴静")


def _port(session, world):
    return service_requests.get_request(session, world.request_number).customer


@pytest.mark.parametrize(("about", "target"), [
    ("engineer", "account_manager"), ("technical_contact", "account_manager"),
    ("account_manager", "service_centre"), ("service_event", "service_centre"),
])
def test_complaints_are_routed_by_what_they_are_about(about, target):
    assert complaints.route_complaint(about).target == target


def _complaint(session, world, **kw):
    values = dict(customer=_port(session, world), about="engineer",
                  engineer=reference.engineer_by_code(session, "E07"),
                  description="工程师迟到一小时且未提前告知", received_via="phone",
                  received_at=at(300), recorded_by="C01", now=LATER)
    values.update(kw)
    return complaints.open_complaint(session, **values)


def test_a_complaint_about_an_engineer_goes_to_the_account_manager(store, world):
    with store.write() as session:
        complaint = _complaint(session, world)
    assert complaint.number.startswith("C-C01-20261124-")
    assert complaint.routed_to == "account_manager" and complaint.handler_name == "陈晓红"
    assert complaint.subject_name == "刘洋"


def test_closing_a_complaint_without_a_response_is_refused(store, world):
    with store.write() as session:
        number = _complaint(session, world).number
    with pytest.raises(WorkflowError) as err, store.write() as session:
        complaints.close_complaint(session, complaints.get_complaint(session, number),
                                   closed_by="陈晓红", actor_code="C01", occurred_at=at(400),
                                   now=LATER)
    assert "尚未答复" in err.value.zh and "no response" in err.value.en


def test_a_responded_and_closed_complaint_gives_a_feedback_report_for_the_archive(
        store, world, sealed_number):
    with store.write() as session:
        slip = slips.get_slip(session, sealed_number)
        complaint = _complaint(session, world, slips=[slip])
        with pytest.raises(WorkflowError, match="尚未关闭"):
            complaints.complaint_feedback_report(session, complaint)
        complaints.respond_to_complaint(session, complaint,
                                        response="已核实，向客户致歉并对工程师进行培训",
                                        responder="陈晓红", actor_code="C01",
                                        occurred_at=at(600), now=LATER)
        complaints.close_complaint(session, complaint, closed_by="陈晓红", actor_code="C01",
                                   occurred_at=at(700), outcome="客户接受处理结果",
                                   customer_satisfied=True, now=LATER)
        report = complaints.complaint_feedback_report(session, complaint)
        filed = complaints.complaints_to_file(session, _port(session, world))
    assert report.slip_numbers == (sealed_number,)
    assert report.response_on_time and report.first_response_at == at(600)
    assert report.routed_to_zh == "客户经理" and report.customer_satisfied == "yes"
    assert report.file_to_customer_archive  # 天津港 is a group customer
    assert [c.number for c in filed] == [report.complaint_number]


def test_complaint_response_clock_defaults_to_24_hours_and_is_configurable(store, world):
    with store.write() as session:
        complaint = _complaint(session, world)
        quick = _complaint(session, world, about="service_event", engineer=None,
                           response_hours=4)
        state = complaints.complaint_state(session, complaint)
    assert complaints.response_due_at(complaint) == at(300) + timedelta(hours=24)
    assert complaints.complaint_clock(complaint, state, at(400)).state is ClockState.ON_TRACK
    assert complaints.complaint_clock(complaint, state, at(300 + 20 * 60)).state is (
        ClockState.AT_RISK)
    assert complaints.complaint_clock(quick, state, at(300 + 5 * 60)).state is (
        ClockState.BREACHED)
    assert quick.routed_to == "service_centre"


def test_a_complaint_about_the_account_manager_names_them(store, world):
    with store.write() as session:
        complaint = _complaint(session, world, about="account_manager", engineer=None,
                               description="客户经理两天未回复")
    assert complaint.subject_name == "陈晓红" and complaint.handler_name == ""


def test_a_complaint_needs_a_description_and_a_known_channel(store, world):
    with pytest.raises(ValidationError) as err, store.write() as session:
        _complaint(session, world, description=" ", received_via="wechat")
    assert {"required", "invalid_choice"} <= err.value.codes


def test_an_open_question_has_a_promised_answer_and_its_clock(store, world):
    with store.write() as session:
        customer = _port(session, world)
        question = questions.record_question(
            session, customer=customer, asked_by="孙丽",
            question="能否将三台打印机接入统一的打印服务器？", asked_at=at(140),
            promised_at=at(140) + timedelta(days=1), recorded_by="E07", now=LATER)
        state = questions.question_state(session, question)
        assert questions.question_clock(question, state, at(200)).state is ClockState.ON_TRACK
        assert questions.question_clock(question, state, LATER).state is ClockState.BREACHED
        assert [q.number for q in questions.open_questions(session, customer)] == [
            question.number]
        questions.answer_question(session, question, answer="可以，需采购一台打印服务器",
                                  answered_by="刘洋", actor_code="E07",
                                  occurred_at=at(600), now=LATER)
        state = questions.question_state(session, question)
        assert questions.question_clock(question, state, LATER).state is ClockState.MET
        assert questions.open_questions(session, customer) == []
        with pytest.raises(WorkflowError, match="已答复"):
            questions.answer_question(session, question, answer="再次答复", answered_by="刘洋",
                                      actor_code="E07", occurred_at=at(700), now=LATER)


def test_a_promise_before_the_question_is_refused(store, world):
    with pytest.raises(ValidationError) as err, store.write() as session:
        questions.record_question(session, customer=_port(session, world), asked_by="孙丽",
                                  question="保修期多长？", asked_at=at(140),
                                  promised_at=at(100), recorded_by="E07", now=LATER)
    assert err.value.for_field("promised_at")


def test_group_customer_archive_entries_are_append_only(store, world, sealed_number):
    with store.write() as session:
        customer = _port(session, world)
        slip = slips.get_slip(session, sealed_number)
        device = slip.request.device
        group_archive.add_archive_entry(session, customer=customer, kind="device_tracking",
                                        text="搓纸轮已更换，建议半年后复查", author_code="E07",
                                        noted_at=at(160), device=device, slip=slip, now=LATER)
        group_archive.add_archive_entry(session, customer=customer, kind="suggestion",
                                        text="建议增购一台备用打印机", author_code="E07",
                                        noted_at=at(161), now=LATER)
        kinds = [e.kind for e in group_archive.archive_entries(session, customer)]
        assert kinds == ["device_tracking", "suggestion"]
        assert len(group_archive.archive_entries(session, customer, device=device)) == 1
    with pytest.raises(StorageError), store.write() as session:
        session.execute(text("UPDATE archive_entries SET text = '改写'"))


def test_archive_entries_are_for_group_customers_only(store, world):
    with pytest.raises(WorkflowError, match="不是集团用户"), store.write() as session:
        group_archive.add_archive_entry(session, customer=_customer(session), kind="problem",
                                        text="闸机读卡器频繁离线", author_code="E07",
                                        noted_at=at(100), now=LATER)
