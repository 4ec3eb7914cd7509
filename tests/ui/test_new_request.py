"""The new-request form checks as it is typed and on Save: every problem at once, each
under its field, in the user's language; what was typed stays. An engineer's own request
is assigned to them and shows in their work."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import func, select

from fieldapp.store.models import ServiceRequest
from tests.ui.conftest import wait_idle
from tests.ui.visit_helpers import new_request_dialog
from ui.kit import i18n
from ui.shell.main_window import MainWindow

PHONE_ZH = "联系电话只能填数字"


def _requests(store) -> int:  # type: ignore[no-untyped-def]
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(ServiceRequest)) or 0


def _shown(label) -> str:  # type: ignore[no-untyped-def]
    return label.text() if not label.isHidden() else ""


def test_a_phone_typed_as_abc_is_refused_next_to_the_field_as_it_is_typed(qtbot, ops):
    dialog = new_request_dialog(qtbot, ops)
    QTest.keyClicks(dialog.contact_phone, "abc")
    error = dialog.errors["contact_phone"]
    assert _shown(error).startswith(PHONE_ZH)
    # right under the phone box, in the same column
    def under_the_box() -> bool:
        box = dialog.contact_phone.mapTo(dialog, dialog.contact_phone.rect().bottomLeft())
        under = error.mapTo(dialog, error.rect().topLeft())
        return under.x() == box.x() and -4 <= under.y() - box.y() <= 12

    qtbot.waitUntil(under_the_box)  # once the form has laid the message out
    assert dialog.contact_phone.property("invalid") is True
    QTest.keyClick(dialog.contact_phone, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(dialog.contact_phone, "13900220000")
    assert _shown(error) == ""


def test_a_number_still_being_typed_is_not_called_too_short(qtbot, ops):
    dialog = new_request_dialog(qtbot, ops)
    QTest.keyClicks(dialog.contact_phone, "13")
    assert _shown(dialog.errors["contact_phone"]) == ""
    dialog.contact_phone.editingFinished.emit()  # the field is left
    assert "至少要有 3 位数字" in _shown(dialog.errors["contact_phone"])


def test_save_shows_every_problem_at_once_and_keeps_what_was_typed(qtbot, ops, store):
    dialog = new_request_dialog(qtbot, ops)
    before = _requests(store)
    dialog.contact_name.setText("孙丽")
    QTest.keyClicks(dialog.contact_phone, "abc")
    dialog.requested_at.edit.setText("昨天上午")
    dialog.answered_at.edit.setText("2026-13-45 25:00")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert _shown(dialog.errors["fault_reported"]) == "请填写故障现象。"
    assert _shown(dialog.errors["contact_phone"]).startswith(PHONE_ZH)
    assert _shown(dialog.requested_at.error).startswith("时间格式应为")
    assert _shown(dialog.answered_at.error).startswith("时间格式应为")
    assert _shown(dialog.errors["contact_name"]) == "" and _shown(dialog.general_error) == ""
    assert dialog.isVisible()
    # nothing saved, nothing cleared
    wait_idle(qtbot, ops)
    assert _requests(store) == before
    assert (dialog.contact_name.text(), dialog.contact_phone.text(),
            dialog.requested_at.edit.text(), dialog.answered_at.edit.text()) == (
        "孙丽", "abc", "昨天上午", "2026-13-45 25:00")


def test_the_messages_follow_a_language_switch(qtbot, ops):
    dialog = new_request_dialog(qtbot, ops)
    QTest.keyClicks(dialog.contact_phone, "abc")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    i18n.set_language("en")
    assert _shown(dialog.errors["contact_phone"]).startswith("The contact phone may contain")
    assert _shown(dialog.errors["fault_reported"]) == "Please enter the fault as reported."
    i18n.set_language("zh")
    assert _shown(dialog.errors["fault_reported"]) == "请填写故障现象。"


def test_once_corrected_the_request_is_saved(qtbot, ops, store):
    dialog = new_request_dialog(qtbot, ops)
    before = _requests(store)
    QTest.keyClicks(dialog.contact_phone, "abc")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    dialog.contact_phone.setText("022-2345 6789 转 801")
    dialog.fault.setPlainText("财务室打印机卡纸")
    with qtbot.waitSignal(dialog.created, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert _requests(store) == before + 1


def test_an_engineers_own_request_is_theirs_and_shows_in_their_work(qtbot, ops, settings):
    settings.set("role", "engineer")
    settings.save()
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, ops)
    window.new_request()
    dialog = window.request_dialog
    qtbot.waitUntil(lambda: dialog.engineer.count() > 1)
    assert dialog.engineer.currentText().startswith("E07 ")
    dialog.contact_phone.setText("13900220000")
    dialog.fault.setPlainText("会议室投影仪无信号")
    with qtbot.waitSignal(dialog.created, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    model = window.requests_model
    qtbot.waitUntil(lambda: not model.loading and any(
        model.row_at(r).fault_reported == "会议室投影仪无信号" for r in range(model.rowCount())))
    assert window.mine and model.row_at(0).fault_reported == "会议室投影仪无信号"
