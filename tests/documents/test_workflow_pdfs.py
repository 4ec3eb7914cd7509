"""The workflow documents: repair intake and return, loaner record, complaint feedback report.

Real records are made with the core's workflow functions (the Tianjin world of
tests/workflows), turned into view objects (workflow_views) and rendered; the PDFs are
checked with poppler's tools. Set FIELDAPP_SAMPLE_DIR to keep the PDFs and 70 dpi PNGs.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from fieldapp.documents.layout import LAYOUTS
from fieldapp.documents.model import CompanyInfo
from fieldapp.documents.workflow_pdf import (
    render_complaint_report_pdf,
    render_loaner_pdf,
    render_repair_intake_pdf,
    render_repair_return_pdf,
)
from fieldapp.documents.workflow_views import (
    complaint_report_document,
    loaner_document,
    loaner_document_for,
    repair_intake_document,
    repair_return_document,
)
from fieldapp.records import reference, service_requests
from fieldapp.store.models import Customer
from fieldapp.workflows import complaints, loaners, repair
from tests.documents.conftest import pdf_text, require_tool
from tests.documents.test_slip_pdf import _ink_above
from tests.workflows import conftest as wf
from tests.workflows.conftest import LATER, at, sig

store = wf.store
world = wf.world
repair_number = wf.repair_number
printer_loaners = wf.printer_loaners

COMPANY = CompanyInfo(name="津信达信息技术服务有限公司", hotline="022-2345 6789",
                      address="天津市和平区南京路 189 号", complaint_hotline="022-2345 6700")


def _keep(name: str, pdf: bytes) -> None:
    folder = os.environ.get("FIELDAPP_SAMPLE_DIR")
    if not folder:
        return
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(out / f"{name}.pdf"),
                    str(out / name)], check=False)


def _walk_repair(session, number: str, *, loan: bool = True) -> None:
    order = repair.get_repair(session, number)
    repair.estimate_repair(session, order, cost_fen=38050, expected_ready_at=at(1500),
                           estimated_by="维修部 王强", note="更换主板", actor_code="W01",
                           occurred_at=at(200), now=LATER)
    repair.confirm_repair(session, order, approved=True, method="phone", confirmed_by="孙丽",
                          phone="13900220000", actor_code="C01", occurred_at=at(230), now=LATER)
    if loan:
        loaners.issue_loaner(session, loaners.get_loaner(session, "BJ-PRN-02"), order,
                             engineer_signature=sig("刘洋", 1),
                             customer_signature=sig("孙丽", 2), actor_code="E07",
                             occurred_at=at(240), now=LATER)
    repair.start_repair(session, order, technician="王强", actor_code="W01",
                        occurred_at=at(260), now=LATER)
    repair.finish_repair(session, order, work_done="更换主板，打印测试 100 页正常",
                         actor_code="W01", occurred_at=at(1400), now=LATER)
    repair.return_repair(session, order, final_fee_fen=38050, customer_signature=sig("孙丽", 3),
                         actor_code="E07", occurred_at=at(1480), now=LATER)
    if loan:
        loaners.return_loaner(session, loaners.get_loaner(session, "BJ-PRN-02"),
                              condition="good", engineer_signature=sig("刘洋", 4),
                              customer_signature=sig("孙丽", 5), actor_code="E07",
                              occurred_at=at(1490), now=LATER)


def _fonts(pdf: bytes, tmp_path: Path) -> str:
    require_tool("pdffonts")
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, check=True,
                          text=True).stdout


def _assert_cjk_embedded(pdf: bytes, tmp_path: Path) -> None:
    lines = _fonts(pdf, tmp_path).splitlines()[2:]
    assert lines, "no fonts"
    for line in lines:
        assert " yes " in line.replace("yes yes", "yes  yes"), line  # emb column
    assert all("Helvetica" not in line for line in lines)


def _paths(pdf: bytes) -> int:
    """Vector path objects on all pages (signatures are drawn as lines, never images)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        objects = [o for page in document for o in page.get_objects()]
        assert not any(o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE for o in objects)
        return sum(1 for o in objects if o.type == pdfium.raw.FPDF_PAGEOBJ_PATH)
    finally:
        document.close()


