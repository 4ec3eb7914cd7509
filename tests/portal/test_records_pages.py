"""What the portal owes a customer beyond requests and slips (issue 20 item 7): a
complaint's responses and its feedback report (R5.3), a repair's progress and its send-in
copies (R3.1, R3.3) — each only the customer's own, another customer's answering the
same 404 as a missing one — and a draft slip shown as 处理中 without the figures that
are not facts until both have signed. The group dossier (R2.5): test_dossier.py."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from fieldapp.base.timeutil import utcnow
from fieldapp.records import service_requests
from fieldapp.records.events import SignatureInput
from fieldapp.records.reference import engineer_by_code
from fieldapp.store.models import Customer, Device, ServiceRequest, Slip
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import complaints, repair
from tests.portal.site import CUSTOMER_A, Site, logged_in

MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def a(site: Site) -> Iterator[httpx.Client]:
    client = logged_in(site, "port")
    yield client
    client.close()


@pytest.fixture(scope="module")
def b(site: Site) -> Iterator[httpx.Client]:
    client = logged_in(site, "hospital")
    yield client
    client.close()


def _pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) missing")
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def _signature(name: str) -> SignatureInput:
    return SignatureInput(name, signature_strokes(4), PAD_WIDTH, PAD_HEIGHT)


def _complaint(site: Site, *, closed: bool) -> uuid.UUID:
    """A complaint of customer A with one response from the centre (and closed)."""
    now = utcnow()
    with site.archive.db.write() as session:
        customer = session.scalar(select(Customer).where(Customer.code == CUSTOMER_A))
        assert customer is not None
        made = complaints.open_complaint(
            session, customer=customer, about="engineer", description="工程师迟到两小时",
            received_via="phone", received_at=now - timedelta(hours=3), recorded_by="C01",
            subject_name="刘洋", now=now)
        complaints.respond_to_complaint(
            session, made, response="已核实，向您致歉，已对工程师进行培训", responder="客服 王敏",
            actor_code="C01", occurred_at=now - timedelta(hours=2), now=now)
        if closed:
            complaints.close_complaint(session, made, closed_by="客服 王敏", actor_code="C01",
                                       outcome="客户接受道歉", customer_satisfied=True,
                                       occurred_at=now - timedelta(hours=1), now=now)
        return made.id


def test_a_complaint_shows_the_centres_response_and_its_feedback_report(
        site: Site, a: httpx.Client, b: httpx.Client):
    complaint_id = _complaint(site, closed=True)
    assert f"/portal/complaints/{complaint_id}" in a.get("/portal/complaints").text
    page = a.get(f"/portal/complaints/{complaint_id}").text
    for expected in ("工程师迟到两小时", "已核实，向您致歉", "客服 王敏", "客户接受道歉",
                     "下载投诉反馈报告"):
        assert expected in page, expected
    pdf = a.get(f"/portal/complaints/{complaint_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "投诉反馈报告" in text and "已核实" in text
    for other in (f"/portal/complaints/{complaint_id}",
                  f"/portal/complaints/{complaint_id}/report.pdf"):
        assert b.get(other).status_code == 404
    assert a.get(f"/portal/complaints/{MISSING}").status_code == 404
    assert a.get("/portal/complaints/not-an-id").status_code == 404


def test_an_open_complaint_has_its_response_but_no_report_yet(site: Site, a: httpx.Client):
    complaint_id = _complaint(site, closed=False)
    page = a.get(f"/portal/complaints/{complaint_id}").text
    assert "已核实，向您致歉" in page and "投诉处理完毕后可下载投诉反馈报告" in page
    assert a.get(f"/portal/complaints/{complaint_id}/report.pdf").status_code == 404


def _returned_repair(site: Site) -> uuid.UUID:
    """A repair of customer A taken through estimate, approval, repair and return, on a
    request of its own (a returned repair ends its request), left unassigned so that
    test_estimates' choice of an assigned request never falls on it."""
    now = utcnow()
    with site.archive.db.write() as session:
        customer = session.scalar(select(Customer).where(Customer.code == CUSTOMER_A))
        assert customer is not None
        device = session.scalars(select(Device).where(Device.customer_id == customer.id)
                                 ).first()
        engineer = engineer_by_code(session, "E07")
        request = service_requests.take_request(
            session, operator_code="C01", customer=customer, intake_channel="phone",
            service_kind="onsite", hardware_fault=True, fault_reported="交换机无法开机",
            requested_at=now - timedelta(minutes=120), contact_name="孙丽", device=device,
            answered_at=now - timedelta(minutes=119), now=now)
        at = max(request.requested_at, now - timedelta(minutes=90))
        order = repair.open_repair(session, request, engineer, repair.RepairIntake(
            company_contact="孙丽", fault_description="电源模块烧毁", received_at=at,
            arrived_at=at + timedelta(minutes=5), departed_at=at + timedelta(minutes=25),
            engineer_signature=_signature("刘洋")), now=now)
        steps = iter(at + timedelta(minutes=30 + 5 * n) for n in range(6))
        repair.estimate_repair(session, order, cost_fen=32000,
                               expected_ready_at=now + timedelta(hours=2),
                               estimated_by="维修部 王工", actor_code="E07",
                               occurred_at=next(steps), now=now)
        repair.confirm_repair(session, order, approved=True, method="phone",
                              confirmed_by="孙丽", actor_code="E07",
                              occurred_at=next(steps), now=now)
        repair.start_repair(session, order, actor_code="E07", occurred_at=next(steps), now=now)
        repair.finish_repair(session, order, work_done="更换电源模块", actor_code="E07",
                             occurred_at=next(steps), now=now)
        repair.return_repair(session, order, final_fee_fen=32000,
                             customer_signature=_signature("孙丽"), actor_code="E07",
                             occurred_at=next(steps), now=now)
        return order.id


