"""Who the documents speak for (issue 17 item 5, R5.2): the company's name, address and
hotline as set up, and the verify page printed in the QR code — a phone opens
`https://…/portal/verify?slip=…&seal=…`, derived from the archive's address when no other
is set. Until they are set, the copy says so plainly instead of printing "fieldapp" and
"—"."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldapp.base.settings import Settings, identity_missing
from fieldapp.documents import parse_qr_payload, qr_payload, render_slip_pdf
from fieldapp.documents.qr import verify_address
from fieldapp.documents.sample import sample_slip
from fieldapp.documents.views import company_info
from tests.documents.conftest import pdf_text, require_tool

SEAL = "ab" * 32


def decoded_qr(pdf: bytes, tmp_path: Path) -> list[str]:
    """What a phone reads from the first page's QR code (zbarimg)."""
    import subprocess

    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    subprocess.run([require_tool("pdftoppm"), "-r", "200", "-png", "-f", "1", "-l", "1",
                    str(path), str(tmp_path / "page")], check=True)
    image = next(tmp_path.glob("page-*.png"))
    out = subprocess.run([require_tool("zbarimg"), "-q", "--raw", str(image)],
                         capture_output=True, check=False)
    return [line for line in out.stdout.decode("utf-8").splitlines() if line]


def _settings(tmp_path: Path, **values: str) -> Settings:
    settings = Settings.in_dir(tmp_path / "settings")
    for key, value in values.items():
        settings.set(key, value)
    return settings


COMPANY = {"company_name": "津海信息技术服务有限公司",
           "company_address": "天津市和平区南京路 189 号",
           "company_hotline": "022-5829 6600", "complaint_hotline": "400-022-6600"}


@pytest.mark.parametrize(("verify_url", "archive_url", "expected"), [
    ("", "https://fw.jinhai-it.example.cn", "https://fw.jinhai-it.example.cn/portal/verify"),
    ("", "https://fw.jinhai-it.example.cn/", "https://fw.jinhai-it.example.cn/portal/verify"),
    ("", "http://10.0.0.5:8800", "http://10.0.0.5:8800/portal/verify"),
    ("https://check.example.cn/v", "https://fw.example.cn", "https://check.example.cn/v"),
    ("", "", ""),
    ("", "fw.example.cn", ""),  # no scheme: no address a phone could open
])
def test_the_verify_page_is_the_archives_own_unless_another_is_set(
        verify_url: str, archive_url: str, expected: str) -> None:
    assert verify_address(verify_url, archive_url) == expected


def test_the_qr_of_a_configured_archive_is_a_link_the_portal_reads_back() -> None:
    url = verify_address("", "https://fw.jinhai-it.example.cn")
    payload = qr_payload("S-E07-20261125-003", SEAL, url)
    assert payload == ("https://fw.jinhai-it.example.cn/portal/verify"
                       f"?slip=S-E07-20261125-003&seal={SEAL}")
    assert parse_qr_payload(payload) == ("S-E07-20261125-003", SEAL)


def test_every_identity_setting_is_missing_by_default(tmp_path: Path) -> None:
    assert identity_missing(_settings(tmp_path)) == (
        "company_name", "company_address", "company_hotline", "verify_url")
    only_complaints = _settings(tmp_path, complaint_hotline="400-022-6600",
                                archive_url="https://fw.example.cn")
    assert identity_missing(only_complaints) == ("company_name", "company_address")
    assert identity_missing(_settings(tmp_path, **COMPANY, verify_url="https://x.cn/v")) == ()


def test_an_unconfigured_copy_says_so_instead_of_printing_fieldapp(tmp_path: Path) -> None:
    company = company_info(_settings(tmp_path))
    assert company.name == "" and company.verify_url == ""
    text = pdf_text(render_slip_pdf(sample_slip(), company), tmp_path)
    assert "（公司名称未设置）" in text
    assert "出具单位信息未设置：缺公司名称、公司地址、服务热线。请在“设置”中填写。" in text
    assert "客户服务中心热线（未设置）" in text
    assert "fieldapp" not in text.lower() and "热线—" not in text
    english = pdf_text(render_slip_pdf(sample_slip(), company, language="en"), tmp_path)
    assert "(companynamenotset)" in english
    assert "Issuingcompanynotconfigured:name,address,hotlinemissing." in english


def test_a_configured_copy_names_the_company_and_its_qr_opens_the_portal(
        tmp_path: Path) -> None:
    settings = _settings(tmp_path, **COMPANY, archive_url="https://fw.jinhai-it.example.cn")
    company = company_info(settings)
    pdf = render_slip_pdf(sample_slip(), company)
    text = pdf_text(pdf, tmp_path)
    assert "津海信息技术服务有限公司" in text and "未设置" not in text
    assert "客户服务中心热线400-022-6600" in text
    slip = sample_slip()
    assert decoded_qr(pdf, tmp_path) == [
        f"https://fw.jinhai-it.example.cn/portal/verify?slip={slip.slip_number}"
        f"&seal={slip.seal}"]


def test_the_receipt_says_it_too(tmp_path: Path) -> None:
    text = pdf_text(render_slip_pdf(sample_slip(), company_info(_settings(tmp_path)),
                                    layout="receipt"), tmp_path)
    assert "（公司名称未设置）" in text and "出具单位信息未设置" in text
