"""`fieldapp pdf` and `fieldapp print` say in one line while the company the documents
speak for is not set up (issue 17 item 5); set up, they say nothing more."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from fieldapp.base.settings import Settings
from fieldapp.cli import cli
from fieldapp.services.setup import identity_warning

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext missing (apt install poppler-utils)")


@pytest.fixture
def run(tmp_path):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    data = ["--data-dir", str(tmp_path / "data")]
    assert runner.invoke(cli, [*data, "demo", "--requests", "8"]).exit_code == 0
    return lambda *args: runner.invoke(cli, [*data, *args])


def _sealed(run) -> str:  # type: ignore[no-untyped-def]
    return json.loads(run("slips", "list", "--status", "sealed", "--json").output)[0]["number"]


def test_the_warning_names_what_is_missing_in_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings.in_dir(tmp_path)
    assert identity_warning(settings, "zh") == (
        "注意：单据上的公司信息未设置（公司名称、公司地址、服务热线、单据验证网址），"
        "单据将注明“未设置”；请在“设置”中填写。")
    assert identity_warning(settings, "en").startswith(
        "Note: the company on the documents is not set up (company name, company address, "
        "service hotline, slip verification address)")
    for key, value in (("company_name", "津海信息"), ("company_address", "南京路 189 号"),
                       ("complaint_hotline", "400-022-6600"),
                       ("archive_url", "https://fw.example.cn")):
        settings.set(key, value)
    assert identity_warning(settings) == ""


def test_pdf_warns_until_the_company_is_set_up(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    number = _sealed(run)
    result = run("pdf", number, "-o", str(tmp_path / "copy.pdf"))
    assert result.exit_code == 0
    warning = [line for line in result.stderr.splitlines() if line]
    assert len(warning) == 1 and warning[0].startswith("注意：单据上的公司信息未设置")
    settings = Settings.in_dir(tmp_path / "data")
    for key, value in (("company_name", "津海信息技术服务有限公司"),
                       ("company_address", "天津市和平区南京路 189 号"),
                       ("company_hotline", "022-5829 6600"),
                       ("archive_url", "https://fw.jinhai-it.example.cn")):
        settings.set(key, value)
    settings.save()
    quiet = run("pdf", number, "-o", str(tmp_path / "copy2.pdf"))
    assert quiet.exit_code == 0 and quiet.stderr == ""
