"""A customer answers a repair quotation (维修报价单, R3.2) on the portal: their own repairs
only, a CSRF-protected form, the core's rules (one answer, to the estimate shown), and the
answer is a `repair.confirmed` event on the change feed with who and when."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import exists, select

from fieldapp.archive.models import Change, Received
from fieldapp.base.timeutil import utcnow
from fieldapp.records.events import SignatureInput
from fieldapp.records.reference import engineer_by_code
from fieldapp.rules.validation import FeeLineInput
from fieldapp.store.models import Customer, ServiceRequest, Slip
from fieldapp.store.workflow_models import Event
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import repair
from tests.portal.site import CUSTOMER_A, Site, form_token, logged_in

LINES = (FeeLineInput("parts", "主板", Decimal(1), Decimal("480.00")),
         FeeLineInput("labour", "更换工时", Decimal("1.5"), Decimal("80.00")))


def _estimated_repair(site: Site, *, lapsed: bool = False) -> tuple[uuid.UUID, uuid.UUID]:
    """A fresh repair of customer A with a two-line estimate valid a week (`lapsed`: made
    and run out just after the request): (repair id, estimate id)."""
    now = utcnow()
    with site.archive.db.write() as session:
        customer = session.scalar(select(Customer.id).where(Customer.code == CUSTOMER_A))
        request = session.scalars(select(ServiceRequest).where(
            ServiceRequest.customer_id == customer, ServiceRequest.status == "assigned",
            ~exists().where(Slip.request_id == ServiceRequest.id))
            .order_by(ServiceRequest.requested_at)).first()  # the oldest: it may lapse
        assert request is not None
        at = max(request.requested_at, now - timedelta(minutes=60))
        if lapsed:
            at = request.requested_at
            assert at + timedelta(minutes=28) < now
        order = repair.open_repair(session, request, engineer_by_code(session, "E07"),
                                   repair.RepairIntake(
            company_contact="孙丽", fault_description="主板故障", received_at=at,
            arrived_at=at + timedelta(minutes=5), departed_at=at + timedelta(minutes=25),
            engineer_signature=SignatureInput("刘洋", signature_strokes(4), PAD_WIDTH,
                                              PAD_HEIGHT)), now=now)
        made = at + timedelta(minutes=26) if lapsed else now
        event = repair.estimate_repair(
            session, order, lines=[repair.EstimateLine.of(line) for line in LINES],
            expected_ready_at=made + timedelta(days=1),
            valid_until=made + (timedelta(minutes=1) if lapsed else timedelta(days=7)),
            estimated_by="维修部 王工", actor_code="E07", occurred_at=made, now=now)
        return order.id, event.id


@pytest.fixture(scope="module")
def a(site: Site) -> Iterator[httpx.Client]:
    client = logged_in(site, "port")
    yield client
    client.close()


def _answer(client: httpx.Client, repair_id: uuid.UUID, **data: str) -> httpx.Response:
    token = form_token(client.get(f"/portal/repairs/{repair_id}").text)
    return client.post(f"/portal/repairs/{repair_id}/answer", data={"csrf": token, **data})


def test_the_customer_sees_the_quotation_and_downloads_it(site: Site, a: httpx.Client):
    repair_id, estimate_id = _estimated_repair(site)
    page = a.get(f"/portal/repairs/{repair_id}").text
    for expected in ("维修报价单", "主板", "更换工时", "¥480.00", "¥120.00", "¥600.00",
                     "报价有效期至", "同意按以上报价维修", "不同意维修", str(estimate_id)):
        assert expected in page, expected
    assert f"/portal/repairs/{repair_id}" in a.get("/portal/repairs").text
    pdf = a.get(f"/portal/repairs/{repair_id}/estimate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"


def test_an_approval_is_recorded_as_the_customers_event_and_put_on_the_feed(
        site: Site, a: httpx.Client):
    repair_id, estimate_id = _estimated_repair(site)
    answer = _answer(a, repair_id, decision="approved", confirmed_by="孙丽",
                     estimate_id=str(estimate_id))
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/portal/repairs/{repair_id}?answered=approved"
    with site.archive.db.read() as session:
        event = session.scalar(select(Event).where(Event.subject_id == repair_id,
                                                   Event.kind == "repair.confirmed"))
        assert event is not None and event.actor_code == "WEB"
        payload = json.loads(event.payload)
        assert (payload["decision"], payload["method"], payload["confirmed_by"]) == (
            "approved", "portal", "孙丽")
        assert payload["estimate_id"] == str(estimate_id) and "port" in payload["note"]
        assert session.scalar(select(Change.seq).where(Change.record_id == event.id))
        assert session.scalar(select(Received).where(Received.record_id == event.id))
    page = a.get(f"/portal/repairs/{repair_id}?answered=approved").text
    assert "已收到您的确认：同意维修" in page and "确认人姓名" not in page  # no form now
    again = _answer(a, repair_id, decision="refused", confirmed_by="孙丽",
                    estimate_id=str(estimate_id))
    assert again.status_code == 422 and "客户已确认过此送修单" in again.text


def test_a_decline_needs_a_name_and_then_leads_to_return_unrepaired(
        site: Site, a: httpx.Client):
    repair_id, estimate_id = _estimated_repair(site)
    nameless = _answer(a, repair_id, decision="refused", confirmed_by=" ",
                       estimate_id=str(estimate_id))
    assert nameless.status_code == 422 and "网上确认须有确认人姓名" in nameless.text
    assert _answer(a, repair_id, decision="refused", confirmed_by="孙丽",
                   estimate_id=str(estimate_id)).status_code == 303
    with site.archive.db.read() as session:
        order = repair.get_repair(session, repair_id)
        assert repair.repair_state(session, order).status == "refused"


def test_an_answer_to_a_changed_estimate_is_refused(site: Site, a: httpx.Client):
    repair_id, _ = _estimated_repair(site)
    stale = _answer(a, repair_id, decision="approved", confirmed_by="孙丽",
                    estimate_id=str(uuid.uuid4()))
    assert stale.status_code == 422 and "报价已更新，请按最新的报价单确认" in stale.text


def test_a_lapsed_quotation_offers_no_approval(site: Site, a: httpx.Client):
    repair_id, estimate_id = _estimated_repair(site, lapsed=True)
    page = a.get(f"/portal/repairs/{repair_id}").text
    assert "本报价已过有效期" in page and "同意按以上报价维修" not in page
    late = _answer(a, repair_id, decision="approved", confirmed_by="孙丽",
                   estimate_id=str(estimate_id))
    assert late.status_code == 422 and "报价已过有效期" in late.text


def test_a_post_without_the_form_token_changes_nothing(site: Site, a: httpx.Client):
    repair_id, estimate_id = _estimated_repair(site)
    refused = a.post(f"/portal/repairs/{repair_id}/answer", data={
        "decision": "approved", "confirmed_by": "孙丽", "estimate_id": str(estimate_id)})
    assert refused.status_code == 403
    with site.archive.db.read() as session:
        order = repair.get_repair(session, repair_id)
        assert repair.repair_state(session, order).status == "estimated"


def test_another_customers_repair_is_not_found(site: Site, a: httpx.Client):
    repair_id, estimate_id = _estimated_repair(site)
    b = logged_in(site, "hospital")
    try:
        assert b.get(f"/portal/repairs/{repair_id}").status_code == 404
        assert b.get(f"/portal/repairs/{repair_id}/estimate.pdf").status_code == 404
        token = form_token(b.get("/portal/requests-new").text)
        answer = b.post(f"/portal/repairs/{repair_id}/answer", data={
            "csrf": token, "decision": "approved", "confirmed_by": "X",
            "estimate_id": str(estimate_id)})
        assert answer.status_code == 404
    finally:
        b.close()
    with site.archive.db.read() as session:
        order = repair.get_repair(session, repair_id)
        assert repair.repair_state(session, order).status == "estimated"
