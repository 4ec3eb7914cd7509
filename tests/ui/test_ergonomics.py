"""Field ergonomics: 44 px touch targets, shortcuts, keyboard reachability."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QLineEdit

from tests.ui.visit_helpers import window_on
from ui.kit.style import TOUCH_MIN
from ui.shell.main_window import MainWindow
from ui.shell.setup_dialog import SetupDialog


def test_every_button_is_a_44_px_touch_target(qtbot, ops, settings,
                                              onsite_request):  # type: ignore[no-untyped-def]
    window = window_on(qtbot, ops, settings, onsite_request)
    buttons = [b for b in window.findChildren(QAbstractButton) if b.isVisibleTo(window)
               and b.text()]
    assert len(buttons) > 15
    small = [(b.text(), b.sizeHint().height()) for b in buttons
             if b.sizeHint().height() < TOUCH_MIN]
    assert small == []
    edits = [e for e in window.findChildren(QLineEdit) if e.isVisibleTo(window)]
    assert all(e.sizeHint().height() >= TOUCH_MIN - 4 for e in edits)


def test_shortcuts_for_the_everyday_actions(qtbot, ops, settings):  # type: ignore[no-untyped-def]
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    shortcuts = {name: a.shortcut().toString() for name, a in window.actions_by_name.items()}
    assert shortcuts["new_request"] == QKeySequence("Ctrl+N").toString()
    assert shortcuts["search"] == QKeySequence("Ctrl+F").toString()
    assert shortcuts["print"] == QKeySequence("Ctrl+P").toString()
    assert shortcuts["refresh"] == "F5"
    window.show()
    window.actions_by_name["search"].trigger()
    assert window.focusWidget() is window.search


def test_first_start_refuses_a_bad_code_and_saves_a_good_one(qtbot, settings):  # type: ignore[no-untyped-def]
    settings.set("setup_done", False)
    dialog = SetupDialog(settings, first_start=True)
    qtbot.addWidget(dialog)
    dialog.edits["operator_code"].setText("e7!")
    dialog.try_accept()
    assert dialog.code_error.text() == "工号须为 2–8 位大写字母或数字。"
    assert dialog.result() == 0
    dialog.edits["operator_code"].setText("e09")
    dialog.edits["company_name"].setText("天津信达")
    dialog.try_accept()
    assert dialog.result() == 1
    from fieldapp.base.settings import Settings

    saved = Settings(settings.path)
    assert saved.get("operator_code") == "E09" and saved.get("setup_done") is True
    assert saved.get("company_name") == "天津信达"
