"""A realistic sample slip (a Tianjin customer, a printer fault), for previews and tests.

    python -m fieldapp.documents.sample [OUT_DIR]

writes the A4 and receipt copies (and their PNG pages, when pdftoppm is installed) to
OUT_DIR (default ``out/samples``). Nothing here is real data.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from fieldapp.documents.model import (
    ClockView,
    CompanyInfo,
    DeviceView,
    FeeLineView,
    SignatureView,
    SlipDocument,
    Stroke,
)

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


def sample_slip(**changes: object) -> SlipDocument:
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
    return replace(doc, **changes) if changes else doc  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    from fieldapp.documents.slip_pdf import render_slip_pdf

    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "out/samples")
    out.mkdir(parents=True, exist_ok=True)
    company = sample_company()
    long_text = "更换主板后逐项检测，" * 300
    variants = {
        "slip-a4-customer": (sample_slip(), {"layout": "a4"}),
        "slip-a4-company-en": (
            sample_slip(),
            {"layout": "a4", "copy": "company", "language": "en"},
        ),
        "slip-a4-long": (sample_slip(handling=long_text), {"layout": "a4"}),
        "slip-a4-draft": (sample_slip(seal=None, sealed_at=None, signatures=()), {"layout": "a4"}),
        "slip-receipt": (sample_slip(), {"layout": "receipt"}),
    }
    for name, (doc, options) in variants.items():
        path = out / f"{name}.pdf"
        path.write_bytes(render_slip_pdf(doc, company, **options))  # type: ignore[arg-type]
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "80", str(path), str(out / name)], check=True)
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
