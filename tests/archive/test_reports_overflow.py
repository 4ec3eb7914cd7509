"""A report renders whatever its data (issue 19, item 6): a finding with 1,000 requests of
one device as evidence once made a PDF cell 1,629 pt tall (ReportLab's LayoutError), so
the portal's download answered 500 and `fieldapp-archive reports export` failed.

The PDF lists the first request numbers and how many there are; the CSV lists them all,
one row each. Through the report builder, the export command and the portal download."""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from fieldapp.archive.cli import cli
from fieldapp.archive.models import User
from fieldapp.archive.reports.csv_export import render_csv
from fieldapp.archive.reports.document import EVIDENCE_SHOWN, report_document
from fieldapp.archive.reports.figures import Figures
from fieldapp.archive.reports.models import Report
from fieldapp.archive.reports.versions import first_version
from fieldapp.base.i18n import Language
from fieldapp.documents import FontError, find_cjk_font
from fieldapp.documents.report_pdf import render_report_pdf
from fieldapp.documents.sample import sample_company
from fieldapp.records.reference import create_customer
from tests.archive.servers import PASSWORD, RunningArchive, password_hash, run_archive
from tests.documents.conftest import pdf_text, require_tool
from tests.portal.site import form_token


@pytest.fixture(autouse=True)
def _cjk_font() -> None:
    try:
        find_cjk_font()
    except FontError as exc:
        pytest.skip(exc.message("en"))


EVIDENCE = 1_000
NUMBERS = [f"R-C01-2026{1 + i % 12:02d}{1 + i % 28:02d}-{i:03d}" for i in range(EVIDENCE)]
LONG_ENTRY = "门诊楼三层网络间歇中断，已更换交换机端口并重新布线。" * 400  # an archive entry


def figures(evidence: list[str] = NUMBERS) -> Figures:
    """A group customer's quarter with one finding whose evidence is `evidence`, and a
    device-tracking entry longer than a page."""
    return Figures(
        customer_code="TJH1", customer_name="天津市第一中心医院", is_group=True,
        period_start="2026-07-01", period_end="2026-09-30",
        generated_at="2026-10-01T01:00:00+00:00", timezone="Asia/Shanghai",
        requests_total=EVIDENCE, slips_total=EVIDENCE,
        requests_by_month={"2026-07": {"phone": 300, "onsite": 40, "remote": 0, "sendin": 0,
                                       "letter": 0, "portal": 0}},
        slips_by_month={"2026-07": 340},
        response={"count": 0, "buckets": []}, resolution={"count": 0, "buckets": []},
        complaints={"total": 0, "responded": 0, "responded_in_time": 0, "closed": 0,
                    "satisfied": 0, "by_about": {}, "late": []},
        archive={"counts": {"device_tracking": 1},
                 "items": {"device_tracking": [{"noted_at": "2026-08-02T02:00:00+00:00",
                                                "device": "HP M404dn", "text": LONG_ENTRY}]}},
        findings=[{"rule": "repeat_device", "found_on": "2026-09-15",
                   "zh": f"同一设备 90 天内报修 {len(evidence)} 次",
                   "en": f"One device, {len(evidence)} requests in 90 days",
                   "evidence": ",".join(evidence)}])


def assert_summarised(pdf: bytes, tmp_path: Path) -> None:
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert f"共{EVIDENCE}个请求" in text and "完整清单见CSV导出" in text
    assert NUMBERS[0] in text and NUMBERS[EVIDENCE_SHOWN - 1] in text
    assert NUMBERS[EVIDENCE_SHOWN] not in text
    assert LONG_ENTRY[-30:] in text  # the long archive entry continues, whole, on later pages


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_finding_with_1000_requests_renders_summarised(tmp_path: Path,
                                                         language: Language) -> None:
    doc = report_document(figures(), number="0193f2a1-7c4e", kind="requested",
                          reason="应客户要求", language=language)
    pdf = render_report_pdf(doc, sample_company(), language=language)
    text = pdf_text(pdf, tmp_path)
    assert NUMBERS[0] in text and NUMBERS[-1] not in text
    if language == "zh":
        assert_summarised(pdf, tmp_path)
    else:
        assert f"Evidence({EVIDENCE}requests,thefirst{EVIDENCE_SHOWN}shown" in text


