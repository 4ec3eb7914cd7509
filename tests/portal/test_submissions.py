"""What a customer sends from the portal is a normal record: core-validated, numbered,
on the change feed for the service centre, and shown back with its number."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from fieldapp.archive.models import Change, Received
from fieldapp.documents.labels import CHANNELS as DOCUMENT_CHANNELS
from fieldapp.rules.validation import CHANNEL_LABELS, CHANNELS, DESK_CHANNELS
from fieldapp.sla import ClockKind, RequestFacts, ServiceCalendar, SlaTerms, clocks_for_request
from fieldapp.store.workflow_models import Complaint
from tests.portal.site import Site, form_token, logged_in


@pytest.fixture(scope="module")
def a(site: Site) -> Iterator[httpx.Client]:
    client = logged_in(site, "port")
    yield client
    client.close()


def test_portal_is_a_channel_with_labels_everywhere_but_not_offered_at_the_desk():
    assert "portal" in CHANNELS and "portal" not in DESK_CHANNELS
    assert CHANNEL_LABELS["portal"] == ("网页", "Web portal")
    assert DOCUMENT_CHANNELS["portal"] == ("网页", "Web portal")


def test_a_portal_request_runs_the_letter_answer_clock():
    asked = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Tianjin
    (clock,) = clocks_for_request(RequestFacts(channel="portal", requested_at=asked),
                                  SlaTerms(), ServiceCalendar(), asked)
    assert clock.kind is ClockKind.LETTER_ANSWER


def test_a_complaint_is_numbered_routed_and_put_on_the_feed(site: Site, a: httpx.Client):
    token = form_token(a.get("/portal/complaints-new").text)
    answer = a.post("/portal/complaints-new", data={
        "csrf": token, "about": "account_manager", "description": "客户经理两天没有回电话"})
    assert answer.status_code == 200
    number = answer.text.split("投诉已受理，编号 ")[1].split("。")[0]
    with site.archive.db.read() as session:
        complaint = session.scalar(select(Complaint).where(Complaint.number == number))
        assert complaint is not None
        assert (complaint.received_via, complaint.routed_to, complaint.recorded_by) == (
            "portal", "service_centre", "WEB")
        assert session.scalar(select(Change.seq).where(Change.record_id == complaint.id))
        received = session.scalar(select(Received).where(Received.record_id == complaint.id))
        assert received is not None and received.device_id is None
    listing = a.get("/portal/complaints").text
    assert number in listing and "已受理，待答复" in listing


def test_a_complaint_without_a_description_is_refused_with_the_cores_message(
        site: Site, a: httpx.Client):
    token = form_token(a.get("/portal/complaints-new").text)
    answer = a.post("/portal/complaints-new", data={"csrf": token, "about": "engineer",
                                                     "description": "  "})
    assert answer.status_code == 422
    assert "请填写投诉内容" in answer.text and "请选择被投诉的工程师" in answer.text


def test_a_device_of_another_customer_is_refused(site: Site, a: httpx.Client):
    b = logged_in(site, "hospital")
    their_device = b.get("/portal/requests-new").text.split('<option value="')[2].split('"')[0]
    b.close()
    token = form_token(a.get("/portal/requests-new").text)
    answer = a.post("/portal/requests-new", data={
        "csrf": token, "fault": "无法开机", "contact_name": "孙丽", "device_id": their_device})
    assert answer.status_code == 422 and "请从列表中选择设备" in answer.text


def test_a_customer_asks_for_a_report_and_downloads_it_but_no_one_else_can(site: Site,
                                                                          a: httpx.Client):
    page = a.get("/portal/reports")
    answer = a.post("/portal/reports", data={"csrf": form_token(page.text),
                                             "period_start": "2026-01-01",
                                             "period_end": "2026-12-31"})
    assert answer.status_code == 200 and "已收到您的申请" in answer.text
    link = re.search(r'href="(/portal/reports/([0-9a-f-]{36})/download)"', answer.text)
    assert link is not None and "应客户要求的报告" in answer.text
    pdf = a.get(link.group(1))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content,
                              capture_output=True, check=True).stdout.decode()
        assert "服务分析报告" in text and "天津港信息中心" in text
    other = logged_in(site, "hospital")
    try:
        assert other.get(link.group(1)).status_code == 404
        assert link.group(2) not in other.get("/portal/reports").text
    finally:
        other.close()


def test_a_reversed_report_period_is_refused_and_nothing_is_made(a: httpx.Client):
    page = a.get("/portal/reports")
    before = page.text.count("/download")
    answer = a.post("/portal/reports", data={"csrf": form_token(page.text),
                                             "period_start": "2026-06-30",
                                             "period_end": "2026-01-01"})
    assert answer.status_code == 422 and "结束日期不能早于开始日期" in answer.text
    assert a.get("/portal/reports").text.count("/download") == before


def test_the_repairs_page_shows_a_device_in_the_workshop_with_its_state(a: httpx.Client):
    page = a.get("/portal/repairs").text
    assert "P-E07-" in page and "已报价，待客户确认" in page and "硬件维修" in page


def test_no_person_can_take_the_portals_operator_code(site: Site):
    from fieldapp.base.errors import ValidationError
    from fieldapp.base.ids import is_valid_operator_code
    from fieldapp.records.reference import create_engineer

    assert not is_valid_operator_code("WEB") and is_valid_operator_code("WEB1")
    with pytest.raises(ValidationError) as refused, site.archive.db.write() as session:
        create_engineer(session, code="WEB", name="网页")
    assert refused.value.issues[0].code == "reserved"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
@pytest.mark.parametrize("language, word", [("zh", "网页"), ("en", "Web portal")])
def test_a_copy_of_a_portal_requests_slip_names_the_channel(tmp_path, language: str, word: str):
    import subprocess

    from fieldapp.documents.sample import sample_company, sample_slip
    from fieldapp.documents.slip_pdf import render_slip_pdf

    pdf = tmp_path / "copy.pdf"
    pdf.write_bytes(render_slip_pdf(sample_slip(channel="portal"), sample_company(),
                                    language=language))  # type: ignore[arg-type]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert word in text
