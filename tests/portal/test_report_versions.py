"""The portal shows a living report (issue 20 item 2) as its customer would read it: the
latest version with what changed, the history of versions each as its own PDF, and the
periodic reports that wait for enough data (数据不足) with the reason. Other customers'
versions answer 404 like everything else of theirs. Own archive: this test adds records."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from fieldapp.archive.models import User
from fieldapp.archive.portal.submissions import submit_request
from fieldapp.archive.reports import request_report
from fieldapp.archive.reports.models import ReportSkip
from fieldapp.archive.reports.versions import revise_due
from fieldapp.base.timeutil import to_local, utcnow
from fieldapp.store.models import Customer
from tests.portal.site import CUSTOMER_A, Site, logged_in, portal_site


@pytest.fixture(scope="module")
def own_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with portal_site(tmp_path_factory.mktemp("portal-versions"), portal_ip_failures=1000,
                     portal_verify_per_minute=0) as running:
        yield running


@pytest.fixture(scope="module")
def revised(own_site: Site) -> str:
    """A report of customer A made, then a request of its period that came in later, then
    the run that re-issued it; the report's id."""
    db = own_site.archive.db
    now = utcnow()
    today = to_local(now).date()
    with db.write() as session:
        customer = session.scalar(select(Customer).where(Customer.code == CUSTOMER_A))
        report = request_report(session, customer.id, today - timedelta(days=30), today,
                                "孙丽", now=now)
        report_id, customer_id = str(report.id), customer.id
        session.add(ReportSkip(customer_id=customer_id, kind="yearly",
                               period_start=today.replace(month=1, day=1) - timedelta(days=365),
                               period_end=today.replace(month=1, day=1) - timedelta(days=1),
                               covered_days=61, period_days=365, requests=4,
                               min_coverage_percent=50, min_requests=1, checked_at=now))
    with db.read() as session:
        port = session.scalar(select(User).where(User.name == "port"))
    submit_request(db, user=port, customer_id=customer_id, fault="扫描仪无法连接",
                   contact_name="孙丽", contact_phone="", device_id="", now=utcnow())
    with db.write() as session:
        assert [str(r.id) for r in revise_due(session, today, 366, utcnow())] == [report_id]
    return report_id


@pytest.fixture(scope="module")
def port(own_site: Site) -> Iterator[httpx.Client]:
    client = logged_in(own_site, "port")
    yield client
    client.close()


def test_the_latest_version_says_what_changed_and_the_history_lists_every_version(
        port: httpx.Client, revised: str):
    page = port.get("/portal/reports").text
    assert "第 2 版（已修订）" in page and "版本记录（2）" in page
    assert re.search(r"本版变更：服务请求 (\d+)→(\d+)", page)
    assert re.search(r'第 1 版</strong> <span class="muted">[^<]+</span>：首次出具', page)
    for version in ("", "?version=1", "?version=2"):
        pdf = port.get(f"/portal/reports/{revised}/download{version}")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), version
    if shutil.which("pdftotext"):
        latest = subprocess.run(["pdftotext", "-", "-"], capture_output=True, check=True,
                                input=port.get(f"/portal/reports/{revised}/download").content
                                ).stdout.decode()
        first = subprocess.run(["pdftotext", "-", "-"], capture_output=True, check=True,
                               input=port.get(f"/portal/reports/{revised}/download?version=1"
                                              ).content).stdout.decode()
        assert "第 2 版" in latest and "修订" in latest and "服务请求" in latest
        assert "第 2 版" not in first
    port.get("/portal/lang/en")
    try:
        english = port.get("/portal/reports").text
    finally:
        port.get("/portal/lang/zh")
    assert "Version 2 (revised)" in english and "What changed: requests" in english
    assert "Versions (2)" in english
    assert re.search(r'Version 1</strong> <span class="muted">[^<]+</span>: first issued', english)


def test_reports_waiting_for_data_are_shown_with_the_reason(port: httpx.Client, revised: str):
    page = port.get("/portal/reports").text
    assert "尚未出具的定期报告" in page and "数据不足" in page
    assert "本期在合同期内且有服务数据的天数 61/365（16%，需至少 50%）" in page


@pytest.mark.parametrize("version", ["3", "0", "-1", "x", "1.0", "999999"])
def test_a_version_that_does_not_exist_answers_404(port: httpx.Client, revised: str,
                                                   version: str):
    assert port.get(f"/portal/reports/{revised}/download",
                    params={"version": version}).status_code == 404


def test_another_customer_gets_404_for_every_version(own_site: Site, revised: str):
    other = logged_in(own_site, "hospital")
    try:
        for version in ("", "?version=1", "?version=2"):
            assert other.get(f"/portal/reports/{revised}/download{version}").status_code == 404
        assert revised not in other.get("/portal/reports").text
    finally:
        other.close()
