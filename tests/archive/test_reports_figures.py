"""Service analysis reports: the figures in the CSV equal what the test recomputes in plain
Python from the records it made (through the core API, pushed through the archive's ingest)."""

from __future__ import annotations

import csv
import io
import math
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from fieldapp.archive.reports import request_report
from fieldapp.archive.reports.export import export_report
from fieldapp.base.errors import NotFound, ValidationError
from fieldapp.services import dossier
from fieldapp.store.models import Customer
from tests.archive.report_data import History, Made, archive_db, at, push
from tests.archive.servers import postgres_database, postgres_reason

Q3 = (date(2026, 7, 1), date(2026, 9, 30))
# R1 budgets in minutes with an always-open calendar: (target, tolerance cap)
BUDGET = {"phone": (5, 5), "letter": (720, 720), "onsite": (120, 180), "remote": (30, 30),
          "sendin": (240, 240)}
CLOCK = {"phone": "phone_answer", "letter": "letter_answer", "onsite": "onsite_arrival",
         "remote": "remote_resolution", "sendin": "repair_resolution"}
CHANNELS = ("onsite", "phone", "remote", "sendin", "letter")


def build(history: History) -> dict:
    """About forty requests in Q3 with varied times, plus what must not be counted."""
    import random

    rng = random.Random(20260701)
    start = at("2026-07-01", "08:30")
    for i in range(40):
        channel = CHANNELS[i % len(CHANNELS)]
        when = start + timedelta(days=i * 2.2, minutes=rng.randint(0, 400))
        fees = (("labour", "120"),) + ((("parts", "45.50"),) if i % 3 == 0 else ())
        if channel == "phone":
            history.request(channel="phone", at=when, answer_min=rng.randint(1, 9), device=None)
        elif channel == "letter":
            history.request(channel="letter", at=when, answer_min=rng.randint(60, 900),
                            device=None)
        elif channel == "onsite":
            arrive = rng.randint(40, 220)
            history.request(channel="onsite", at=when, arrive_min=arrive,
                            solve_min=arrive + rng.randint(10, 90), device=i % 4, fees=fees)
        elif channel == "remote":
            history.request(channel="remote", at=when, solve_min=rng.randint(10, 50),
                            device=i % 4, fees=(("labour", "80"),))
        else:
            history.request(channel="sendin", at=when, arrive_min=rng.randint(30, 90),
                            solve_min=rng.randint(120, 360), device=i % 4, fees=fees)
    open_one = history.request(channel="onsite", at=at("2026-09-20", "10:00"), device=5)
    history.request(channel="onsite", at=at("2026-09-21", "10:00"), arrive_min=50,
                    solve_min=90, device=5, fees=(("labour", "999"),), seal=False)  # unsigned
    history.escalate(open_one.number, open_one.requested_at + timedelta(hours=1))
    complaints = {
        "in_time": history.complaint(at=at("2026-08-03", "09:00"), answer_hours=3),
        "late": history.complaint(at=at("2026-08-10", "09:00"), answer_hours=30,
                                  about="engineer"),
        "open": history.complaint(at=at("2026-09-01", "09:00"), answer_hours=None),
    }
    history.archive_entry("device_tracking", "3 号打印机搓纸轮磨损，下季度更换", at("2026-08-01"))
    history.archive_entry("problem", "门诊楼网络打印服务器偶发脱机", at("2026-08-15"), device=1)
    history.archive_entry("suggestion", "建议为门诊楼增加一台备用打印机", at("2026-09-05"))
    # not this customer / not this period: must not be counted
    history.request(customer="HPLAW", channel="onsite", at=at("2026-08-05"), arrive_min=30,
                    solve_min=60, fees=(("labour", "500"),))
    history.request(channel="phone", at=at("2026-06-30", "23:50"), answer_min=2, device=None)
    history.request(channel="phone", at=at("2026-10-01", "00:10"), answer_min=2, device=None)
    return {"open": open_one, "complaints": complaints}


