"""生成服务分析报告 / Make a service report: from the staff laptop's Findings tab, staff ask
the archive for a customer's report (a customer asked by phone); the dialog says what was
made, or in one line what is wrong, in the screen's language."""

from __future__ import annotations

from datetime import date

from fieldapp.services import reports
from fieldapp.services.reports import MadeReport
from fieldapp.sync.errors import ServerError
from tests.ui.conftest import wait_idle
from tests.ui.test_language import untranslated
from ui.kit import i18n
from ui.shell.main_window import MainWindow
from ui.workflows.report_dialog import ReportDialog


def open_dialog(qtbot, ops, settings) -> ReportDialog:  # type: ignore[no-untyped-def]
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    window.show()
    page = window.findings_page
    assert page is not None and page.report_button.isVisible() is False  # tab not shown yet
    window.tabs.setCurrentWidget(page)
    assert page.report_button.text() == "生成服务分析报告…"
    page.report_button.click()
    dialog = page.report_dialog
    assert isinstance(dialog, ReportDialog)
    qtbot.waitUntil(lambda: dialog.customer.count() > 0, timeout=10_000)
    return dialog


def test_staff_make_a_customers_report_and_are_told_what_was_made(qtbot, ops, settings,
                                                                  monkeypatch):  # type: ignore[no-untyped-def]
    asked = []

    def make_report(_settings, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(kwargs)
        return MadeReport("3f2a9c1e-0000-4000-8000-000000000001", True, kwargs["customer_code"],
                          "天津港信息中心", kwargs["period_start"], kwargs["period_end"], 12)

    monkeypatch.setattr(reports, "make_report", make_report)
    dialog = open_dialog(qtbot, ops, settings)
    dialog.customer.setCurrentIndex(dialog.customer.findData("TJPORT"))
    dialog.start.setText("2026-07-01")
    dialog.end.setText("2026-09-30")
    dialog.requested_by.setText("陈晓红（电话）")
    dialog.make_button.click()
    qtbot.waitUntil(lambda: dialog.outcome.text() != "", timeout=10_000)
    assert asked == [dict(customer_code="TJPORT", period_start=date(2026, 7, 1),
                          period_end=date(2026, 9, 30), requested_by="陈晓红（电话）")]
    assert dialog.outcome.text() == (
        "已生成：天津港信息中心，2026-07-01 至 2026-09-30，服务请求 12 项"
        "（报告编号 3f2a9c1e-0000-4000-8000-000000000001），客户可在门户网站查看。")
    i18n.set_language("en")
    dialog.make_button.click()
    qtbot.waitUntil(lambda: dialog.outcome.text().startswith("Made:"), timeout=10_000)
    assert dialog.windowTitle() == "Make a service analysis report"
    assert untranslated(dialog, "en") == []
    wait_idle(qtbot, ops)


def test_what_is_wrong_is_one_line(qtbot, ops, settings, monkeypatch):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, ops, settings)
    dialog.end.setText("2026-9-30")
    dialog.make_button.click()
    assert dialog.error.text() == "日期须写成 YYYY-MM-DD，例如 2026-07-01。"

    dialog.end.setText("2026-09-30")  # the real service: this laptop has no archive set
    dialog.requested_by.setText("陈晓红")
    dialog.make_button.click()
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=10_000)
    assert dialog.error.text() == "尚未设置档案服务器，无法生成报告。"
    assert dialog.make_button.isEnabled()

    def refused(_settings, **_kwargs):  # type: ignore[no-untyped-def]
        raise ServerError(404, "档案中没有客户 TJPORT。", "The archive has no customer TJPORT.")

    monkeypatch.setattr(reports, "make_report", refused)
    dialog.make_button.click()
    qtbot.waitUntil(lambda: dialog.error.text() == "档案中没有客户 TJPORT。", timeout=10_000)
    assert dialog.outcome.text() == ""
    wait_idle(qtbot, ops)
