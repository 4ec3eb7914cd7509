"""The verification QR payload: built from slip number and seal, read back, junk refused."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from fieldapp.documents import DocumentError, parse_qr_payload, qr_payload, render_slip_pdf
from fieldapp.documents.qr import qr_runs
from fieldapp.documents.sample import SAMPLE_SEAL, sample_company, sample_slip

from .conftest import require_tool

SLIP = "S-E07-20261125-003"


def test_payload_is_the_verify_url_with_slip_and_seal() -> None:
    text = qr_payload(SLIP, SAMPLE_SEAL, "https://fw.example.cn/verify")
    assert text == f"https://fw.example.cn/verify?slip={SLIP}&seal={SAMPLE_SEAL}"
    assert parse_qr_payload(text) == (SLIP, SAMPLE_SEAL)


def test_payload_without_verify_url_uses_the_app_scheme() -> None:
    text = qr_payload(SLIP, SAMPLE_SEAL, "")
    assert text == f"fieldapp:verify?slip={SLIP}&seal={SAMPLE_SEAL}"
    assert parse_qr_payload(text) == (SLIP, SAMPLE_SEAL)


def test_verify_url_that_already_has_a_query_gets_more_parameters() -> None:
    text = qr_payload(SLIP, SAMPLE_SEAL, "https://fw.example.cn/v?tenant=tj")
    assert text.startswith("https://fw.example.cn/v?tenant=tj&slip=")
    assert parse_qr_payload(text) == (SLIP, SAMPLE_SEAL)


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "hello",
        "https://fw.example.cn/verify?slip=S-1",
        f"https://fw.example.cn/verify?seal={SAMPLE_SEAL}",
        "https://fw.example.cn/verify?slip=S-1&seal=not-hex",
        f"mailto:x@example.cn?slip=S-1&seal={SAMPLE_SEAL}",
        f"fieldapp:verify?slip=&seal={SAMPLE_SEAL}",
    ],
)
def test_junk_payloads_are_refused(junk: str) -> None:
    with pytest.raises(DocumentError) as info:
        parse_qr_payload(junk)
    assert info.value.zh and info.value.en


def test_payload_needs_a_real_seal() -> None:
    with pytest.raises(DocumentError):
        qr_payload(SLIP, "abc", "")


def test_qr_is_drawn_from_merged_runs_of_dark_modules() -> None:
    modules, runs = qr_runs(qr_payload(SLIP, SAMPLE_SEAL, ""))
    assert modules > 21
    assert all(length >= 1 for _row, _x, length in runs)
    assert len(runs) < modules * modules / 2


def _decode_qr(pdf: bytes, tmp_path: Path) -> list[str]:
    require_tool("pdftoppm")
    zbarimg = require_tool("zbarimg")
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
    )
    image = next(tmp_path.glob("page-*.png"))
    out = subprocess.run([zbarimg, "-q", "--raw", str(image)], capture_output=True, check=False)
    return [line for line in out.stdout.decode("utf-8").splitlines() if line]


def test_printed_qr_decodes_to_the_slip_number_and_seal(a4_pdf: bytes, tmp_path: Path) -> None:
    company = sample_company()
    assert _decode_qr(a4_pdf, tmp_path) == [qr_payload(SLIP, SAMPLE_SEAL, company.verify_url)]


def test_receipt_qr_decodes_too(receipt_pdf: bytes, tmp_path: Path) -> None:
    [payload] = _decode_qr(receipt_pdf, tmp_path)
    assert parse_qr_payload(payload) == (SLIP, SAMPLE_SEAL)


def test_copy_without_verify_url_carries_the_app_scheme_payload(
    cjk_font: Path, tmp_path: Path
) -> None:
    pdf = render_slip_pdf(sample_slip(), sample_company(verify_url=""))
    assert _decode_qr(pdf, tmp_path) == [qr_payload(SLIP, SAMPLE_SEAL, "")]