def _db_params() -> list:
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=_db_params())
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple]:
    folder = tmp_path_factory.mktemp(f"reports-{request.param}")
    history = History(folder / "laptop")
    extra = build(history)
    if request.param == "postgresql":
        reason = postgres_reason()
        if reason is not None:
            pytest.skip(reason)
        context = postgres_database()
        url = context.__enter__()
    else:
        context, url = None, None
    db = archive_db(folder, url)
    try:
        push(history.store, db)
        for waiting in dossier.pending(db):  # a report counts what the centre reviewed
            dossier.review(db, waiting.reference, verdict="reviewed", reviewer="王芳")
        with db.write() as session:
            customer = session.query(Customer).filter_by(code="TJH1").one()
            report = request_report(session, customer.id, *Q3, "孙丽（信息科）")
        yield history, db, report, extra
    finally:
        db.close()
        history.store.close()
        if context is not None:
            context.__exit__(None, None, None)


def in_q3(m: Made) -> bool:
    local = m.requested_at + timedelta(hours=8)
    return m.customer == "TJH1" and date(2026, 7, 1) <= local.date() <= date(2026, 9, 30)


def rank(values: list[int], p: float) -> int:
    values = sorted(values)
    return values[max(1, math.ceil(p / 100 * len(values))) - 1]