def _signed(pdf: bytes, name: str, layout: str = "a4") -> None:
    box = LAYOUTS[layout].signature_box_height
    assert _ink_above(pdf, f"签字人：{name}", box) > 0.01, name


def test_intake_copy_shows_the_send_in_slip(store, repair_number, tmp_path):
    with store.read() as session:
        doc = repair_intake_document(repair.get_repair(session, repair_number))
    pdf = render_repair_intake_pdf(doc, COMPANY)
    _keep("repair-intake-a4", pdf)
    text = pdf_text(pdf, tmp_path)
    for expected in ("送修单", "客户联", repair_number, "天津港信息中心", "公司联系人", "孙丽",
                     "13900220000", "打印机主板故障", "接受时间", "到达时间", "离开时间",
                     "CNB1234567", "惠普", "电源线一根", "刘洋", "工程师签字", "第1页/共1页"):
        assert expected in text, expected
    assert doc.seal[:4] in text
    _assert_cjk_embedded(pdf, tmp_path)
    _signed(pdf, "刘洋")


def test_intake_receipt_for_the_customer_on_site(store, repair_number, tmp_path):
    with store.read() as session:
        doc = repair_intake_document(repair.get_repair(session, repair_number))
    pdf = render_repair_intake_pdf(doc, COMPANY, layout="receipt")
    _keep("repair-intake-receipt", pdf)
    text = pdf_text(pdf, tmp_path)
    assert "送修单" in text and "【客户联】" in text and repair_number in text
    from pypdfium2 import PdfDocument

    page = PdfDocument(pdf)[0]
    assert round(page.get_width() / 72 * 25.4) == 80


def test_return_copy_has_estimate_confirmation_fee_clock_and_loaner(
        store, repair_number, printer_loaners, tmp_path):
    with store.write() as session:
        _walk_repair(session, repair_number)
    with store.read() as session:
        doc = repair_return_document(session, repair.get_repair(session, repair_number),
                                     now=LATER)
    assert doc.status == "returned" and doc.final_fee_fen == 38050
    pdf = render_repair_return_pdf(doc, COMPANY)
    _keep("repair-return-a4", pdf)
    text = pdf_text(pdf, tmp_path)
    for expected in ("送修返还单", repair_number, "¥380.50", "同意维修", "电话确认", "孙丽",
                     "维修部王强", "叁佰捌拾元伍角整", "交付时间", "硬件维修", "超时",
                     "BJ-PRN-02", "更换主板，打印测试100页正常", "客户签字"):
        assert expected in text, expected
    _assert_cjk_embedded(pdf, tmp_path)
    _signed(pdf, "孙丽")


def test_loaner_record_has_both_pairs_of_signatures(store, repair_number, printer_loaners,
                                                    tmp_path):
    with store.write() as session:
        _walk_repair(session, repair_number)
    with store.read() as session:
        doc = loaner_document(session, loaners.get_loaner(session, "BJ-PRN-02"),
                              repair_number=repair_number)
        by_id = loaner_document_for(session, doc.issue_event_id)
        by_tag = loaner_document_for(session, "BJ-PRN-02", repair_number)
    assert by_id == doc == by_tag
    assert doc.returned_at == at(1490) and doc.condition == "good"
    for layout in ("a4", "receipt"):
        pdf = render_loaner_pdf(doc, COMPANY, layout=layout)  # type: ignore[arg-type]
        _keep(f"loaner-{layout}", pdf)
        text = pdf_text(pdf, tmp_path)
        for expected in ("备机借用单", "BJ-PRN-02", "打印机", "A", "惠普LaserJetM405dn",
                         repair_number, "借出时间", "归还时间", "完好", "借出签字", "归还签字",
                         "孙丽", "刘洋", "合同约定同档次备机"):
            assert expected in text, (layout, expected)
        _assert_cjk_embedded(pdf, tmp_path)
        _signed(pdf, "刘洋", layout)
        strokes = sum(len(sig.strokes) for sig in (
            doc.issue_engineer_signature, doc.issue_customer_signature,
            doc.return_engineer_signature, doc.return_customer_signature))
        assert _paths(pdf) >= strokes  # all four signatures, as vector lines


