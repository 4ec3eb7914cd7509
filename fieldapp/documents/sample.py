"""Realistic sample documents (a Tianjin customer, a printer fault), for previews and tests.

    python -m fieldapp.documents.sample [OUT_DIR]

writes every document kind — the slip (A4, receipt, company copy, draft, long text), the
send-in repair's intake and return copies, the loaner record and the complaint feedback
report — and their PNG pages (when pdftoppm is installed) to OUT_DIR (default
``out/samples``). Comparing these PNGs before and after a change to the drawing code
shows what moved. Nothing here is real data.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from fieldapp.documents.model import (
    ClockView,
    CompanyInfo,
    DeviceView,
    FeeLineView,
    SignatureView,
    SlipDocument,
    Stroke,
)
from fieldapp.documents.workflow_model import (
    LoanerDocument,
    LoanView,
    RepairDeviceView,
    RepairIntakeDocument,
    RepairReturnDocument,
)
from fieldapp.workflows.complaint_model import ComplaintFeedbackReport, ComplaintResponseView

SAMPLE_SEAL = "3f9a0c5be27d41a8966c0d2e7b15f4a9c8e3d27106ab5f94e2c71d08b3a6e5f1"


def sample_company(verify_url: str = "https://fw.jinhai-it.example.cn/verify") -> CompanyInfo:
    return CompanyInfo(
        name="天津津海信息技术服务有限公司",
        hotline="022-5829 6600",
        address="天津市南开区鞍山西道 316 号 8 层",
        verify_url=verify_url,
        complaint_hotline="400-022-6600",
    )


def synthetic_strokes(seed: int, pad_width: int = 600, pad_height: int = 200) -> tuple[Stroke, ...]:
    """Loopy pen strokes that look like a hurried signature (deterministic per seed)."""
    strokes: list[Stroke] = []
    t = 0
    x0 = 40 + seed * 7
    for part in range(3):
        points = []
        steps = 60
        for i in range(steps):
            a = i / steps
            x = x0 + part * 170 + a * 150 + 28 * math.sin(a * 9 + seed)
            y = pad_height / 2 + 52 * math.sin(a * 13 + part + seed) * (0.6 + 0.4 * math.cos(a * 3))
            pressure = int(350 + 450 * math.sin(math.pi * a) ** 1.5)
            points.append((int(x), int(y), t, pressure))
            t += 12
        strokes.append(tuple(points))
        t += 180
    flourish = tuple(
        (int(60 + i * 9), int(pad_height - 30 - 8 * math.sin(i / 6)), t + i * 10, 600 - i * 4)
        for i in range(55)
    )
    strokes.append(flourish)
    return tuple(strokes)


def _at(hour: int, minute: int) -> datetime:
    # 2026-11-25 local (UTC+8) → UTC.
    return datetime(2026, 11, 25, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def sample_slip(**changes: Any) -> SlipDocument:
    requested = _at(9, 12)
    doc = SlipDocument(
        slip_number="S-E07-20261125-003",
        request_number="R-C01-20261125-017",
        channel="onsite",
        customer_name="天津滨海新区港航物流有限公司",
        contact_name="王海燕",
        contact_phone="022-2532 1876",
        site_name="行政楼三层财务部",
        site_address="天津市滨海新区塘沽新港二号路 55 号",
        device=DeviceView(
            device_type="激光打印机",
            brand="HP",
            model="LaserJet Pro M404dn",
            serial="PHBQK12345",
            asset_tag="GH-IT-2019-0312",
        ),
        engineer_code="E07",
        engineer_name="张伟",
        requested_at=requested,
        arrived_at=_at(10, 41),
        started_at=_at(10, 45),
        solved_at=_at(11, 58),
        departed_at=_at(12, 10),
        fault_reported="财务部打印机打印时卡纸，纸张出来有褶皱，面板提示“纸张卡住”，月底报表急需打印。",
        fault_found=(
            "现场检查：进纸搓纸轮严重磨损、表面打滑；定影组件入口有残留纸屑。"
            "打印测试页 10 张，卡纸 4 次。设备累计打印约 8.6 万页。"
        ),
        handling=(
            "1. 清理定影组件入口及纸路残留纸屑；\n"
            "2. 更换搓纸轮组件（原厂配件 RM2-5741）；\n"
            "3. 升级打印机固件至最新版本，并重新校准进纸；\n"
            "4. 连续打印测试 50 页，无卡纸，打印质量正常。已向用户说明：请勿使用受潮纸张。"
        ),
        result="solved",
        fee_lines=(
            FeeLineView("labour", "现场维修服务费（1 小时内）", Decimal("1"), 15000, 15000),
            FeeLineView("parts", "搓纸轮组件 RM2-5741", Decimal("1"), 18000, 18000),
            FeeLineView("travel", "交通费（滨海新区）", Decimal("1"), 2000, 2000),
        ),
        total_fen=35000,
        signatures=(
            SignatureView("engineer", "张伟", _at(12, 6), 600, 200, synthetic_strokes(1)),
            SignatureView("customer", "王海燕", _at(12, 8), 600, 200, synthetic_strokes(4)),
        ),
        seal=SAMPLE_SEAL,
        sealed_at=_at(12, 8),
        clocks=(
            ClockView(
                "phone_answer",
                "电话响应（5 分钟）",
                "Phone answered (5 min)",
                requested + timedelta(minutes=5),
                requested + timedelta(minutes=2),
                "met",
            ),
            ClockView(
                "onsite_arrival",
                "到达现场（2 小时，最长 3 小时）",
                "On site (2 h, at most 3 h)",
                requested + timedelta(hours=2),
                _at(10, 41),
                "met",
            ),
            ClockView(
                "hardware_repair",
                "硬件维修（4 小时）",
                "Hardware repair (4 h)",
                requested + timedelta(hours=4),
                _at(11, 58),
                "met",
            ),
        ),
    )
    return replace(doc, **changes) if changes else doc


def _signature(role: str, name: str, at: datetime, seed: int) -> SignatureView:
    return SignatureView(role, name, at, 600, 200, synthetic_strokes(seed))


def _repair_device() -> RepairDeviceView:
    return RepairDeviceView(sample_slip().device, "printer", "A", "电源线、USB 数据线各一根")


def sample_repair_intake(**changes: Any) -> RepairIntakeDocument:
    doc = RepairIntakeDocument(
        repair_number="P-E07-20261125-001",
        request_number="R-C01-20261125-017",
        slip_number="S-E07-20261125-003",
        customer_name="天津滨海新区港航物流有限公司",
        company_contact="王海燕",
        contact_phone="022-2532 1876",
        site="行政楼三层财务部",
        fault_description="打印时反复卡纸，定影组件异响；现场无法修复，送维修部更换定影组件。",
        requested_at=_at(9, 12),
        received_at=_at(9, 14),
        arrived_at=_at(10, 41),
        departed_at=_at(12, 10),
        device=_repair_device(),
        engineer_code="E07",
        engineer_name="张伟",
        engineer_signature=_signature("engineer", "张伟", _at(12, 6), 1),
        seal=SAMPLE_SEAL,
        sealed_at=_at(12, 6),
    )
    return replace(doc, **changes) if changes else doc


def sample_repair_return(**changes: Any) -> RepairReturnDocument:
    doc = RepairReturnDocument(
        repair_number="P-E07-20261125-001",
        request_number="R-C01-20261125-017",
        customer_name="天津滨海新区港航物流有限公司",
        company_contact="王海燕",
        contact_phone="022-2532 1876",
        device=_repair_device(),
        fault_description="打印时反复卡纸，定影组件异响。",
        engineer_code="E07",
        engineer_name="张伟",
        status="returned",
        status_zh="已返还",
        status_en="Returned",
        requested_at=_at(9, 12),
        received_at=_at(12, 10),
        estimate_fen=38050,
        estimated_by="维修部 王强",
        estimated_at=_at(14, 0),
        expected_ready_at=_at(17, 0),
        estimate_note="更换定影组件",
        decision="approved",
        confirmation_method="phone",
        confirmed_by="孙丽",
        confirmation_phone="13900220000",
        confirmed_at=_at(14, 30),
        confirmation_signature=None,
        started_at=_at(14, 40),
        finished_at=_at(16, 20),
        work_done="更换定影组件，打印测试 100 页正常。",
        returned_at=_at(17, 5),
        final_fee_fen=38050,
        customer_signature=_signature("customer", "王海燕", _at(17, 5), 4),
        clock=ClockView("repair", "送修维修（4 小时）", "Send-in repair (4 h)",
                        _at(18, 10), _at(16, 20), "met"),
        loaners=(LoanView("BJ-PRN-02", "HP LaserJet Pro M404dn", _at(12, 10), _at(17, 5)),),
    )
    return replace(doc, **changes) if changes else doc


def sample_loaner(**changes: Any) -> LoanerDocument:
    doc = LoanerDocument(
        asset_tag="BJ-PRN-02",
        device_class="printer",
        grade="A",
        description="HP LaserJet Pro M404dn",
        repair_number="P-E07-20261125-001",
        request_number="R-C01-20261125-017",
        customer_name="天津滨海新区港航物流有限公司",
        customer_device=sample_slip().device,
        issued_at=_at(12, 10),
        goodwill=True,
        issue_engineer_signature=_signature("engineer", "张伟", _at(12, 10), 1),
        issue_customer_signature=_signature("customer", "王海燕", _at(12, 11), 4),
        returned_at=_at(17, 5),
        condition="good",
        return_note="外观完好，配件齐全",
        return_engineer_signature=_signature("engineer", "张伟", _at(17, 5), 2),
        return_customer_signature=_signature("customer", "王海燕", _at(17, 6), 5),
    )
    return replace(doc, **changes) if changes else doc


def sample_complaint_report(**changes: Any) -> ComplaintFeedbackReport:
    doc = ComplaintFeedbackReport(
        complaint_number="C-C01-20261126-002",
        customer_name="天津滨海新区港航物流有限公司",
        customer_code="GHWL",
        about="engineer",
        about_label_zh="服务工程师",
        about_label_en="Engineer",
        subject_name="张伟",
        request_number="R-C01-20261125-017",
        slip_numbers=("S-E07-20261125-003",),
        description="工程师到场晚于约定时间约 40 分钟，且未提前电话告知。",
        received_via="phone",
        received_at=_at(9, 30) + timedelta(days=1),
        routed_to="account_manager",
        routed_to_zh="客户经理",
        routed_to_en="Account manager",
        handler_name="赵敏",
        response_due_at=_at(17, 30) + timedelta(days=1),
        responses=(ComplaintResponseView("已与工程师核实并致歉；今后晚到将提前 30 分钟电话告知。",
                                         "赵敏", _at(11, 0) + timedelta(days=1)),),
        first_response_at=_at(11, 0) + timedelta(days=1),
        response_on_time=True,
        closed_at=_at(15, 0) + timedelta(days=1),
        closed_by="赵敏",
        outcome="客户接受致歉",
        customer_satisfied="yes",
        file_to_customer_archive=False,
    )
    return replace(doc, **changes) if changes else doc


def render_samples(out: Path) -> list[Path]:
    """Every document kind in its usual variants, as PDFs in `out` (and PNGs beside them)."""
    from fieldapp.documents.slip_pdf import render_slip_pdf
    from fieldapp.documents.workflow_pdf import (
        render_complaint_report_pdf,
        render_loaner_pdf,
        render_repair_intake_pdf,
        render_repair_return_pdf,
    )

    out.mkdir(parents=True, exist_ok=True)
    company = sample_company()
    long_text = "更换主板后逐项检测，" * 300
    draft = sample_slip(seal=None, sealed_at=None, signatures=())
    amended = sample_slip(amends_number="S-E07-20261125-001")
    renders: dict[str, Callable[[], bytes]] = {
        "slip-a4-customer": lambda: render_slip_pdf(sample_slip(), company),
        "slip-a4-company-en": lambda: render_slip_pdf(sample_slip(), company, copy="company",
                                                      language="en"),
        "slip-a4-long": lambda: render_slip_pdf(sample_slip(handling=long_text), company),
        "slip-a4-draft": lambda: render_slip_pdf(draft, company),
        "slip-a4-amends": lambda: render_slip_pdf(amended, company),
        "slip-receipt": lambda: render_slip_pdf(sample_slip(), company, layout="receipt"),
        "slip-receipt-draft-en": lambda: render_slip_pdf(draft, company, layout="receipt",
                                                         language="en"),
        "intake-a4": lambda: render_repair_intake_pdf(sample_repair_intake(), company),
        "intake-receipt": lambda: render_repair_intake_pdf(sample_repair_intake(), company,
                                                           layout="receipt"),
        "intake-a4-en": lambda: render_repair_intake_pdf(sample_repair_intake(), company,
                                                         language="en"),
        "return-a4": lambda: render_repair_return_pdf(sample_repair_return(), company),
        "return-receipt": lambda: render_repair_return_pdf(sample_repair_return(), company,
                                                           layout="receipt"),
        "loaner-a4": lambda: render_loaner_pdf(sample_loaner(), company),
        "loaner-receipt-company": lambda: render_loaner_pdf(sample_loaner(), company,
                                                            layout="receipt", copy="company"),
        "complaint-a4": lambda: render_complaint_report_pdf(sample_complaint_report(), company),
        "complaint-a4-en": lambda: render_complaint_report_pdf(sample_complaint_report(),
                                                               company, language="en"),
    }
    written = []
    for name, render in renders.items():
        path = out / f"{name}.pdf"
        path.write_bytes(render())
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "80", str(path), str(out / name)],
                           check=True)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for path in render_samples(Path(args[0] if args else "out/samples")):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
