"""Every total on a report's cover reconciles with its section — in the PDF's model and in
the CSV export alike — over a random service history (a seeded generator, a frozen clock):
a few hundred requests, slips, repairs with their fees, loaners, escalations and
complaints across two customers, some requests still open when the report is made.

The truth is kept beside: the fees the test charged (slips sealed by both signatures and
repairs' final fees) are the cover's 服务费用, and a still-open request reads "未结 N 小时" /
"open for N h" — never "超出" — and counts as a breach only once its deadline has passed.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import select

from fieldapp.archive.reports import request_report, staff_report
from fieldapp.archive.reports.document import report_document
from fieldapp.archive.reports.export import export_report
from fieldapp.archive.reports.figures import Figures
from fieldapp.archive.reports.labels import name
from fieldapp.archive.reports.models import Report
from fieldapp.base.i18n import LANGUAGES, Language
from fieldapp.base.money import format_yuan
from fieldapp.documents.report_model import ReportDocument, SectionView
from fieldapp.records import service_requests
from fieldapp.records.events import SignatureInput
from fieldapp.store.models import Customer, Engineer
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import repair
from fieldapp.workflows.loaners import add_loaner, get_loaner, issue_loaner
from tests.archive.report_data import History, archive_db, at, push

NOW = at("2026-10-15", "10:00")  # the frozen moment every report is made at
CUSTOMERS = ("TJH1", "HPLAW")
CHANNELS = ("onsite", "phone", "remote", "sendin", "letter")


def sig(name: str, seed: int = 1) -> SignatureInput:
    return SignatureInput(name, signature_strokes(seed), PAD_WIDTH, PAD_HEIGHT)


@dataclass
class Truth:
    """What the test charged and left open, per customer (local request day kept)."""

    fees_fen: dict[str, list[tuple[date, int]]] = field(default_factory=dict)
    open_requests: dict[str, datetime] = field(default_factory=dict)  # number -> requested


def _local_day(moment: datetime) -> date:
    return (moment + timedelta(hours=8)).date()


def _repair(history: History, number: str, rng: random.Random, loaner: str | None,
            start: datetime) -> int:
    """A send-in device through the workshop; the final fee charged (0 if none)."""
    with history.store.write() as session:
        request = service_requests.get_request(session, number)
        engineer = session.scalar(select(Engineer).where(Engineer.code == "E01"))
        order = repair.open_repair(session, request, engineer, repair.RepairIntake(
            company_contact="孙丽", fault_description="主板故障", received_at=start,
            arrived_at=start + timedelta(minutes=30), departed_at=start + timedelta(minutes=60),
            engineer_signature=sig("王磊")), now=start + timedelta(minutes=61))
        t = start + timedelta(hours=2)
        cost = rng.randint(50, 900) * 100 + rng.choice((0, 50))
        repair.estimate_repair(session, order, cost_fen=cost, expected_ready_at=t + timedelta(
            days=2), estimated_by="王强", actor_code="W01", occurred_at=t, now=t)
        fate = rng.random()
        if fate < 0.15:  # refused: the device goes back unrepaired, nothing charged
            repair.confirm_repair(session, order, approved=False, method="phone",
                                  confirmed_by="孙丽", actor_code="C01",
                                  occurred_at=t + timedelta(minutes=20))
            repair.close_refused_repair(session, order, customer_signature=sig("孙丽", 2),
                                        actor_code="E01", occurred_at=t + timedelta(hours=3))
            return 0
        repair.confirm_repair(session, order, approved=True, method="phone", confirmed_by="孙丽",
                              actor_code="C01", occurred_at=t + timedelta(minutes=20))
        if loaner is not None:
            issue_loaner(session, get_loaner(session, loaner), order,
                         engineer_signature=sig("王磊"), customer_signature=sig("孙丽", 2),
                         actor_code="C01", occurred_at=t + timedelta(minutes=30), goodwill=True)
        if fate < 0.3:  # still in the workshop
            return 0
        repair.start_repair(session, order, actor_code="W01", occurred_at=t + timedelta(hours=1))
        repair.finish_repair(session, order, work_done="更换主板", actor_code="W01",
                             occurred_at=t + timedelta(hours=20))
        final = cost if rng.random() < 0.7 else cost + rng.randint(1, 200) * 100
        repair.return_repair(session, order, final_fee_fen=final, customer_signature=sig("孙丽"),
                             actor_code="E01", occurred_at=t + timedelta(hours=26))
        return final


def build(history: History, rng: random.Random) -> Truth:
    truth = Truth(fees_fen={code: [] for code in CUSTOMERS})
    with history.store.write() as session:
        for i in range(12):
            add_loaner(session, asset_tag=f"LN-{i:02d}", device_class="printer", grade="A")
    loaners = [f"LN-{i:02d}" for i in range(12)]
    start = at("2026-06-25", "08:00")  # a few before the quarter: they must not count
    for _ in range(300):
        customer = rng.choice(CUSTOMERS)
        channel = rng.choice(CHANNELS)
        when = start + timedelta(minutes=rng.randint(0, 110 * 24 * 60))
        device = rng.randrange(6)
        fees: tuple[tuple[str, str], ...] = ()
        if rng.random() < 0.6:
            fees = tuple((kind, f"{rng.randint(1, 500)}.{rng.choice(('00', '50', '05'))}")
                         for kind in rng.sample(("labour", "parts", "travel"), rng.randint(1, 2)))
        sealed = rng.random() < 0.9
        if channel in ("phone", "letter"):
            answer = rng.randint(1, 20) if channel == "phone" else rng.randint(30, 1000)
            history.request(customer=customer, channel=channel, at=when, answer_min=answer,
                            device=None)
            continue
        if channel == "remote" and rng.random() < 0.15:  # left open: no slip yet
            made = history.request(customer=customer, channel="remote", at=when,
                                   answer_min=rng.randint(1, 10), device=device)
            truth.open_requests[made.number] = when
            if rng.random() < 0.5:
                history.escalate(made.number, when + timedelta(hours=2))
            continue
        if channel == "sendin" and rng.random() < 0.5:
            made = history.request(customer=customer, channel="sendin", at=when,
                                   answer_min=rng.randint(1, 10), device=device)
            fee = _repair(history, made.number, rng, loaners.pop() if loaners and
                          rng.random() < 0.5 else None, when)
            if fee:  # returned: the 4-hour clock stopped when the device came back
                truth.fees_fen[customer].append((_local_day(when), fee))
            else:  # still in the workshop, no slip solves it: the clock runs
                truth.open_requests[made.number] = when
            continue
        arrive = rng.randint(10, 400)
        solve = arrive + rng.randint(5, 300) if rng.random() < 0.85 else None
        made = history.request(customer=customer, channel=channel, at=when, arrive_min=arrive,
                               solve_min=solve, device=device, fees=fees, seal=sealed,
                               answer_min=rng.choice((None, rng.randint(1, 10))))
        if solve is None:
            truth.open_requests[made.number] = when
        if sealed:
            for _kind, amount in fees:
                truth.fees_fen[customer].append((_local_day(when),
                                                 int(Decimal(amount) * 100)))
    for _ in range(25):  # answered by NOW at the latest
        when = start + timedelta(minutes=rng.randint(0, 105 * 24 * 60))
        history.complaint(customer=rng.choice(CUSTOMERS), at=when,
                          answer_hours=rng.choice((None, 2, 10, 30, 70)),
                          about=rng.choice(("service_event", "engineer")))
    # open, but only ten minutes old: running, not breached
    fresh = history.request(customer="TJH1", channel="remote", at=NOW - timedelta(minutes=10),
                            device=0)
    truth.open_requests[fresh.number] = fresh.requested_at
    return truth


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[Report], Truth]]:
    folder = tmp_path_factory.mktemp("reconcile")
    with time_machine.travel(NOW, tick=False):
        history = History(folder / "laptop", now=NOW)
        try:
            truth = build(history, random.Random(20261015))
            db = archive_db(folder)
            push(history.store, db, NOW)
            reports = []
            with db.write() as session:
                for code in CUSTOMERS:
                    customer = session.scalar(select(Customer).where(Customer.code == code))
                    reports.append(request_report(session, customer.id, date(2026, 7, 1),
                                                  date(2026, 9, 30), "孙丽", now=NOW))
                    report, made = staff_report(session, code, date(2026, 6, 1),
                                                date(2026, 10, 15), "服务中心", now=NOW)
                    assert made
                    reports.append(report)
                session.expunge_all()
            db.close()
        finally:
            history.store.close()
    yield reports, truth


def _section(doc: ReportDocument, number: str) -> SectionView:
    return next(s for s in doc.sections if s.title.startswith(number))


def _rows(section: SectionView) -> dict[str, str]:
    assert section.table is not None
    return {row[0]: row[-1] for row in section.table.rows}


TEXT = {  # (zh, en) words the checks look for
    "requests": ("服务请求", "Requests"), "slips": ("服务单", "Slips"),
    "sla": ("时限达标率", "SLA met"), "median": ("响应时间中位数", "Median response"),
    "escalations": ("服务升级", "Escalations"), "complaints": ("客户投诉", "Complaints"),
    "repairs": ("送修 / 备机", "Repairs / loaners"), "fees": ("服务费用", "Fees"),
    "orders": ("硬件送修单", "Repair orders"),
    "loaners": ("提供同档次备机", "Same-class loaners issued"),
    "repair_fees": ("维修费用", "Repair fees"), "response": ("响应时间", "Response time"),
    "total": ("合计", "Total"), "subtotal": ("服务单费用小计", "Slip fees subtotal"),
    "repair_line": ("维修费用（见第四节）", "Repair fees (see section 4)"),
    "complaints_total": ("投诉总数", "Complaints"),
}
SECTIONS = {"requests": ("一、", "1."), "sla": ("二、", "2."), "times": ("三、", "3."),
            "repairs": ("四、", "4."), "complaints": ("五、", "5."), "fees": ("六、", "6.")}


def _yuan(text: str) -> int:
    """format_yuan's text back to fen."""
    digits = "".join(c for c in text if c.isdigit() or c == ".")
    return int(Decimal(digits) * 100)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_cover_total_reconciles_with_its_section_in_the_pdf_model(world, language):
    reports, _truth = world
    i = LANGUAGES.index(language)
    w = {key: pair[i] for key, pair in TEXT.items()}
    for report in reports:
        fig = Figures.from_json(report.figures)
        doc = report_document(fig, number="R", kind=report.kind, reason="", language=language)
        cover = dict(doc.key_figures)
        sec = {key: _section(doc, pair[i]) for key, pair in SECTIONS.items()}
        assert fig.requests_total > 20, "the random history reached this report"

        table = sec["requests"].table
        assert table is not None
        assert int(cover[w["requests"]]) == sum(int(r[-2]) for r in table.rows) == sum(
            int(c) for r in table.rows for c in r[1:-2])
        assert int(cover[w["slips"]]) == sum(int(r[-1]) for r in table.rows)

        sla = sec["sla"].table
        assert sla is not None
        met, tolerance, breached = (sum(int(r[c]) for r in sla.rows) for c in (1, 2, 3))
        with_verdict = met + tolerance + breached
        assert cover[w["sla"]] == f"{100 * (with_verdict - breached) / with_verdict:.1f}%"

        times = {row[0]: row for row in sec["times"].table.rows}  # type: ignore[union-attr]
        assert cover[w["median"]] == times[w["response"]][2]

        repairs = _rows(sec["repairs"])
        escalation_rows = list(repairs.values())[6:]  # after the six repair and loaner rows
        assert int(cover[w["escalations"]]) == sum(int(v) for v in escalation_rows)
        assert cover[w["repairs"]] == f"{repairs[w['orders']]} / {repairs[w['loaners']]}"
        assert int(_rows(sec["complaints"])[w["complaints_total"]]) == int(
            cover[w["complaints"]])

        fees = _rows(sec["fees"])
        kinds = list(fees.values())[:-3]
        assert _yuan(fees[w["subtotal"]]) == sum(_yuan(v) for v in kinds)
        assert fees[w["repair_line"]] == repairs[w["repair_fees"]]
        assert _yuan(fees[w["total"]]) == _yuan(fees[w["subtotal"]]) + _yuan(
            fees[w["repair_line"]])
        assert cover[w["fees"]] == fees[w["total"]] == format_yuan(fig.fees_all_fen)


