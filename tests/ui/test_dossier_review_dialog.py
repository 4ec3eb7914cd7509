"""客户档案审核 / Dossier review: from the staff laptop's Findings tab, the centre sees the
group dossier's records whose submissions wait (from the archive's /dossier/pending),
accepts one or returns it with a reason (/dossier/review, through
fieldapp.services.dossier_desk); what is wrong is one line in the screen's language.
The service itself, against a running archive: tests/archive/test_dossier_desk.py."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from fieldapp.base.errors import FieldIssue, ValidationError
from fieldapp.services import dossier_desk
from fieldapp.services.dossier_desk import PendingRow
from fieldapp.sync.errors import ServerError
from tests.ui.conftest import wait_idle
from tests.ui.test_language import untranslated
from tests.ui.workflow_helpers import findings_page
from ui.kit import i18n
from ui.workflows.dossier_review_dialog import DossierReviewDialog

AT = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)  # 10:30 in Tianjin
ROWS = (
    PendingRow("W-E07-20261124-001", ("问题集", "Problem set"), "TJPORT", "天津港信息中心",
               "E07", AT, "打印服务器频繁重启", 2),
    PendingRow("J-E07-20261124-001", ("服务建议", "Suggestion"), "TJPORT", "天津港信息中心",
               "E07", AT, "建议为机房配备备用硒鼓", 1),
)


def open_dialog(qtbot, ops, settings) -> DossierReviewDialog:  # type: ignore[no-untyped-def]
    page = findings_page(qtbot, ops, settings)
    assert page.review_button.text() == "客户档案审核…"
    page.review_button.click()
    dialog = page.review_dialog
    assert isinstance(dialog, DossierReviewDialog)
    return dialog


def test_staff_accept_one_record_and_return_another_with_a_reason(
        qtbot, ops, settings, monkeypatch):  # type: ignore[no-untyped-def]
    rows = list(ROWS)
    verdicts = []

    def review(_settings, reference, *, returned, reviewer, comment=""):  # type: ignore[no-untyped-def]
        if returned and not comment.strip():
            raise ValidationError([FieldIssue("comment", "required", "退回时请写明原因。",
                                              "Say why it is returned.")])
        verdicts.append((reference, returned, reviewer.strip(), comment.strip()))
        waiting = next(r.waiting for r in rows if r.reference == reference)
        rows[:] = [r for r in rows if r.reference != reference]
        return waiting

    monkeypatch.setattr(dossier_desk, "fetch", lambda _settings: tuple(rows))
    monkeypatch.setattr(dossier_desk, "review", review)
    dialog = open_dialog(qtbot, ops, settings)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=10_000)
    model = dialog.model
    assert [model.index(0, c).data() for c in range(7)] == [
        "2026-11-24 10:30", "问题集", "天津港信息中心", "W-E07-20261124-001", "E07", "2",
        "打印服务器频繁重启"]
    dialog.view.selectRow(0)
    assert dialog.detail.text() == ("问题集 W-E07-20261124-001 · 天津港信息中心 · 提交人 E07 · "
                                    "待审核 2 条\n打印服务器频繁重启")
    dialog.reviewer.setText(" 王芳 ")
    dialog.return_button.click()  # no reason: refused in one line, nothing sent
    qtbot.waitUntil(lambda: dialog.error.text() == "退回时请写明原因。", timeout=10_000)
    assert verdicts == [] and dialog.model.rowCount() == 2
    dialog.comment.setText("请写明更换的配件型号。")
    dialog.return_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    assert verdicts == [("W-E07-20261124-001", True, "王芳", "请写明更换的配件型号。")]
    assert dialog.detail.text() == ("W-E07-20261124-001 的 2 条提交已退回，"
                                    "工程师同步后可以看到原因。")
    assert dialog.comment.text() == ""  # a reason is for one record only
    dialog.view.selectRow(0)
    dialog.accept_button.click()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0, timeout=10_000)
    assert verdicts[-1] == ("J-E07-20261124-001", False, "王芳", "")
    assert dialog.detail.text().startswith("J-E07-20261124-001 的 1 条提交已审核通过")
    i18n.set_language("en")
    assert dialog.windowTitle() == "Dossier review (service centre)"
    assert untranslated(dialog, "en") == []
    wait_idle(qtbot, ops)


def test_what_is_wrong_is_one_line(qtbot, ops, settings, monkeypatch):  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, ops, settings)  # the real service: no archive set here
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=10_000)
    assert dialog.error.text() == "尚未设置档案服务器，客户档案在那里审核。"
    assert dialog.refresh_button.isEnabled()

    def refused(_settings):  # type: ignore[no-untyped-def]
        raise ServerError(403, "只有服务中心可以审核客户档案。",
                          "Only the service centre reviews the dossier.")

    monkeypatch.setattr(dossier_desk, "fetch", refused)
    dialog.refresh_button.click()
    qtbot.waitUntil(lambda: dialog.error.text().startswith("只有服务中心"), timeout=10_000)
    dialog.decide(returned=False)
    assert dialog.error.text() == "请先选择一条记录。"
    wait_idle(qtbot, ops)


def test_the_screenshot(qtbot, ops, settings, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    """FIELDAPP_SCREENSHOT_DIR=<dir> keeps dossier-review-zh.png (taken under Xvfb at
    1280x680 for docs/screenshots)."""
    monkeypatch.setattr(dossier_desk, "fetch", lambda _settings: ROWS)
    dialog = open_dialog(qtbot, ops, settings)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=10_000)
    dialog.view.selectRow(0)
    dialog.reviewer.setText("王芳")
    heights = [w.height() for w in (dialog.accept_button, dialog.return_button,
                                    dialog.reviewer, dialog.comment)]
    assert min(heights) >= 44, heights
    folder = Path(os.environ.get("FIELDAPP_SCREENSHOT_DIR") or tmp_path)
    assert dialog.grab().save(str(folder / "dossier-review-zh.png"))
    wait_idle(qtbot, ops)