def test_a_repair_shows_its_progress_and_both_send_in_copies(
        site: Site, a: httpx.Client, b: httpx.Client):
    repair_id = _returned_repair(site)
    page = a.get(f"/portal/repairs/{repair_id}").text
    for expected in ("维修进度", "接收设备", "客户同意维修", "开始维修", "修复完成", "交付客户",
                     "下载送修单", "下载送修返还单"):
        assert expected in page, expected
    intake = a.get(f"/portal/repairs/{repair_id}/intake.pdf")
    assert intake.status_code == 200
    assert "送修单" in _pdf_text(intake.content)
    back = a.get(f"/portal/repairs/{repair_id}/return.pdf")
    assert back.status_code == 200
    assert "送修返还单" in _pdf_text(back.content)
    for path in ("", "/intake.pdf", "/return.pdf"):
        assert b.get(f"/portal/repairs/{repair_id}{path}").status_code == 404
    assert a.get(f"/portal/repairs/{repair_id}/other.pdf").status_code == 404


def test_a_repair_not_yet_returned_has_no_return_copy(site: Site, a: httpx.Client):
    with site.archive.db.read() as session:  # the site's estimated repair (tests/portal/site)
        customer = session.scalar(select(Customer.id).where(Customer.code == CUSTOMER_A))
        orders = [o for o in session.scalars(select(repair.RepairOrder).join(ServiceRequest)
                                             .where(ServiceRequest.customer_id == customer))
                  if not repair.repair_state(session, o).finished]
    assert orders
    page = a.get(f"/portal/repairs/{orders[0].id}").text
    assert "下载送修单" in page and "下载送修返还单" not in page
    assert a.get(f"/portal/repairs/{orders[0].id}/return.pdf").status_code == 404


def _draft_slip(site: Site) -> Slip:
    """A draft of customer A with the most filled in (times, result, fees) to hide."""
    with site.archive.db.read() as session:
        drafts = session.scalars(
            select(Slip).join(ServiceRequest).join(Customer)
            .where(Customer.code == CUSTOMER_A, Slip.seal.is_(None))).all()
        assert drafts, "the demo has draft slips of customer A"
        slip = max(drafts, key=lambda s: (s.request.device_id is not None,
                                          s.arrived_at is not None, bool(s.fault_found),
                                          s.total_fen))
        assert slip.request is not None and slip.fee_lines is not None
        session.expunge_all()
        return slip


def test_a_draft_slip_shows_in_progress_without_its_figures(site: Site, a: httpx.Client,
                                                            b: httpx.Client):
    slip = _draft_slip(site)
    page = a.get(f"/portal/slips/{slip.id}").text
    assert "处理中" in page and slip.number in page
    for hidden in ("费用合计", "¥", "时间线", "到达", "现场故障描述", "处理方式"):
        assert hidden not in page, hidden
    if slip.fault_found:
        assert slip.fault_found not in page
    assert a.get(f"/portal/slips/{slip.id}/copy.pdf").status_code == 404
    assert b.get(f"/portal/slips/{slip.id}").status_code == 404
    request_page = a.get(f"/portal/requests/{slip.request_id}").text
    assert slip.number in request_page and "处理中" in request_page
    # search finds facts only: not a draft by its number, nor by what it says so far
    for term in (slip.number, slip.fault_found):
        if term:
            found = a.get("/portal/search", params={"q": term}).text
            assert f"/portal/slips/{slip.id}" not in found
    if slip.request.device_id is not None:  # the device's story: the same 处理中
        story = a.get(f"/portal/devices/{slip.request.device_id}").text
        row = re.search(rf"<tr>(?:(?!</tr>).)*{slip.number}.*?</tr>", story, re.S)
        assert row is not None and "处理中" in row.group(0)
        if slip.fault_found:
            assert slip.fault_found not in row.group(0)