def _csv(report: Report) -> list[tuple[str, str, str, str]]:
    text = export_report(report, "csv").decode("utf-8-sig")
    return [tuple(row) for row in csv.reader(io.StringIO(text))][1:]  # type: ignore[misc]


def test_every_cover_total_reconciles_with_its_section_in_the_csv(world):
    reports, _truth = world
    for report in reports:
        rows = _csv(report)
        totals = {item: value for section, item, _d, value in rows if section == "totals"}

        def values(section: str) -> list[int]:
            return [int(v) for s, _i, _d, v in rows if s == section]  # noqa: B023

        def one(section: str, item: str) -> str:
            (value,) = [v for s, i, _d, v in rows if s == section and i == item]  # noqa: B023
            return value

        assert int(totals["requests"]) == sum(values("requests_by_month"))
        assert int(totals["slips"]) == sum(values("slips_by_month"))
        sla = {(i, d): int(v) for s, i, d, v in rows if s == "sla"}
        assert int(totals["sla_breached"]) == sum(n for (_k, st), n in sla.items()
                                                  if st == "breached")
        assert int(totals["sla_with_verdict"]) == sum(
            n for (_k, st), n in sla.items() if st in ("met", "met_within_tolerance", "breached"))
        assert totals["response_median_minutes"] == one("response_minutes", "median")
        assert int(totals["escalations"]) == sum(values("escalations"))
        assert int(totals["complaints"]) == int(one("complaints", "total"))
        assert int(totals["repair_orders"]) == int(one("repairs", "orders"))
        assert int(totals["loaners_issued"]) == int(one("repairs", "loaners_issued"))
        kinds = [Decimal(v) for s, i, _d, v in rows if s == "fees_yuan"
                 and i not in ("slips_subtotal", "repair", "total")]
        assert Decimal(one("fees_yuan", "slips_subtotal")) == sum(kinds)
        assert Decimal(one("fees_yuan", "repair")) == Decimal(one("repairs", "repair_fees_fen"))
        assert Decimal(totals["fees_yuan"]) == Decimal(one("fees_yuan", "total")) == (
            Decimal(one("fees_yuan", "slips_subtotal")) + Decimal(one("fees_yuan", "repair")))


