"""A group customer's report shows the period's dossier (section 八, R2.5): problem sets
raised / solved / closed without fix / still open at the period's end, suggestions
proposed / accepted / declined / done — with their numbers and titles, in the PDF's
model and the CSV alike — and only what the centre reviewed, as the portal shows it.

Q3 2026 (Beijing) on a frozen clock; every record is made on the archive as the
engineer's laptop and the centre would make it."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from fieldapp.archive.reports import request_report
from fieldapp.archive.reports.document import report_document
from fieldapp.archive.reports.export import export_report
from fieldapp.archive.reports.figures import Figures
from fieldapp.reads.dossier import dossier as read_dossier
from fieldapp.records.events import EventKind
from fieldapp.store.models import Customer, Device
from fieldapp.workflows import dossier, group_archive
from tests.archive.report_data import History, archive_db, at, push

NOW = at("2026-10-15", "10:00")
K = EventKind


def _review(session, record, verdict: str = "reviewed") -> None:  # type: ignore[no-untyped-def]
    for step in dossier.state_of(session, record).steps:
        if step.verdict.review == "submitted":
            dossier.review(session, record, step.submission_id, verdict=verdict,
                           reviewer="王芳", comment="请补充" if verdict == "returned" else "",
                           actor_code="CENTRE", occurred_at=step.at + timedelta(hours=1),
                           now=NOW)


def _seed(session) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The dossier; the number of each record by a short name."""
    customer = session.scalar(select(Customer).where(Customer.code == "TJH1"))
    device = session.scalars(select(Device).where(Device.customer_id == customer.id)
                             .order_by(Device.model)).first()
    numbers = {}

    def problem(name: str, day: str, steps=(), review: str | None = "reviewed",
                last_pending: bool = False):  # type: ignore[no-untyped-def]
        row = dossier.raise_problem(session, customer=customer, title=f"问题{name}",
                                    description="说明", raised_by="E01",
                                    raised_at=at(day), device=device, now=NOW)
        numbers[name] = row.number
        for kind, when in steps:
            if review:
                _review(session, row, review)
            dossier.problem_step(session, row, kind=kind, note="记录", actor_code="E01",
                                 occurred_at=at(when), now=NOW)
        if review and not last_pending:  # else the last step still waits
            _review(session, row, review)

    def suggestion(name: str, day: str, steps=(), review: str | None = "reviewed"
                   ) -> None:  # type: ignore[no-untyped-def]
        row = dossier.propose_suggestion(session, customer=customer,
                                         suggestion=f"建议{name}", proposed_by="E01",
                                         proposed_at=at(day), now=NOW)
        numbers[name] = row.number
        for kind, when in steps:
            dossier.suggestion_step(session, row, kind=kind, customer_name="孙丽", note="记录",
                                    actor_code="E01", occurred_at=at(when), now=NOW)
        if review:
            _review(session, row, review)

    problem("P1", "2026-06-20", [(K.PROBLEM_TRACKING, "2026-06-25"),
                                 (K.PROBLEM_SOLVED, "2026-08-10")])
    problem("P2", "2026-07-05", [(K.PROBLEM_TRACKING, "2026-07-06")])
    problem("P3", "2026-07-10", [(K.PROBLEM_WONT_FIX, "2026-09-01")])
    problem("P4", "2026-08-01", review=None)  # waiting: not yet a fact
    problem("P5", "2026-08-02", review="returned")  # returned: left out
    problem("P6", "2026-07-20", [(K.PROBLEM_SOLVED, "2026-09-10")], last_pending=True)
    problem("P7", "2026-09-20", [(K.PROBLEM_SOLVED, "2026-10-05")])  # solved after the period
    suggestion("S1", "2026-07-03", [(K.SUGGESTION_ACCEPTED, "2026-07-10"),
                                    (K.SUGGESTION_DONE, "2026-09-15")])
    suggestion("S2", "2026-08-01", [(K.SUGGESTION_DECLINED, "2026-08-05")])
    suggestion("S3", "2026-05-01", [(K.SUGGESTION_ACCEPTED, "2026-07-02")])
    suggestion("S4", "2026-08-08", review=None)
    note = group_archive.add_archive_entry(session, customer=customer, kind="device_tracking",
                                           text="搓纸轮磨损，下季度更换", author_code="E01",
                                           noted_at=at("2026-08-01"), device=device, now=NOW)
    _review(session, note)
    group_archive.add_archive_entry(session, customer=customer, kind="device_tracking",
                                    text="待审核的跟踪记录", author_code="E01",
                                    noted_at=at("2026-08-02"), device=device, now=NOW)
    return numbers


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    folder = tmp_path_factory.mktemp("report-dossier")
    with time_machine.travel(NOW, tick=False):
        history = History(folder / "laptop", now=NOW)
        db = archive_db(folder)
        try:
            push(history.store, db, NOW)
            with db.write() as session:
                numbers = _seed(session)
                customer = session.scalar(select(Customer).where(Customer.code == "TJH1"))
                report = request_report(session, customer.id, date(2026, 7, 1),
                                        date(2026, 9, 30), "孙丽", now=NOW)
                portal = read_dossier(session, customer.id, facts_only=True)
                session.expunge_all()
            yield numbers, report, portal
        finally:
            db.close()
            history.store.close()


