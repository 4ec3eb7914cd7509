"""The archive speaks for the company as configured, like the laptop (issue 17 item 5): with
the FIELDAPP_ARCHIVE_COMPANY_* settings unset, the portal's pages, copies and quotations say
that the company is not configured (（公司名称未设置）…) instead of printing "fieldapp", and
`serve` / `init` warn in one line naming the variables to set."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fieldapp.archive.cli import cli as archive_cli
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.portal.copies import company
from fieldapp.documents import render_slip_pdf
from fieldapp.documents.sample import sample_slip
from tests.documents.conftest import pdf_text

pytestmark = pytest.mark.any_moment  # nothing here may depend on the day

CONFIGURED = {"FIELDAPP_ARCHIVE_COMPANY_NAME": "津海信息技术服务有限公司",
              "FIELDAPP_ARCHIVE_COMPANY_ADDRESS": "天津市和平区南京路 189 号",
              "FIELDAPP_ARCHIVE_COMPANY_HOTLINE": "022-5829 6600",
              "FIELDAPP_ARCHIVE_VERIFY_URL": "https://fw.jinhai-it.example.cn/portal/verify"}


@pytest.fixture(autouse=True)
def no_company(monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer's own environment must not set the company for these tests."""
    for key in (*CONFIGURED, "FIELDAPP_ARCHIVE_COMPLAINT_HOTLINE"):
        monkeypatch.delenv(key, raising=False)


def test_unset_company_settings_are_named_not_filled_in() -> None:
    issuer = company(ArchiveSettings())
    assert issuer.name == "" and issuer.hotline == "" and issuer.address == ""
    assert issuer.unconfigured == ("company_name", "company_address", "company_hotline",
                                   "verify_url")


def test_a_complaint_hotline_stands_in_for_the_hotline_as_on_the_laptop(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in CONFIGURED.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("FIELDAPP_ARCHIVE_COMPANY_HOTLINE")
    monkeypatch.setenv("FIELDAPP_ARCHIVE_COMPLAINT_HOTLINE", "400-022-6600")
    settings = ArchiveSettings()
    assert company(settings).unconfigured == ()
    assert settings.identity_warning() == ""


def test_the_portal_copy_says_the_company_is_not_configured(tmp_path: Path) -> None:
    text = pdf_text(render_slip_pdf(sample_slip(), company(ArchiveSettings()), layout="a4",
                                    copy="customer", language="zh"), tmp_path)
    assert "（公司名称未设置）" in text and "出具单位信息未设置" in text
    assert "fieldapp" not in text


def test_a_configured_company_prints_and_no_notice(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    for key, value in CONFIGURED.items():
        monkeypatch.setenv(key, value)
    text = pdf_text(render_slip_pdf(sample_slip(), company(ArchiveSettings()), layout="a4",
                                    copy="customer", language="zh"), tmp_path)
    assert "津海信息技术服务有限公司" in text
    assert "未设置" not in text


def test_init_warns_in_one_line_until_the_company_is_set(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    db = ["--db", str(tmp_path / "a.db")]
    runner = CliRunner()
    unset = runner.invoke(archive_cli, [*db, "init"])
    assert unset.exit_code == 0 and unset.stdout == "数据库结构已就绪（sqlite）。\n"
    lines = unset.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("注意：公司信息未设置")
    assert "FIELDAPP_ARCHIVE_COMPANY_NAME" in lines[0]
    english = runner.invoke(archive_cli, ["--lang", "en", *db, "init"])
    assert english.stderr.startswith("Note: the company is not set up (FIELDAPP_ARCHIVE_")
    for key, value in CONFIGURED.items():
        monkeypatch.setenv(key, value)
    assert runner.invoke(archive_cli, [*db, "init"]).stderr == ""


def test_serve_warns_before_it_listens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                       ) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)  # do not listen
    result = CliRunner().invoke(archive_cli, ["--db", str(tmp_path / "a.db"), "serve"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("注意：")]
    assert len(warnings) == 1 and "FIELDAPP_ARCHIVE_VERIFY_URL" in warnings[0]