def test_the_fees_on_the_cover_are_what_was_charged(world):
    """Slips sealed by both signatures and the repairs' final fees, nothing else: drafts,
    other customers and requests outside the period do not count."""
    reports, truth = world
    customers = {}
    for report in reports:
        fig = Figures.from_json(report.figures)
        customers[report.id] = fig.customer_code
        start, end = date.fromisoformat(fig.period_start), date.fromisoformat(fig.period_end)
        charged = sum(fen for day, fen in truth.fees_fen[fig.customer_code]
                      if start <= day <= end)
        assert fig.fees_all_fen == charged
        assert fig.repairs["repair_fees_fen"] > 0  # the random history returned repairs


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_open_request_reads_open_for_n_hours_and_is_no_breach_before_its_deadline(
        world, language: Language):
    reports, truth = world
    seen_open = 0
    for report in reports:
        fig = Figures.from_json(report.figures)
        doc = report_document(fig, number="R", kind=report.kind, reason="", language=language)
        notes = " ".join(_section(doc, SECTIONS["sla"][LANGUAGES.index(language)]).notes)
        for worst in fig.worst:
            if worst["request"] not in truth.open_requests:
                assert worst["stopped"] == "stopped"
                continue
            seen_open += 1
            assert worst["stopped"] == "running"
            requested = truth.open_requests[worst["request"]]
            hours = int((NOW - requested).total_seconds() // 3600)
            assert worst["open_minutes"] // 60 == hours
            clock = name("clock", worst["clock"], language)
            text = {"zh": f"{worst['request']}（{clock}，未结 {hours} 小时，已过截止时间）",
                    "en": f"{worst['request']} ({clock}, open for {hours} h, past "
                          "its deadline)"}[language]
            assert text in notes
        for number in truth.open_requests:
            for piece in notes.split(number)[1:]:
                assert "超出" not in piece[:12] and "late" not in piece[:40]
    assert seen_open, "the random history left breached requests open"
    # the ten-minute-old open request: running in the SLA table, not breached, not listed
    latest = next(r for r in reports if r.period_end == date(2026, 10, 15)
                  and Figures.from_json(r.figures).customer_code == "TJH1")
    fig = Figures.from_json(latest.figures)
    fresh = max(truth.open_requests, key=lambda n: truth.open_requests[n])
    assert NOW - truth.open_requests[fresh] == timedelta(minutes=10)
    assert fresh not in {w["request"] for w in fig.worst}
    assert fig.sla["remote_resolution"]["running"] >= 1
    assert fig.sla_open_breached["remote_resolution"] >= 1  # the days-old open ones
