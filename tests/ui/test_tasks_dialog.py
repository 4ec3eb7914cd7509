"""任务 / Tasks: from the staff laptop's Findings tab, staff see the archive's tasks (a
finding, a breached SLA clock, an overdue complaint) for the account managers and the
centre, and mark one done, saying who; what is wrong is one line in the screen's language."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from fieldapp.services import tasks
from fieldapp.services.tasks import TaskRow
from fieldapp.sync.errors import ServerError
from tests.ui.conftest import wait_idle
from tests.ui.test_language import untranslated
from tests.ui.workflow_helpers import findings_page
from ui.kit import i18n
from ui.workflows.tasks_dialog import TasksDialog

MADE = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)  # 2026-11-21 00:00 in Tianjin
ROWS = (
    TaskRow(2, "sla", "TJPORT", "天津港信息中心", "", "R-20261118-004",
            "天津港信息中心 的请求 R-20261118-004 现场到达超时"
            "（截止 2026-11-18 12:00，仍未完成）。",
            "Request R-20261118-004 of 天津港信息中心: On-site arrival breached.", MADE, None, ""),
    TaskRow(1, "complaint", "TJPORT", "天津港信息中心", "陈晓红", "C-C01-20261117-001",
            "投诉 C-C01-20261117-001 承诺在 2026-11-18 10:00 前答复，至今未答复。",
            "Complaint C-C01-20261117-001 was promised an answer by 2026-11-18 10:00; "
            "none has been given.", MADE, None, ""),
)


def open_dialog(qtbot, ops, settings) -> TasksDialog:  # type: ignore[no-untyped-def]
    page = findings_page(qtbot, ops, settings)
    assert page.tasks_button.text() == "任务…"
    page.tasks_button.click()
    dialog = page.tasks_dialog
    assert isinstance(dialog, TasksDialog)
    return dialog


def test_staff_see_the_tasks_and_mark_one_done(qtbot, ops, settings, monkeypatch, tmp_path
                                               ):  # type: ignore[no-untyped-def]
    rows = list(ROWS)
    asked = []

    def fetch(_settings, *, open_only=True):  # type: ignore[no-untyped-def]
        asked.append(open_only)
        return tuple(r for r in rows if not open_only or r.done_at is None)

    def mark_done(_settings, number, *, done_by):  # type: ignore[no-untyped-def]
        i = next(i for i, r in enumerate(rows) if r.number == number)
        rows[i] = dataclasses.replace(rows[i], done_at=MADE, done_by=done_by.strip())
        return rows[i]

    monkeypatch.setattr(tasks, "fetch", fetch)
    monkeypatch.setattr(tasks, "mark_done", mark_done)
    dialog = open_dialog(qtbot, ops, settings)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=10_000)
    model = dialog.model
    assert [model.index(0, c).data() for c in range(6)] == [
        "2", "2026-11-21 00:00", "SLA 超时", "天津港信息中心", "服务中心", "待办"]
    assert model.index(1, 4).data() == "陈晓红"
    dialog.view.selectRow(1)
    assert dialog.detail.text() == ("投诉 C-C01-20261117-001 承诺在 2026-11-18 10:00 前答复，"
                                    "至今未答复。\n涉及：C-C01-20261117-001")
    dialog.grab().save(str(tmp_path / "tasks-zh.png"))  # looked at (docs/desktop.md)
    dialog.done_by.setText(" 陈晓红 ")
    dialog.done_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)  # open ones only
    assert dialog.detail.text() == "任务 1 已标记完成（陈晓红）。"
    dialog.show_all.setChecked(True)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2 and asked[-1] is False,
                    timeout=10_000)
    assert model.index(1, 5).data() == "已完成（陈晓红，2026-11-21 00:00）"
    i18n.set_language("en")
    assert dialog.windowTitle() == "Tasks (account managers and the centre)"
    assert model.index(0, 2).data() == "SLA breached"
    assert untranslated(dialog, "en") == []
    wait_idle(qtbot, ops)


def test_what_is_wrong_is_one_line(qtbot, ops, settings, monkeypatch):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, ops, settings)  # the real service: no archive set here
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=10_000)
    assert dialog.error.text() == "尚未设置档案服务器，任务在那里生成。"
    assert dialog.refresh_button.isEnabled()

    def refused(_settings, **_kwargs):  # type: ignore[no-untyped-def]
        raise ServerError(403, "只有服务中心可以查看和处理任务。",
                          "Only the service centre sees and handles tasks.")

    monkeypatch.setattr(tasks, "fetch", refused)
    dialog.refresh_button.click()
    qtbot.waitUntil(lambda: dialog.error.text().startswith("只有"), timeout=10_000)
    dialog.mark_done()
    assert dialog.error.text() == "请先选择一个任务。"
    wait_idle(qtbot, ops)
