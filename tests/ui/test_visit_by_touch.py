"""A visit by touch on a 1280 × 680 screen, counted: taps, keyboard entries, scroll drags.

Every tap is a touch (press and release of one finger, a QPointingDevice of type
TouchScreen) on the real widget, which must be on screen — inside the window, not under
a scroll area's edge: a control one would have to scroll to is a failure, not a drag.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFontInfo, QInputDevice
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QWidget

from fieldapp.records import slips
from fieldapp.seal.sealing import verify_slip
from tests.ui.visit_helpers import draw_with_mouse, draw_with_touch, type_chinese
from ui.kit import i18n
from ui.shell.main_window import MainWindow

SCREEN = (1280, 680)  # a 1366 × 768 laptop (or 1280 × 720 at 150 %) less the taskbar
TAP_BUDGET = 20


class Finger:
    """Taps by touch, counting; keyboard entries counted separately."""

    def __init__(self, window: QWidget) -> None:
        self.window = window
        self.device = QTest.createTouchDevice(QInputDevice.DeviceType.TouchScreen)
        self.taps = 0
        self.keyboard = 0
        self.signatures = 0

    def on_screen(self, widget: QWidget, point: QPoint) -> bool:
        top = widget.window()
        spot = widget.mapTo(top, point)
        if not QRect(QPoint(0, 0), top.size()).contains(spot):
            return False
        parent = widget.parentWidget()
        while parent is not None and parent is not top:  # not clipped by a scroll area
            if isinstance(parent, QAbstractScrollArea):
                inside = parent.viewport().mapFrom(top, spot)
                if not parent.viewport().rect().contains(inside):
                    return False
            parent = parent.parentWidget()
        return True

    def reach(self, qtbot, widget: QWidget, point: QPoint) -> None:  # type: ignore[no-untyped-def]
        """The offscreen test platform's screen (800 px) is smaller than the laptop's, and
        it drops touches outside it: slide the window so the spot is on that screen (on a
        real 1366 × 768 screen the whole 1280 × 680 window is)."""
        top = widget.window()
        screen = top.screen().geometry()
        spot = widget.mapToGlobal(point)
        if not screen.contains(spot):
            top.move(top.pos() + screen.center() - spot)
            qtbot.wait(10)

    def tap(self, qtbot, widget: QWidget, point: QPoint | None = None) -> None:  # type: ignore[no-untyped-def]
        point = point if point is not None else widget.rect().center()
        assert widget.isVisible() and widget.isEnabled(), widget
        assert self.on_screen(widget, point), f"{widget} is off screen"
        self.reach(qtbot, widget, point)
        finger_id = self.taps  # a new touch point each time, as a new tap is
        QTest.touchEvent(widget, self.device).press(finger_id, point, widget).commit()
        QTest.touchEvent(widget, self.device).release(finger_id, point, widget).commit()
        qtbot.wait(10)
        self.taps += 1

    def type(self, widget: QWidget, text: str) -> None:
        type_chinese(widget, text)
        self.keyboard += 1

    def sign(self, pad: QWidget, draw) -> None:  # type: ignore[no-untyped-def]
        assert self.on_screen(pad, pad.rect().center())
        draw(pad)
        self.signatures += 1


def _window(qtbot, ops, settings) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    window.resize(*SCREEN)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.requests_model.rowCount() > 0 and ops.pending == 0,
                    timeout=15_000)
    return window


def _idle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.ops.pending == 0 and not window.editor.pending(),
                    timeout=15_000)


def _scroll_bars_needed(window: MainWindow) -> list[str]:
    """Page areas that would need a scroll-bar drag to reach their controls."""
    editor = window.editor
    scroll = editor.page_scrolls[editor.step]
    return [editor.step] if scroll.verticalScrollBar().maximum() > 0 else []


def _open_by_touch(qtbot, finger: Finger, window: MainWindow, request_id) -> None:  # type: ignore[no-untyped-def]
    model, view = window.requests_model, window.requests_view
    row = next(r for r in range(model.rowCount()) if model.row_at(r).id == request_id)
    finger.tap(qtbot, view.viewport(), view.visualRect(model.index(row, 1)).center())
    finger.tap(qtbot, window.toolbar.widgetForAction(window.actions_by_name["open"]))
    qtbot.waitUntil(lambda: window.editor.data is not None, timeout=15_000)
    _idle(qtbot, window)


def _sign(qtbot, finger: Finger, window: MainWindow, role: str, draw) -> None:  # type: ignore[no-untyped-def]
    editor = window.editor
    finger.tap(qtbot, editor.sign_buttons[role])
    qtbot.waitUntil(lambda: editor.sign_view is not None and editor.sign_view.isVisible(),
                    timeout=15_000)
    view = editor.sign_view
    if role == "customer":
        finger.tap(qtbot, view.agree_button)
    finger.sign(view.pad, draw)
    finger.tap(qtbot, view.confirm_button)
    qtbot.waitUntil(lambda: editor.data.signature(role) is not None, timeout=15_000)


@pytest.mark.any_moment  # the stamps are "now": at every moment of tests/conftest.py
def test_a_whole_visit_by_touch_takes_at_most_20_taps_and_no_scrolling(
        qtbot, ops, settings, store, onsite_request):  # type: ignore[no-untyped-def]
    window = _window(qtbot, ops, settings)
    editor = window.editor
    finger = Finger(window)
    _open_by_touch(qtbot, finger, window, onsite_request)
    assert editor.step == "arrive"
    seen_steps = []

    def now_on(step: str) -> None:
        _idle(qtbot, window)
        assert editor.step == step
        assert _scroll_bars_needed(window) == []
        seen_steps.append(step)

    now_on("arrive")
    finger.tap(qtbot, editor.stamp_buttons["arrived_at"])  # 到达 → on to 开始
    now_on("start")
    finger.tap(qtbot, editor.stamp_buttons["started_at"])  # 开始 → on to 现场处理
    now_on("work")
    finger.tap(qtbot, editor.texts["fault_found"])
    finger.type(editor.texts["fault_found"], "打印机搓纸轮磨损，定影组件有残纸")
    finger.tap(qtbot, editor.texts["handling"])
    finger.type(editor.texts["handling"], "更换搓纸轮，清除残纸，测试打印50页正常")
    finger.tap(qtbot, editor.next_button)
    now_on("fees")
    by_name = {b.text().split(" ¥")[0]: b for b in editor.fees.price_buttons}
    finger.tap(qtbot, by_name["上门服务费"])
    finger.tap(qtbot, by_name["交通费（市内）"])
    assert editor.total_label.text() == "总计：¥180.00"
    finger.tap(qtbot, editor.next_button)
    now_on("result")
    finger.tap(qtbot, editor.stamp_buttons["solved_at"])  # 解决: the time and the result
    finger.tap(qtbot, editor.stamp_buttons["departed_at"])  # 离开 → on to 签字
    now_on("sign")
    qtbot.waitUntil(lambda: editor.ready_label.isVisible(), timeout=15_000)
    _sign(qtbot, finger, window, "engineer", draw_with_touch)
    _sign(qtbot, finger, window, "customer", draw_with_touch)
    qtbot.waitUntil(lambda: editor.data.sealed, timeout=15_000)

    report = f"{finger.taps} taps, {finger.keyboard} keyboard entries, 2 signatures"
    print(report)
    assert finger.taps <= TAP_BUDGET, report
    assert finger.keyboard == 2 and finger.signatures == 2
    assert seen_steps == ["arrive", "start", "work", "fees", "result", "sign"]
    with store.read() as session:
        slip = slips.get_slip(session, editor.data.id)
        assert slip.arrived_at <= slip.started_at <= slip.solved_at <= slip.departed_at
        assert slip.result == "solved" and slip.total_fen == 18000
        assert [(line.kind, line.description) for line in slip.fee_lines] == [
            ("labour", "上门服务费"), ("travel", "交通费（市内）")]
        assert verify_slip(slip).ok


def test_the_customer_pad_refuses_an_incomplete_slip_and_says_all_that_is_missing(
        qtbot, ops, settings, onsite_request):  # type: ignore[no-untyped-def]
    window = _window(qtbot, ops, settings)
    editor = window.editor
    finger = Finger(window)
    _open_by_touch(qtbot, finger, window, onsite_request)
    finger.tap(qtbot, editor.stamp_buttons["arrived_at"])
    finger.tap(qtbot, editor.step_buttons["sign"])
    finger.tap(qtbot, editor.sign_buttons["customer"])
    _idle(qtbot, window)  # both checks answered: the step's and the signature's
    qtbot.waitUntil(lambda: len(editor.missing_buttons) == 6, timeout=15_000)
    assert all(b.isVisible() for b in editor.missing_buttons)  # tappable as soon as listed
    assert editor.sign_view is None  # no summary, no pad
    assert [b.property("step_name") for b in editor.missing_buttons] == [
        "start", "work", "work", "fees", "result", "result"]
    assert all(finger.on_screen(b, b.rect().center()) for b in editor.missing_buttons)
    assert _scroll_bars_needed(window) == []
    fees = next(b for b in editor.missing_buttons if b.property("step_name") == "fees")
    assert fees.text() == "费用：请添加费用，或确认本次服务不收费。"
    finger.tap(qtbot, fees)
    assert editor.step == "fees"


def test_a_zero_total_needs_the_customers_explicit_confirmation(
        qtbot, ops, settings, store, onsite_request):  # type: ignore[no-untyped-def]
    window = _window(qtbot, ops, settings)
    editor = window.editor
    finger = Finger(window)
    _open_by_touch(qtbot, finger, window, onsite_request)
    finger.tap(qtbot, editor.stamp_buttons["arrived_at"])
    finger.tap(qtbot, editor.stamp_buttons["started_at"])
    finger.type(editor.texts["fault_found"], "网络打印机脱机")
    finger.type(editor.texts["handling"], "重新插好网线，打印测试页正常")
    finger.tap(qtbot, editor.step_buttons["fees"])
    finger.tap(qtbot, editor.fees.no_charge_button)
    assert editor.total_label.text() == "总计：¥0.00"
    finger.tap(qtbot, editor.step_buttons["result"])
    finger.tap(qtbot, editor.stamp_buttons["solved_at"])
    finger.tap(qtbot, editor.stamp_buttons["departed_at"])
    _idle(qtbot, window)
    _sign(qtbot, finger, window, "engineer", draw_with_mouse)

    finger.tap(qtbot, editor.sign_buttons["customer"])
    qtbot.waitUntil(lambda: editor.sign_view is not None and editor.sign_view.isVisible(),
                    timeout=15_000)
    view = editor.sign_view
    assert view.summary.total.text() == "总计：¥0.00"
    assert view.summary.zero_warning.isVisible() and "¥0.00" in view.summary.zero_warning.text()
    assert not view.agree_button.isEnabled()  # no pad before the explicit confirmation
    finger.tap(qtbot, view.summary.zero_confirm)
    assert view.summary.zero_confirm.isChecked() and view.zero_total_confirmed
    finger.tap(qtbot, view.agree_button)
    finger.sign(view.pad, draw_with_touch)
    finger.tap(qtbot, view.confirm_button)
    qtbot.waitUntil(lambda: editor.data.sealed, timeout=15_000)
    with store.read() as session:
        slip = slips.get_slip(session, editor.data.id)
        assert slip.total_fen == 0
        assert [line.description for line in slip.fee_lines] == ["本次服务不收费"]


def test_a_nonzero_total_asks_no_zero_confirmation_and_reads_large(
        qtbot, ops, settings, onsite_request):  # type: ignore[no-untyped-def]
    window = _window(qtbot, ops, settings)
    editor = window.editor
    finger = Finger(window)
    _open_by_touch(qtbot, finger, window, onsite_request)
    finger.tap(qtbot, editor.stamp_buttons["arrived_at"])
    finger.tap(qtbot, editor.stamp_buttons["started_at"])
    finger.type(editor.texts["fault_found"], "硒鼓粉尽")
    finger.type(editor.texts["handling"], "更换硒鼓")
    finger.tap(qtbot, editor.step_buttons["fees"])
    finger.tap(qtbot, editor.fees.price_buttons[0])
    finger.tap(qtbot, editor.step_buttons["result"])
    finger.tap(qtbot, editor.stamp_buttons["solved_at"])
    finger.tap(qtbot, editor.stamp_buttons["departed_at"])
    _idle(qtbot, window)
    _sign(qtbot, finger, window, "engineer", draw_with_mouse)
    finger.tap(qtbot, editor.sign_buttons["customer"])
    qtbot.waitUntil(lambda: editor.sign_view is not None and editor.sign_view.isVisible(),
                    timeout=15_000)
    view = editor.sign_view
    assert not view.summary.zero_warning.isVisible() and view.agree_button.isEnabled()
    texts = [label for label in view.summary_page.findChildren(QLabel) if label.text()]
    assert texts and min(QFontInfo(label.font()).pixelSize() for label in texts) >= 20
    assert "硒鼓粉尽" in {label.text() for label in texts}  # the work done, not only times


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_step_fits_the_screen_without_scrolling(qtbot, ops, settings, onsite_request,
                                                      language):  # type: ignore[no-untyped-def]
    i18n.set_language(language)
    window = _window(qtbot, ops, settings)
    editor = window.editor
    window.open_request(onsite_request)
    qtbot.waitUntil(lambda: editor.data is not None, timeout=15_000)
    editor.fees.add_item(editor.fees._items[0])
    editor.fees.add_item(editor.fees._items[1])
    _idle(qtbot, window)
    for step in editor.step_buttons:
        editor.go_to(step)
        _idle(qtbot, window)
        qtbot.wait(20)
        assert _scroll_bars_needed(window) == [], step
        page = editor.page_scrolls[step].widget()
        for button in page.findChildren(QWidget):
            if button.isVisible() and button.inherits("QAbstractButton"):
                assert Finger(window).on_screen(button, button.rect().center()), (step, button)
        for button in (editor.next_button, editor.prev_button,
                       *editor.workflow_buttons.values()):
            if button.isVisible():
                assert Finger(window).on_screen(button, button.rect().center()), button


def test_the_visit_screens_call_the_services_not_the_store() -> None:
    """ui/visit/slip_editor.py and its parts import neither SQLAlchemy nor the slip rules."""
    import ast
    import pathlib

    for name in ("visit/slip_editor", "visit/fee_lines", "visit/sign_view", "kit/fields",
                 "shell/price_list_dialog"):
        tree = ast.parse(pathlib.Path(f"ui/{name}.py").read_text("utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {f"{node.module}.{alias.name}" for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) for alias in node.names}
        # fieldapp.store.values holds plain StrEnums (a slip's result), not the store
        assert not [m for m in imported if m.startswith(("sqlalchemy", "fieldapp.store",
                                                         "fieldapp.records.slips"))
                    and not m.startswith("fieldapp.store.values")], name


def test_a_time_is_corrected_by_touch_without_typing(qtbot, ops, settings, store,
                                                     onsite_request):  # type: ignore[no-untyped-def]
    window = _window(qtbot, ops, settings)
    editor = window.editor
    finger = Finger(window)
    _open_by_touch(qtbot, finger, window, onsite_request)
    finger.tap(qtbot, editor.stamp_buttons["arrived_at"])
    _idle(qtbot, window)
    arrived = editor.data.arrived_at
    finger.tap(qtbot, editor.step_buttons["arrive"])
    field = editor.time_fields["arrived_at"]
    finger.tap(qtbot, field.pick_button)
    qtbot.waitUntil(lambda: field.picker is not None and field.picker.isVisible())
    picker = field.picker
    for _ in range(2):
        finger.tap(qtbot, picker.buttons["time.min_minus10"])
    finger.tap(qtbot, picker.buttons["time.min_plus1"])
    finger.tap(qtbot, picker.ok_button)
    _idle(qtbot, window)
    assert finger.keyboard == 0
    assert editor.data.arrived_at == arrived.replace(second=0) - timedelta(minutes=19)
    with store.read() as session:
        assert slips.get_slip(session, editor.data.id).arrived_at == editor.data.arrived_at
