"""A group customer answers a service suggestion on the portal (R2.5): the answer is the
same `suggestion.accepted` / `.declined` event the engineer would record, by the portal's
operator code, a fact at once (nothing for the centre to review), and on the change
feed: the engineer's laptop folds it after a pull, and then refuses a second answer.

The steps are dated from one start read when the test begins (a running archive and its
laptops talk over HTTP in threads, so the wall clock is not stopped here)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from fieldapp.archive import dossier_review
from fieldapp.archive.models import User
from fieldapp.archive.portal.submissions import publish
from fieldapp.base.errors import FieldappError, ValidationError
from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests
from fieldapp.services import dossier, visit
from fieldapp.store.models import Customer
from fieldapp.store.workflow_models import ServiceSuggestion
from fieldapp.sync.rounds import run_sync_round
from fieldapp.workflows import dossier as flow


def sync(laptop) -> None:  # type: ignore[no-untyped-def]
    report = run_sync_round(laptop.store, None, laptop.client)
    assert report.ok, report


def _world(laptops, start: datetime):  # type: ignore[no-untyped-def]
    """TJPORT (a group customer) and E01's visit there, pulled by E01's laptop."""
    centre, e01 = laptops("centre"), laptops("e01")
    with centre.store.write() as session:
        port = reference.create_customer(session, code="TJPORT", name="天津港信息中心",
                                         is_group=True, account_manager="陈晓红")
        contact = reference.add_contact(session, port, name="孙丽", phone="13900220000")
        reference.create_contract(session, port, number="FW-2026", starts_on=date(2020, 1, 1),
                                  ends_on=date(2099, 12, 31))
        e01_row = reference.create_engineer(session, code="E01", name="刘洋", skills=["打印机"])
        number = service_requests.take_request(
            session, operator_code="C01", customer=port, channel="onsite",
            fault_reported="打印机反复卡纸", requested_at=start, contact=contact,
            engineer=e01_row,
            now=start).number
    sync(centre)
    sync(e01)
    with e01.store.read() as session:
        request_id = service_requests.get_request(session, number).id
    return e01, visit.open_visit(e01.store, request_id, "E01", now=start)


def _answer(archive, decision: str, when: datetime, name: str = "孙丽") -> None:  # type: ignore[no-untyped-def]
    """What the portal's route does for the logged-in account `port`."""
    with archive.db.read() as session:
        customer_id = session.scalar(select(Customer.id).where(Customer.code == "TJPORT"))
        suggestion_id = session.scalar(select(ServiceSuggestion.id))

    def to_feed(session, event_id):  # type: ignore[no-untyped-def]
        user = session.scalar(select(User).where(User.name == "port"))
        publish(session, table="events", record_id=event_id, user=user, now=when)

    dossier.answer_suggestion(archive.db, customer_id, suggestion_id, dossier.SuggestionAnswer(
        decision, name, "预算不足，明年再议", account="port"), now=when, then=to_feed)


def test_the_customers_answer_reaches_the_engineer_after_a_pull(archive, laptops):  # type: ignore[no-untyped-def]
    start = utcnow() - timedelta(hours=3)
    e01, slip = _world(laptops, start)
    number = dossier.propose(e01.store, slip.id, dossier.NewSuggestion("建议配备备用硒鼓。", "E01"),
                             now=start + timedelta(minutes=10))
    sync(e01)
    with pytest.raises(ValidationError) as unseen:  # not reviewed: the customer never saw it
        _answer(archive, "accepted", start + timedelta(minutes=20))
    assert unseen.value.issues[0].field == "suggestion_id"
    assert dossier_review.review(archive.db, number, verdict="reviewed", reviewer="王芳",
                                 comment="", actor_code="CENTRE",
                                 now=start + timedelta(minutes=30)) == 1

    _answer(archive, "declined", start + timedelta(minutes=40))
    assert dossier.pending(archive.db) == ()  # the customer's own word: nothing to review
    with pytest.raises(FieldappError) as twice:
        _answer(archive, "accepted", start + timedelta(minutes=41))
    assert twice.value.zh == "客户已答复过该建议。"

    sync(e01)  # the engineer's laptop: the answer, a fact, as the engineer would record it
    with e01.store.read() as session:
        state = flow.suggestion_state(session, session.scalars(select(ServiceSuggestion)).one())
    assert state.status == state.fact_status == "declined"
    answer = state.steps[-1]
    assert (answer.kind, answer.actor_code, answer.verdict.review) == (
        "suggestion.declined", "WEB", "reviewed")
    assert answer.note == "预算不足，明年再议；客户门户 / portal: 孙丽 (port)"
    seen = dossier.context(e01.store, slip.id).dossier.suggestions[0]  # the dossier dialog's
    assert (seen.status, seen.waiting, seen.steps[0].label) == (
        "declined", 0, ("客户未采纳", "Declined by the customer"))
    with pytest.raises(FieldappError, match="客户已答复过该建议"):
        dossier.suggestion_step(e01.store, state.steps[0].submission_id,
                                kind="suggestion.accepted", customer_name="孙丽",
                                actor_code="E01", now=start + timedelta(minutes=50))


def test_a_bad_decision_or_another_customers_suggestion_stores_nothing(archive, laptops):  # type: ignore[no-untyped-def]
    start = utcnow() - timedelta(hours=3)
    e01, slip = _world(laptops, start)
    number = dossier.propose(e01.store, slip.id, dossier.NewSuggestion("建议更换交换机。", "E01"),
                             now=start + timedelta(minutes=10))
    sync(e01)
    dossier_review.review(archive.db, number, verdict="reviewed", reviewer="王芳", comment="",
                          actor_code="CENTRE", now=start + timedelta(minutes=30))
    with pytest.raises(ValidationError) as bad:
        _answer(archive, "maybe", start + timedelta(minutes=40))
    assert bad.value.issues[0].zh == "请选择接受或不采纳该建议。"
    with pytest.raises(ValidationError) as nameless:
        _answer(archive, "accepted", start + timedelta(minutes=40), name=" ")
    assert nameless.value.issues[0].field == "customer_name"
    with archive.db.read() as session:
        suggestion_id = session.scalar(select(ServiceSuggestion.id))
    other = uuid.uuid4()
    with pytest.raises(ValidationError):
        dossier.answer_suggestion(archive.db, other, suggestion_id, dossier.SuggestionAnswer(
            "accepted", "孙丽", "", account="x"), now=start + timedelta(minutes=40))
    with archive.db.read() as session:
        state = flow.suggestion_state(session, session.scalars(select(ServiceSuggestion)).one())
    assert state.status == "proposed" and len(state.steps) == 1
