"""The repair quotation (维修报价单, R3.2) as PDF: parts and labour, the exact total in
figures and 大写, the validity, and the customer's answer as it stands."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine

from fieldapp.base.errors import NotFound
from fieldapp.base.settings import Settings
from fieldapp.documents.workflow_copies import render_document
from fieldapp.records import service_requests
from fieldapp.rules.validation import FeeLineInput
from fieldapp.services import repairs
from tests.core.conftest import store, world  # noqa: F401  (fixtures)
from tests.documents.conftest import pdf_text, require_tool
from tests.workflows.conftest import at, intake, sig

LINES = (FeeLineInput("parts", "主板（原厂 CF399-60001）", Decimal(1), Decimal("1280.00")),
         FeeLineInput("parts", "搓纸轮", Decimal(2), Decimal("45.50")),
         FeeLineInput("labour", "拆机检测与更换工时", Decimal("1.5"), Decimal("100.00")))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings.in_dir(tmp_path / "settings")
    for key, value in (("company_name", "津海信息技术服务有限公司"),
                       ("company_address", "天津市和平区南京路 189 号"),
                       ("company_hotline", "022-5829 6600"),
                       ("complaint_hotline", "400-022-6600"),
                       ("archive_url", "https://fw.jinhai-it.example.cn")):
        s.set(key, value)
    return s


@pytest.fixture
def repair_id(store, world):  # noqa: F811
    with store.read() as session:
        request_id = service_requests.get_request(session, world.request_number).id
    return repairs.send_in(store, request_id, intake(), operator_code="E07", now=at(160))


def _quotation(store, number, settings, *, minutes=240, **options):  # noqa: F811
    """The quotation as made `minutes` after the request (its validity is a week)."""
    with time_machine.travel(at(minutes), tick=False):
        return render_document(store, number, settings, kind="estimate", **options)


def _estimate(store, repair_id):  # noqa: F811
    return repairs.estimate(store, repair_id, repairs.Estimate(
        cost_fen=None, ready_at=at(1500), estimated_by="维修部 王强", lines=LINES,
        note="主板供电芯片烧毁，需整板更换"), operator_code="W01", language="zh",
        now=at(200))


def test_the_quotation_lists_parts_and_labour_with_the_exact_total(
        store, repair_id, settings, tmp_path):  # noqa: F811
    data = _estimate(store, repair_id)
    assert data.state.estimate_fen == 128_000 + 9_100 + 15_000
    pdf = _quotation(store, data.number, settings)
    text = pdf_text(pdf, tmp_path)
    assert "已过有效期" not in text
    for expected in ("维修报价单", "津海信息技术服务有限公司", data.number, "天津港信息中心",
                     "主板（原厂CF399-60001）", "搓纸轮", "¥45.50", "¥91.00", "配件费", "人工费",
                     "拆机检测与更换工时", "¥150.00", "¥1,521.00", "壹仟伍佰贰拾壹元整",
                     "报价有效期至", "2026-12-01", "□同意按以上报价维修",
                     "□不同意维修，设备不经维修归还", "400-022-6600"):
        assert expected in text, expected
    if os.environ.get("FIELDAPP_SHOW_PNG"):  # a look at it: pdftoppm -png
        import subprocess

        out = Path(os.environ["FIELDAPP_SHOW_PNG"])
        out.write_bytes(pdf)
        subprocess.run([require_tool("pdftoppm"), "-png", "-r", "80", str(out),
                        str(out.with_suffix(""))], check=True)


def test_an_approval_by_signature_is_ticked_with_who_and_when(
        store, repair_id, settings, tmp_path):  # noqa: F811
    data = _estimate(store, repair_id)
    repairs.confirm_by_signature(store, repair_id, repairs.SignedConfirmation(
        True, sig("孙丽", 3), data.state.estimate_id), operator_code="E07", language="zh",
        now=at(260))
    text = pdf_text(_quotation(store, data.number, settings, minutes=9 * 24 * 60), tmp_path)
    assert "已过有效期" not in text  # answered in time: a lapse later changes nothing
    assert "■同意按以上报价维修" in text and "□不同意维修" in text
    assert "签字确认" in text and "孙丽" in text and "2026-11-2414:20" in text


def test_the_english_quotation_reads_in_english(store, repair_id, settings, tmp_path):  # noqa: F811
    data = _estimate(store, repair_id)
    text = pdf_text(_quotation(store, data.number, settings, language="en"), tmp_path)
    assert "Repairquotation" in text and "Validuntil" in text and "¥1,521.00" in text
    assert "Iapprovetherepairatthisprice" in text


def test_an_unanswered_quotation_past_its_validity_says_it_lapsed(
        store, repair_id, settings, tmp_path):  # noqa: F811
    data = _estimate(store, repair_id)
    text = pdf_text(_quotation(store, data.number, settings, minutes=200 + 7 * 24 * 60 + 1),
                    tmp_path)
    assert "本报价已过有效期，不能再同意" in text and "□同意按以上报价维修" in text


def test_a_repair_not_estimated_has_no_quotation(store, repair_id, settings):  # noqa: F811
    number = repairs.load(store, repair_id, language="zh", now=at(170)).number
    with pytest.raises(NotFound) as err:
        render_document(store, number, settings, kind="estimate")
    assert err.value.zh == f"送修单 {number} 尚未报价，没有报价单。"