def test_a_few_requests_of_evidence_are_all_listed(tmp_path: Path) -> None:
    few = NUMBERS[:3]
    doc = report_document(figures(few), number="0193f2a1-7c4e", kind="requested",
                          reason="应客户要求", language="zh")
    text = pdf_text(render_report_pdf(doc, sample_company()), tmp_path)
    assert f"依据：{','.join(few)}" in text and "CSV" not in text


def test_the_csv_lists_every_request_of_the_evidence_one_a_row() -> None:
    rows = list(csv.reader(io.StringIO(render_csv(figures()).decode("utf-8-sig"))))
    assert ["findings", "repeat_device", "2026-09-15", str(EVIDENCE)] in rows
    listed = [row[3] for row in rows if row[0] == "finding_evidence"]
    assert listed == NUMBERS
    assert max(len(cell) for row in rows for cell in row) < 100  # no cell Excel would cut


@pytest.fixture
def archive_with_report(tmp_path: Path) -> Iterator[tuple[RunningArchive, str]]:
    """An archive with customer TJH1, its portal account `hospital` and one stored report
    whose finding has 1,000 requests as evidence."""
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    with run_archive(url) as archive:
        with archive.db.write() as session:
            customer = create_customer(session, code="TJH1", name="天津市第一中心医院",
                                       is_group=True)
            session.flush()
            session.add(User(name="hospital", password_hash=password_hash(), role="customer",
                             engineer_code="", customer_code="TJH1"))
            report = Report(customer_id=customer.id, kind="requested",
                            period_start=date(2026, 7, 1), period_end=date(2026, 9, 30),
                            requested_by="hospital", reason_zh="应客户要求的报告",
                            reason_en="Requested by the customer", figures=figures().to_json())
            session.add(report)
            session.flush()
            first_version(session, report)  # as every made report has (reports.versions)
            report_id = str(report.id)
        yield archive, report_id


def test_the_export_command_writes_the_report_and_its_full_csv(
        archive_with_report: tuple[RunningArchive, str], tmp_path: Path) -> None:
    archive, report_id = archive_with_report
    runner = CliRunner()
    for suffix in ("pdf", "csv"):
        out = tmp_path / f"report.{suffix}"
        done = runner.invoke(cli, ["--db", archive.db_url, "reports", "export", report_id,
                                   "-o", str(out)])
        assert done.exit_code == 0, done.output
    assert_summarised((tmp_path / "report.pdf").read_bytes(), tmp_path)
    assert (tmp_path / "report.csv").read_text("utf-8-sig").count("finding_evidence") == EVIDENCE


def test_the_portal_download_answers_200_with_the_pdf(
        archive_with_report: tuple[RunningArchive, str], tmp_path: Path) -> None:
    archive, report_id = archive_with_report
    require_tool("pdftotext")
    with httpx.Client(base_url=archive.url, timeout=60) as client:
        token = form_token(client.get("/portal/login").text)
        login = client.post("/portal/login", data={"name": "hospital", "password": PASSWORD,
                                                   "csrf": token})
        assert login.status_code == 303, login.text
        answer = client.get(f"/portal/reports/{report_id}/download")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert_summarised(answer.content, tmp_path)


def test_the_report_pdf_of_1000_requests_opens_in_a_pdf_reader(tmp_path: Path) -> None:
    """pdftoppm draws every page: a broken split would show here, not only in the text."""
    require_tool("pdftoppm")
    doc = report_document(figures(), number="0193f2a1-7c4e", kind="requested",
                          reason="应客户要求", language="zh")
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report_pdf(doc, sample_company()))
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(path), str(tmp_path / "page")],
                   check=True, capture_output=True)
    assert len(list(tmp_path.glob("page-*.png"))) >= 3