EXPECTED = {
    "problems": {"raised": ["P2", "P3", "P6", "P7"], "solved": ["P1"], "wont_fix": ["P3"],
                 "open": ["P2", "P6", "P7"]},
    "suggestions": {"proposed": ["S1", "S2"], "accepted": ["S3", "S1"], "declined": ["S2"],
                    "done": ["S1"]},
}


def test_the_figures_hold_the_periods_reviewed_problem_sets_and_suggestions(world):
    numbers, report, _portal = world
    fig = Figures.from_json(report.figures)
    by_number = {v: k for k, v in numbers.items()}
    got = {part: {key: [by_number[i["number"]] for i in items] for key, items in lists.items()}
           for part, lists in fig.dossier.items() if isinstance(lists, dict)}
    assert got == EXPECTED
    # P4 and S4 wait, P6's solution waits, a tracking note waits: counted, never shown
    assert fig.dossier["awaiting_review"] == 4
    assert fig.archive["counts"]["device_tracking"] == 1
    notes = fig.archive["items"]["device_tracking"]
    assert [i["text"] for i in notes] == ["搓纸轮磨损，下季度更换"]
    assert fig.dossier["problems"]["raised"][0]["title"] == "问题P2"


def test_only_what_the_portal_shows_as_fact_is_in_the_report(world):
    numbers, report, portal = world
    fig = Figures.from_json(report.figures)
    facts = {r.number: r.status for r in (*portal.problems, *portal.suggestions)
             if not r.pending_only}
    listed = {i["number"] for lists in (fig.dossier["problems"], fig.dossier["suggestions"])
              for items in lists.values() for i in items}
    assert listed <= set(facts)
    for name in ("P4", "P5", "S4"):
        assert numbers[name] not in listed
    assert facts[numbers["P6"]] == "raised"  # its waiting solution is no fact on the portal
    assert numbers["P6"] in {i["number"] for i in fig.dossier["problems"]["open"]}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_pdf_section_lists_numbers_titles_and_counts(world, language):
    numbers, report, _portal = world
    fig = Figures.from_json(report.figures)
    doc = report_document(fig, number="R", kind=report.kind, reason="", language=language)
    section = next(s for s in doc.sections if s.title.startswith(("八、", "8.")))
    assert section.table is not None
    rows = section.table.rows
    assert len(rows) == sum(len(v) for lists in EXPECTED.values() for v in lists.values()) + 1
    first = {"zh": "问题集 · 新提出", "en": "Problem · raised"}[language]
    assert rows[0][:2] == (first, numbers["P2"]) and rows[0][-1] == "问题P2"
    open_label = {"zh": "问题集 · 期末未解决 3", "en": "Problem · open at period end: 3"}
    assert open_label[language] in section.notes[0]
    waiting = {"zh": "另有 4 条提交待服务中心审核", "en": "4 more submissions await"}
    assert waiting[language] in section.notes[1]
    text = " ".join(" ".join(r) for r in rows)
    assert "待审核的跟踪记录" not in text and "问题P4" not in text and "问题P5" not in text


def test_the_csv_counts_each_list_and_names_its_records(world):
    numbers, report, _portal = world
    rows = list(csv.reader(io.StringIO(export_report(report, "csv").decode("utf-8-sig"))))[1:]
    counts = {i: int(v) for s, i, _d, v in rows if s == "dossier"}
    records = [(i, d, v) for s, i, d, v in rows if s == "dossier_record"]
    for part, lists in EXPECTED.items():
        for key, names in lists.items():
            assert counts[f"{part}.{key}"] == len(names)
            assert [(d, v) for i, d, v in records if i == f"{part}.{key}"] == [
                (numbers[n], ("问题" if n[0] == "P" else "建议") + n) for n in names]
    assert counts["awaiting_review"] == 4


def test_a_report_made_before_the_dossier_figures_renders_as_before():
    """Stored figures without `dossier` (reports made earlier) still render."""
    fig = Figures("TJH1", "天津市第一中心医院", True, "2026-07-01", "2026-09-30",
                  NOW.isoformat(), "Asia/Shanghai",
                  archive={"counts": {"device_tracking": 2}, "items": {}})
    doc = report_document(fig, number="R", kind="quarterly", reason="", language="zh")
    section = next(s for s in doc.sections if s.title.startswith("八、"))
    assert section.notes == ("主要设备管理和跟踪 2",)



def test_the_pdf_prints_the_section(world, tmp_path):
    """The PDF itself has the dossier's lines (FIELDAPP_KEEP_PDF=<file> keeps a copy to
    look at: pdftoppm -r 80 -png <file> page)."""
    numbers, report, _portal = world
    pdf = Path(os.environ.get("FIELDAPP_KEEP_PDF") or tmp_path / "report.pdf")
    pdf.write_bytes(export_report(report, "pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "期末未解决" in text and numbers["P7"] in text and "问题P4" not in text
