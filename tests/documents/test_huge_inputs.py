"""Every document lays out whatever the data: no text, list or fee line is too long.

ReportLab refuses a table row taller than a page (`LayoutError`) and cannot split between
rows a SPAN joins; the toolkit's `FlowingTable` splits such tables across pages. Each
document kind gets its free-text fields and lists at sizes no one types, and the text
must come out whole: its last words are on the last pages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from fieldapp.documents.model import FeeLineView
from fieldapp.documents.sample import (
    sample_company,
    sample_complaint_report,
    sample_loaner,
    sample_repair_intake,
    sample_repair_return,
    sample_slip,
)
from fieldapp.documents.slip_pdf import render_slip_pdf
from fieldapp.documents.workflow_pdf import (
    render_complaint_report_pdf,
    render_loaner_pdf,
    render_repair_intake_pdf,
    render_repair_return_pdf,
)
from fieldapp.workflows.complaint_model import ComplaintResponseView

from .conftest import pdf_text

END = "以上全文结束"  # the last words of every huge text: proof nothing was cut off


def huge(sentence: str = "打印机卡纸，更换搓纸轮后打印测试正常。", times: int = 700) -> str:
    """About 13,000 characters in one paragraph (some 15 A4 pages in a narrow cell); a
    receipt roll page (200 inches) holds about 20,000."""
    return sentence * times + END


def fee_lines(count: int, description: str = "搓纸轮组件") -> tuple[FeeLineView, ...]:
    return tuple(FeeLineView("parts", description, Decimal(1), 100, 100) for _ in range(count))


def _response(text: str) -> ComplaintResponseView:
    return ComplaintResponseView(text, "赵敏", sample_complaint_report().closed_at
                                 - timedelta(hours=1))


COMPANY = sample_company()
CASES: dict[str, Callable[[], bytes]] = {
    "slip: a fee description of 13,000 characters": lambda: render_slip_pdf(
        sample_slip(fee_lines=fee_lines(1, huge())), COMPANY),
    "slip: 600 fee lines": lambda: render_slip_pdf(
        sample_slip(fee_lines=(*fee_lines(599), *fee_lines(1, END)), total_fen=60000),
        COMPANY),
    "slip: customer, site and contact of 3,000 characters each": lambda: render_slip_pdf(
        sample_slip(customer_name=huge(times=150), site_address=huge(times=150),
                    contact_name=huge(times=150)), COMPANY),
    "slip: fault and handling of 13,000 characters each": lambda: render_slip_pdf(
        sample_slip(fault_found=huge(), handling=huge()), COMPANY),
    "slip receipt: a fee description longer than the longest page": lambda: render_slip_pdf(
        sample_slip(fee_lines=fee_lines(1, huge(times=2500))), COMPANY, layout="receipt"),
    "slip receipt: a handling text longer than the longest page": lambda: render_slip_pdf(
        sample_slip(handling=huge(times=2500)), COMPANY, layout="receipt"),
    "repair intake: a fault description of 13,000 characters": lambda: render_repair_intake_pdf(
        sample_repair_intake(fault_description=huge()), COMPANY),
    "repair intake receipt: a fault description longer than the longest page": (
        lambda: render_repair_intake_pdf(
            sample_repair_intake(fault_description=huge(times=2500)), COMPANY,
            layout="receipt")),
    "repair return: work done and estimate note of 13,000 characters": (
        lambda: render_repair_return_pdf(
            sample_repair_return(estimate_note=huge(), work_done=huge()), COMPANY)),
    "loaner record: a return note of 13,000 characters": lambda: render_loaner_pdf(
        sample_loaner(return_note=huge()), COMPANY),
    "complaint report: complaint, responses and outcome of 13,000 characters": (
        lambda: render_complaint_report_pdf(sample_complaint_report(
            description=huge(), outcome=huge(),
            responses=(_response(huge()), _response(huge()))), COMPANY)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_document_with_huge_inputs_lays_out_on_as_many_pages_as_it_needs(
        case: str, tmp_path: Path, cjk_font: Path) -> None:
    pdf = CASES[case]()
    pages = len(pdfium.PdfDocument(pdf))
    assert pages > 1
    assert END in pdf_text(pdf, tmp_path)
