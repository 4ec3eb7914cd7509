"""报告计划 / Report schedule, the report dialog's second tab (issue 20 item 1): staff see
which reports the customer's contract promises, to whom and from how much data, change
them and save them on the archive; what is wrong is one line in the screen's language."""

from __future__ import annotations

from datetime import date

from fieldapp.services import reports
from fieldapp.services.reports import ScheduleView
from fieldapp.sync.errors import ServerError
from tests.ui.conftest import wait_idle
from tests.ui.test_language import untranslated
from tests.ui.test_report_dialog import open_dialog
from ui.kit import i18n

DEFAULTS = ScheduleView("FW-PORT-26", date(2026, 11, 1), date(2027, 10, 31),
                        ("quarterly", "half_yearly", "yearly", "contract_end", "proactive"), (),
                        (("刘洋 <liuyang@tjport.cn>",) * 2,
                         ("陈晓红（客户经理）", "陈晓红 (account manager)")), 50, 1, 30, True, "")


def test_staff_see_and_change_a_contracts_schedule(qtbot, ops, settings, monkeypatch):  # type: ignore[no-untyped-def]
    asked, saved = [], []
    monkeypatch.setattr(reports, "schedules",
                        lambda _s, code: asked.append(code) or (DEFAULTS,))

    def save_schedule(_settings, contract, **values):  # type: ignore[no-untyped-def]
        saved.append((contract, values))
        return ScheduleView(contract, DEFAULTS.starts_on, DEFAULTS.ends_on, values["kinds"],
                            values["recipients"], tuple((r, r) for r in values["recipients"]),
                            values["min_coverage_percent"], values["min_requests"],
                            values["contract_end_days"], False, values["updated_by"],
                            values["mail"])

    monkeypatch.setattr(reports, "save_schedule", save_schedule)
    dialog = open_dialog(qtbot, ops, settings)
    assert asked == []  # nothing fetched until the tab is looked at
    dialog.customer.setCurrentIndex(dialog.customer.findData("TJPORT"))
    dialog.tabs.setCurrentWidget(dialog.schedule)
    panel = dialog.schedule
    qtbot.waitUntil(lambda: panel.contract.count() == 1, timeout=10_000)
    assert asked == ["TJPORT"]
    assert panel.contract.currentText() == "FW-PORT-26（2026-11-01 – 2027-10-31）"
    assert all(box.isChecked() for box in panel.kinds.values())
    assert (panel.coverage.text(), panel.requests.text(), panel.end_days.text()) == (
        "50", "1", "30")
    assert panel.state.text() == ("当前为默认计划。 实际报送：刘洋 <liuyang@tjport.cn>、"
                                  "陈晓红（客户经理）")
    panel.kinds["quarterly"].setChecked(False)
    panel.kinds["half_yearly"].setChecked(False)
    panel.recipients.setText("刘洋 <liuyang@tjport.cn>；陈晓红")
    panel.requests.setText("5")
    panel.end_days.setText("60")
    panel.updated_by.setText("陈晓红")
    assert panel.mail.isChecked()  # reports are e-mailed unless staff say otherwise
    panel.mail.setChecked(False)
    panel.save_button.click()
    qtbot.waitUntil(lambda: panel.state.text().startswith("已保存。"), timeout=10_000)
    assert saved == [("FW-PORT-26", dict(
        kinds=("yearly", "contract_end", "proactive"),
        recipients=("刘洋 <liuyang@tjport.cn>", "陈晓红"), min_coverage_percent=50,
        min_requests=5, contract_end_days=60, updated_by="陈晓红", mail=False))]
    assert "由 陈晓红 设定。" in panel.state.text()
    i18n.set_language("en")
    assert dialog.tabs.tabText(1) == "Report schedule"
    assert panel.kinds["contract_end"].text() == "Before the contract ends"
    assert untranslated(dialog, "en") == []
    wait_idle(qtbot, ops)


def test_what_is_wrong_is_one_line(qtbot, ops, settings, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(reports, "schedules", lambda _s, _code: (DEFAULTS,))

    def refused(_settings, _contract, **_values):  # type: ignore[no-untyped-def]
        raise ServerError(422, "未知的报告类型：weekly。", "Unknown report kinds: weekly.")

    monkeypatch.setattr(reports, "save_schedule", refused)
    dialog = open_dialog(qtbot, ops, settings)
    dialog.tabs.setCurrentWidget(dialog.schedule)
    panel = dialog.schedule
    qtbot.waitUntil(lambda: panel.contract.count() == 1, timeout=10_000)
    panel.coverage.setText("五十")
    panel.save_button.click()
    assert panel.error.text() == "最低数据量和天数须为整数。"
    panel.coverage.setText("50")
    panel.save_button.click()
    qtbot.waitUntil(lambda: panel.error.text() != "", timeout=10_000)
    assert panel.error.text() == "未知的报告类型：weekly。" and panel.save_button.isEnabled()
    wait_idle(qtbot, ops)


def test_without_an_archive_the_tab_says_so(qtbot, ops, settings):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, ops, settings)
    dialog.tabs.setCurrentWidget(dialog.schedule)
    qtbot.waitUntil(lambda: dialog.schedule.error.text() != "", timeout=10_000)
    assert dialog.schedule.error.text() == "尚未设置档案服务器，报告计划保存在那里。"
    wait_idle(qtbot, ops)
