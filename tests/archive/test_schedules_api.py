"""The staff API for report schedules and living reports (issue 20 items 1 and 2): the
desktop reads and changes a contract's schedule, lists a report's versions and the
periodic reports waiting for enough data. Staff and admin only; what is wrong is one
zh/en message and nothing changes."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from fieldapp.archive.reports import end_of_day, run_due
from fieldapp.base.settings import Settings
from fieldapp.records import reference
from fieldapp.services import reports
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.errors import ServerError
from fieldapp.sync.rounds import run_sync_round
from tests.archive.report_data import History, at

API = "/api/v1"


@pytest.fixture
def staff(archive, laptops):
    laptop = laptops("centre")
    with laptop.store.write() as session:
        customer = reference.create_customer(session, code="TJPORT", name="天津港信息中心",
                                             account_manager="陈晓红")
        reference.add_contact(session, customer, name="刘洋", email="liuyang@tjport.cn")
        reference.create_contract(session, customer, number="FW-PORT-26",
                                  starts_on=date(2026, 11, 1), ends_on=date(2027, 10, 31))
    history = History(store=laptop.store)  # the archive's service data begins in October
    history.request(at=at("2026-10-05"), arrive_min=30, solve_min=60, device=0)
    assert run_sync_round(laptop.store, None, laptop.client).ok
    with httpx.Client(base_url=archive.url + API, timeout=10, headers={
            "Authorization": f"Bearer {laptop.client.token}"}) as http:
        yield http


def test_staff_read_and_change_a_contracts_schedule(staff):
    shown = staff.get("/schedules", params={"customer": "TJPORT"}).json()["schedules"]
    assert [(s["contract"], s["default"], s["min_coverage_percent"]) for s in shown] == [
        ("FW-PORT-26", True, 50)]
    assert shown[0]["recipients_in_effect"] == [
        {"zh": "刘洋 <liuyang@tjport.cn>", "en": "刘洋 <liuyang@tjport.cn>"},
        {"zh": "陈晓红（客户经理）", "en": "陈晓红 (account manager)"}]
    changed = staff.put("/schedules/FW-PORT-26", json={
        "kinds": ["half_yearly", "contract_end"], "min_requests": 5, "contract_end_days": 60,
        "updated_by": "陈晓红"})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["kinds"], body["min_requests"], body["contract_end_days"], body["default"],
            body["min_coverage_percent"]) == (["half_yearly", "contract_end"], 5, 60, False, 50)
    bad = staff.put("/schedules/FW-PORT-26", json={"min_coverage_percent": 101,
                                                   "updated_by": "陈晓红"})
    assert bad.status_code == 422 and "0 到 100" in bad.json()["error"]["zh"]
    assert staff.get("/schedules/FW-PORT-26").json()["min_requests"] == 5  # unchanged
    assert staff.get("/schedules/FW-NONE").status_code == 404
    assert staff.delete("/schedules/FW-PORT-26").json()["default"] is True


def test_engineers_may_not_see_or_change_schedules(archive, laptops, staff):
    engineer = laptops("e01")
    with httpx.Client(base_url=archive.url + API, timeout=10, headers={
            "Authorization": f"Bearer {engineer.client.token}"}) as http:
        for answer in (http.get("/schedules"), http.get("/reports/waiting"),
                       http.put("/schedules/FW-PORT-26", json={"updated_by": "x"})):
            assert answer.status_code == 403
            assert answer.json()["error"]["zh"].startswith("只有服务中心")


def test_versions_and_waiting_reports_through_the_api(archive, staff):
    with archive.db.write() as session:  # TJPORT has asked for nothing yet
        run_due(session, now=end_of_day(date(2027, 1, 1)))
    waiting = staff.get("/reports/waiting", params={"customer": "TJPORT"}).json()["waiting"]
    assert [(w["kind"], w["period_end"], w["covered_days"], w["period_days"], w["requests"])
            for w in waiting] == [("half_yearly", "2026-12-31", 61, 184, 0),
                                  ("quarterly", "2026-12-31", 61, 92, 0),
                                  ("yearly", "2026-12-31", 61, 365, 0)]
    assert waiting[1]["zh"].startswith("数据不足，暂不出具：本期在合同期内且有服务数据的天数 61/92")
    assert waiting[1]["en"].startswith("Not enough data yet: 61 of the period's 92 days")
    made = staff.post("/reports", json={"customer_code": "TJPORT", "period_start": "2026-11-01",
                                        "period_end": "2026-11-30", "requested_by": "刘洋"})
    listed = staff.get(f"/reports/{made.json()['id']}/versions").json()
    assert [(v["version"], v["change_zh"], v["requests"]) for v in listed["versions"]] == [
        (1, "", 0)]
    assert staff.get("/reports/no-such-report/versions").status_code == 404


def test_the_desktops_service_reads_and_saves_a_schedule(archive, laptops, tmp_path, staff):
    laptop = laptops("centre", name="centre-2")
    settings = Settings(tmp_path / "centre-settings.json")
    settings.set("archive_url", archive.url)

    def factory(url, _token):  # type: ignore[no-untyped-def]
        return ArchiveClient(url, laptop.client.token)

    (shown,) = reports.schedules(settings, "TJPORT", client_factory=factory)
    assert (shown.contract, shown.default, shown.kinds[0], shown.recipients_in_effect[-1]) == (
        "FW-PORT-26", True, "quarterly", ("陈晓红（客户经理）", "陈晓红 (account manager)"))
    saved = reports.save_schedule(settings, "FW-PORT-26", kinds=("yearly",),
                                  recipients=("刘洋 <liuyang@tjport.cn>", " "),
                                  min_coverage_percent=60, min_requests=2, contract_end_days=45,
                                  updated_by="陈晓红", client_factory=factory)
    assert (saved.kinds, saved.recipients, saved.min_coverage_percent, saved.default,
            saved.updated_by) == (("yearly",), ("刘洋 <liuyang@tjport.cn>",), 60, False, "陈晓红")
    with pytest.raises(ServerError) as refused:
        reports.save_schedule(settings, "FW-PORT-26", kinds=("weekly",), recipients=(),
                              min_coverage_percent=60, min_requests=2, contract_end_days=45,
                              updated_by="陈晓红", client_factory=factory)
    assert "未知的报告类型：weekly" in str(refused.value)