def minutes(a, b) -> int:
    return int((b - a).total_seconds() // 60)


def csv_table(data: bytes) -> dict[tuple[str, str, str], str]:
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["section", "item", "detail", "value"]
    return {(s, i, d): v for s, i, d, v in rows[1:]}


@pytest.fixture(scope="module")
def table(world) -> dict:
    _history, _db, report, _extra = world
    return csv_table(export_report(report, "csv"))


def test_requests_by_channel_and_month_match_the_records(world, table):
    history = world[0]
    expected = Counter(((m.requested_at + timedelta(hours=8)).strftime("%Y-%m"), m.channel)
                       for m in history.made if in_q3(m))
    for month in ("2026-07", "2026-08", "2026-09"):
        for channel in CHANNELS:
            assert table[("requests_by_month", month, channel)] == str(
                expected[(month, channel)]), (month, channel)
    assert table[("totals", "requests", "")] == str(sum(expected.values()))
    assert ("requests_by_month", "2026-06", "phone") not in table


def test_response_and_resolution_median_and_p90_match(world, table):
    made = [m for m in world[0].made if in_q3(m)]
    response = [minutes(m.requested_at, m.answered_at if m.channel in ("phone", "letter")
                        else m.arrived_at) for m in made
                if (m.answered_at if m.channel in ("phone", "letter") else m.arrived_at)]
    resolution = [minutes(m.requested_at, m.solved_at) for m in made if m.solved_at]
    assert table[("response_minutes", "count", "")] == str(len(response))
    assert table[("response_minutes", "median", "")] == str(rank(response, 50))
    assert table[("response_minutes", "p90", "")] == str(rank(response, 90))
    assert table[("resolution_minutes", "median", "")] == str(rank(resolution, 50))
    assert table[("resolution_minutes", "p90", "")] == str(rank(resolution, 90))


def test_sla_counts_per_clock_match_the_seed_budgets(world, table):
    """Every clock a request runs counts: an on-site, remote or send-in request taken
    before the intake channel existed was a phone call, so its answer clock counts too
    (not applicable when the answer time was never recorded but the work went on)."""
    expected: Counter[tuple[str, str]] = Counter()
    for m in (m for m in world[0].made if in_q3(m)):
        stop = {"phone": m.answered_at, "letter": m.answered_at, "onsite": m.arrived_at,
                "remote": m.solved_at, "sendin": m.solved_at}[m.channel]
        target, cap = BUDGET[m.channel]
        if stop is None:
            state = "breached"  # still running, long past its deadline
        elif minutes(m.requested_at, stop) <= target:
            state = "met"
        elif minutes(m.requested_at, stop) <= cap:
            state = "met_within_tolerance"
        else:
            state = "breached"
        expected[(CLOCK[m.channel], state)] += 1
        if m.channel in ("onsite", "remote", "sendin"):  # the phone call that asked
            later = m.arrived_at or m.solved_at
            expected[("phone_answer", "not_applicable" if later else "breached")] += 1
    for kind in CLOCK.values():
        for state in ("met", "met_within_tolerance", "breached", "not_applicable"):
            assert table[("sla", kind, state)] == str(expected[(kind, state)]), (kind, state)
    worst = [k for k in table if k[0] == "sla_worst"]
    assert worst and (("sla_worst", world[3]["open"].number, "onsite_arrival") in table)


def test_fees_count_sealed_slips_only_in_exact_yuan(world, table):
    fees: Counter[str] = Counter()
    for m in world[0].made:
        if in_q3(m):
            fees.update(m.fees_fen)
    assert table[("fees_yuan", "labour", "")] == f"{fees['labour'] / 100:.2f}"
    assert table[("fees_yuan", "parts", "")] == f"{fees['parts'] / 100:.2f}"
    assert table[("fees_yuan", "total", "")] == f"{sum(fees.values()) / 100:.2f}"


def test_complaints_escalations_devices_and_group_archive(world, table):
    assert table[("complaints", "total", "")] == "3"
    assert table[("complaints", "responded", "")] == "2"
    assert table[("complaints", "responded_in_time", "")] == "1"
    assert ("complaints", "late", world[3]["complaints"]["late"]) in table
    assert table[("escalations", "technical_requirement", "")] == "1"
    devices = Counter(m.device_serial for m in world[0].made if in_q3(m) and m.device_serial)
    _serial, top_count = devices.most_common(1)[0]
    top = [v for k, v in table.items() if k[0] == "top_devices"]
    assert max(map(int, top)) == top_count
    assert table[("group_archive", "device_tracking", "")] == "1"
    assert table[("group_archive", "suggestion", "")] == "1"


def test_pdf_embeds_the_cjk_font_and_prints_chinese_headings(world, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(export_report(world[2], "pdf", "zh"))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    cjk = [line for line in fonts.splitlines()[2:] if "TrueType" in line]
    assert cjk and all(" yes yes " in line for line in cjk), fonts
    assert "Helvetica" not in fonts
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for heading in ("服务分析报告", "天津市第一中心医院", "分析与建议", "服务时限达标情况",
                    "响应与解决时间分布", "客户投诉及处理", "故障最多的设备", "集团用户客户档案",
                    "建议为门诊楼增加一台备用打印机"):
        assert heading in text, heading


def test_english_pdf_has_english_headings(world, tmp_path):
    pdf = tmp_path / "report-en.pdf"
    pdf.write_bytes(export_report(world[2], "pdf", "en"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Service analysis report" in text and "Observations" in text


def test_the_same_request_again_returns_the_report_already_made(world):
    _history, db, report, _ = world
    with db.write() as session:
        customer = session.query(Customer).filter_by(code="TJH1").one()
        again = request_report(session, customer.id, *Q3, "孙丽（信息科）")
    assert again.id == report.id


@pytest.mark.parametrize("start,end,who,field", [
    (date(2026, 6, 30), date(2026, 4, 1), "孙丽", "period_end"),  # both days in the past
    (date(2099, 1, 1), date(2099, 3, 31), "孙丽", "period_start"),
    (date(2020, 1, 1), date(2026, 1, 1), "孙丽", "period_end"),
    (date(2026, 7, 1), date(2026, 9, 30), "  ", "requested_by"),
])
def test_a_bad_request_is_refused_with_the_field_and_changes_nothing(world, start, end, who,
                                                                     field):
    _history, db, _report, _ = world
    from fieldapp.archive.reports import list_reports

    with db.write() as session:
        before = len(list_reports(session))
        customer = session.query(Customer).filter_by(code="TJH1").one()
        with pytest.raises(ValidationError) as error:
            request_report(session, customer.id, start, end, who)
        assert [i.field for i in error.value.issues] == [field]
        assert error.value.zh and error.value.en
        assert len(list_reports(session)) == before


def test_an_unknown_customer_is_not_found(world):
    import uuid

    with world[1].write() as session, pytest.raises(NotFound):
        request_report(session, uuid.uuid4(), *Q3, "孙丽")
