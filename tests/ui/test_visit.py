"""A whole visit, driven as the engineer and the customer would, checked in the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

from fieldapp.records import slips
from fieldapp.seal.sealing import verify_slip
from fieldapp.seal.signatures import strokes_from_json
from tests.ui.visit_helpers import (
    draw_with_mouse,
    draw_with_touch,
    fill_visit,
    idle,
    open_request,
    type_chinese,
)
from ui.shell.main_window import MainWindow

# Times typed with the now buttons, numbers of the local day: at every moment (tests/conftest.py).
pytestmark = pytest.mark.any_moment


def _window(qtbot, ops, settings) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.requests_model.rowCount() > 0, timeout=15_000)
    return window


def _sign(qtbot, window: MainWindow, role: str, draw) -> None:  # type: ignore[no-untyped-def]
    editor = window.editor
    qtbot.mouseClick(editor.sign_buttons[role], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.sign_view is not None and editor.sign_view.isVisible(),
                    timeout=15_000)
    view = editor.sign_view
    assert view is not None
    if role == "customer":
        # the customer first sees what they confirm: times, fee lines and 总计, in Chinese
        assert view.stack.currentWidget() is view.summary_page
        assert view.summary.total.text() == "总计：¥211.00"
        qtbot.mouseClick(view.agree_button, Qt.MouseButton.LeftButton)
    assert view.stack.currentWidget() is view.pad_page
    draw(view.pad)
    assert view.pad.point_count() >= 8
    qtbot.mouseClick(view.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.data is not None and editor.data.signature(role) is not None,
                    timeout=15_000)


def test_whole_visit_signed_by_touch_and_mouse_is_sealed_and_stored(
        qtbot, ops, settings, store, onsite_request, tmp_path):  # type: ignore[no-untyped-def]
    window = _window(qtbot, ops, settings)
    open_request(qtbot, window, onsite_request)
    fill_visit(qtbot, window)
    assert window.editor.total_label.text() == "总计：¥211.00"
    _sign(qtbot, window, "engineer", draw_with_touch)
    _sign(qtbot, window, "customer", draw_with_mouse)

    editor = window.editor
    assert editor.data is not None and editor.data.sealed
    assert editor.seal_label.text().endswith(editor.data.seal)
    assert editor.amend_widget.isVisibleTo(editor)
    assert editor.texts["handling"].isReadOnly()

    # the customer copy: preview rendered from the stored slip, saved as PDF, counted
    qtbot.mouseClick(editor.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.preview is not None and bool(window.preview.preview.pages),
                    timeout=30_000)
    window.preview.save_to(tmp_path / "customer-copy.pdf")
    assert (tmp_path / "customer-copy.pdf").read_bytes().startswith(b"%PDF")
    qtbot.waitUntil(lambda: editor.data.print_count == 1, timeout=15_000)

    with store.read() as session:
        slip = slips.get_slip(session, editor.data.id)
        assert slips.print_count(session, slip) == 1
        assert None not in (slip.arrived_at, slip.started_at, slip.solved_at, slip.departed_at)
        assert slip.arrived_at <= slip.started_at <= slip.solved_at <= slip.departed_at
        assert slip.fault_found == "打印机搓纸轮磨损，定影组件有残纸"
        assert slip.handling == "更换搓纸轮，清除残纸，测试打印50页正常"
        assert slip.result == "solved"
        assert [line.amount_fen for line in slip.fee_lines] == [12000, 9100]
        assert slip.total_fen == 21100
        assert {s.role for s in slip.signatures} == {"engineer", "customer"}
        touch = strokes_from_json(slip.signature("engineer").strokes)
        mouse = strokes_from_json(slip.signature("customer").strokes)
        assert len(touch) == 1 and len(mouse) == 1  # touch was not doubled by synthesised mice
        assert all(0 <= x <= 1000 and 0 <= y <= 400 for x, y, _t, _p in touch[0] + mouse[0])
        assert {p for *_xyt, p in mouse[0]} == {500}
        assert slip.signature("customer").signer_name == "孙丽"
        assert verify_slip(slip).ok


def test_amending_a_sealed_slip_needs_a_reason(qtbot, ops, settings, onsite_request):  # type: ignore[no-untyped-def]
    window = _window(qtbot, ops, settings)
    open_request(qtbot, window, onsite_request)
    fill_visit(qtbot, window)
    _sign(qtbot, window, "engineer", draw_with_mouse)
    _sign(qtbot, window, "customer", draw_with_touch)
    editor = window.editor
    sealed_id = editor.data.id
    qtbot.mouseClick(editor.amend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.error_text("amend") != "" or editor.amend_error.text() != "")
    assert "更正原因" in editor.amend_error.text()
    type_chinese(editor.amend_reason, "客户要求更正交通费")
    qtbot.mouseClick(editor.amend_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.data.id != sealed_id and not editor.data.sealed,
                    timeout=15_000)
    assert editor.data.amends_number is not None
    assert "客户要求更正交通费" in editor.banner.text()
    # the amendment is a draft again: its fee lines can be edited (after a sealed slip)
    assert editor.add_fee_button.isEnabled()
    count = editor.fee_model.rowCount()
    qtbot.mouseClick(editor.add_fee_button, Qt.MouseButton.LeftButton)
    assert editor.fee_model.rowCount() == count + 1


def test_pen_pressure_survives_into_the_stored_points(
        qtbot, ops, settings, store, onsite_request):  # type: ignore[no-untyped-def]
    window = _window(qtbot, ops, settings)
    open_request(qtbot, window, onsite_request)
    fill_visit(qtbot, window)
    editor = window.editor
    qtbot.mouseClick(editor.sign_buttons["engineer"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.sign_view is not None and editor.sign_view.isVisible())
    pad = editor.sign_view.pad
    pen = QPointingDevice("test pen", 4242, QInputDevice.DeviceType.Stylus,
                          QPointingDevice.PointerType.Pen,
                          QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
                          1, 3)
    pressures = [0.2 + 0.6 * i / 19 for i in range(20)]

    def tablet(kind: QEvent.Type, i: int) -> None:
        pos = QPointF(20 + i * 15, 50 + i * 3)
        buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease \
            else Qt.MouseButton.LeftButton
        event = QTabletEvent(kind, pen, pos, pad.mapToGlobal(pos), pressures[i], 0.0, 0.0, 0.0,
                             0.0, 0.0, Qt.KeyboardModifier.NoModifier,
                             Qt.MouseButton.LeftButton, buttons)
        QApplication.sendEvent(pad, event)

    tablet(QEvent.Type.TabletPress, 0)
    for i in range(1, 19):
        tablet(QEvent.Type.TabletMove, i)
    tablet(QEvent.Type.TabletRelease, 19)
    qtbot.mouseClick(editor.sign_view.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.data.signature("engineer") is not None, timeout=15_000)
    with store.read() as session:
        stroke, = strokes_from_json(slips.get_slip(session, editor.data.id)
                                    .signature("engineer").strokes)
    assert [p[3] for p in stroke] == [round(p * 1000) for p in pressures]


def test_solved_before_start_shows_the_message_under_the_field_and_stores_nothing(
        qtbot, ops, settings, store, onsite_request):  # type: ignore[no-untyped-def]
    window = _window(qtbot, ops, settings)
    open_request(qtbot, window, onsite_request)
    editor = window.editor
    qtbot.mouseClick(editor.stamp_buttons["started_at"], Qt.MouseButton.LeftButton)
    idle(qtbot, window)
    editor.go_to("result")
    solved = editor.time_fields["solved_at"]
    solved.edit.setFocus()
    qtbot.keyClicks(solved.edit, "2020-01-01 08:00")
    editor.texts["handling"].setFocus()  # focus-out saves at once
    idle(qtbot, window)
    assert "故障解决时间" in editor.error_text("solved_at")
    assert "不能早于" in editor.error_text("solved_at")
    assert solved.error.isVisibleTo(editor)
    assert solved.edit.text() == "2020-01-01 08:00"  # what was typed is kept
    qtbot.keyClicks(solved.edit, "x")
    assert "时间格式" in editor.error_text("solved_at")  # said as it is typed
    editor.flush()
    idle(qtbot, window)
    assert "时间格式" in editor.error_text("solved_at")
    assert editor.step_buttons["result"].text().endswith("!")  # the stepper shows where
    with store.read() as session:
        slip = slips.get_slip(session, editor.data.id)
        assert slip.started_at is not None
        assert slip.solved_at is None


def test_signing_an_incomplete_slip_opens_no_pad_and_lists_everything_missing(
        qtbot, ops, settings, onsite_request):  # type: ignore[no-untyped-def]
    window = _window(qtbot, ops, settings)
    open_request(qtbot, window, onsite_request)
    editor = window.editor
    qtbot.mouseClick(editor.stamp_buttons["arrived_at"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.sign_buttons["engineer"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(editor.missing_buttons) > 0, timeout=15_000)
    assert editor.sign_view is None and editor.step == "sign"
    texts = [b.text() for b in editor.missing_buttons]
    assert texts == ["开始：请填写服务开始时间。", "现场处理：请填写现场故障描述。",
                     "现场处理：请填写处理方式。", "费用：请添加费用，或确认本次服务不收费。",
                     "结果：请填写处理结果。", "结果：请填写离开时间。"]
    qtbot.mouseClick(editor.missing_buttons[1], Qt.MouseButton.LeftButton)
    assert editor.step == "work"
    assert editor.data.signature("engineer") is None