def test_an_unknown_loan_is_not_found(store, repair_number, printer_loaners):
    from fieldapp.base.errors import NotFound

    with store.read() as session, pytest.raises(NotFound):
        loaner_document_for(session, "BJ-PRN-01", repair_number)


def test_complaint_feedback_report_has_the_response_and_its_clock(store, world, tmp_path):
    with store.write() as session:
        customer = session.get(Customer, world.customer_id)
        engineer = reference.engineer_by_code(session, "E07")
        complaint = complaints.open_complaint(
            session, customer=customer, about="engineer", engineer=engineer,
            description="工程师迟到一小时且未提前告知", received_via="phone",
            received_at=at(300), recorded_by="C01",
            request=service_requests.get_request(session, world.request_number), now=LATER)
        complaints.respond_to_complaint(session, complaint,
                                        response="已核实，向客户致歉并对工程师进行培训",
                                        responder="陈晓红", actor_code="C01",
                                        occurred_at=at(600), now=LATER)
        complaints.close_complaint(session, complaint, closed_by="陈晓红", actor_code="C01",
                                   occurred_at=at(700), outcome="客户接受处理结果",
                                   customer_satisfied=True, now=LATER)
        number = complaint.number
    with store.read() as session:
        report = complaint_report_document(session, complaints.get_complaint(session, number))
    pdf = render_complaint_report_pdf(report, COMPANY)
    _keep("complaint-report-a4", pdf)
    text = pdf_text(pdf, tmp_path)
    for expected in ("投诉反馈报告", number, "天津港信息中心", "工程师迟到一小时", "客户经理",
                     "陈晓红", "已核实，向客户致歉并对工程师进行培训", "投诉答复时限", "达标",
                     "客户接受处理结果", "满意", "已归入客户服务档案", "022-23456700"):
        assert expected in text, expected
    _assert_cjk_embedded(pdf, tmp_path)


def test_english_labels(store, repair_number, tmp_path):
    with store.read() as session:
        doc = repair_intake_document(repair.get_repair(session, repair_number))
    text = pdf_text(render_repair_intake_pdf(doc, COMPANY, language="en"), tmp_path)
    assert "Repairintake" in text and "Customercopy" in text and "孙丽" in text


def test_fieldapp_pdf_writes_the_workflow_documents(store, repair_number, printer_loaners,
                                                    tmp_path):
    from click.testing import CliRunner

    from fieldapp.cli import cli

    with store.write() as session:
        _walk_repair(session, repair_number)
        issue = loaner_document(session, loaners.get_loaner(session, "BJ-PRN-02")).issue_event_id
    runner = CliRunner()

    def pdf(*args: str) -> str:
        out = tmp_path / "out.pdf"
        result = runner.invoke(cli, ["--data-dir", str(tmp_path / "data"), "pdf", *args,
                                     "-o", str(out)])
        assert result.exit_code == 0, result.output
        return pdf_text(out.read_bytes(), tmp_path)

    assert "送修单" in pdf(repair_number)
    assert "送修返还单" in pdf(repair_number, "--kind", "return")
    assert "【客户联】" in pdf(repair_number, "--layout", "receipt")
    assert "备机借用单" in pdf("BJ-PRN-02", "--repair", repair_number)
    assert "BJ-PRN-02" in pdf(issue)
    result = runner.invoke(cli, ["--data-dir", str(tmp_path / "data"), "pdf", "P-E07-20260101-009",
                                 "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0 and "找不到送修单" in result.output
