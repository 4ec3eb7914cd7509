"""Driving the slip editor as a user does: taps, typing, signatures."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QInputMethodEvent, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui.shell.main_window import MainWindow
from ui.visit.request_dialog import RequestDialog
from ui.visit.signature_pad import SignaturePad


def idle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.ops.pending == 0 and not window.editor.pending(),
                    timeout=15_000)


def new_request_dialog(qtbot, ops) -> RequestDialog:  # type: ignore[no-untyped-def]
    """The service centre's (C01) new-request dialog, once its customers are loaded."""
    dialog = RequestDialog(ops, "C01")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.customer.count() > 0 and dialog.save_button.isEnabled())
    return dialog


def open_request(qtbot, window: MainWindow, request_id) -> None:  # type: ignore[no-untyped-def]
    window.open_request(request_id)
    qtbot.waitUntil(lambda: window.editor.data is not None, timeout=15_000)


def window_on(qtbot, ops, settings, request_id) -> MainWindow:  # type: ignore[no-untyped-def]
    """The main window, shown, with the slip editor open on `request_id`."""
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    window.show()
    open_request(qtbot, window, request_id)
    return window


def type_chinese(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Chinese arrives from the input method as a commit string, not as key presses."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def fill_visit(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """The visit, step by step: 到达, 开始, the texts, two fee lines, 解决, 离开."""
    editor = window.editor
    for field in ("arrived_at", "started_at"):
        qtbot.mouseClick(editor.stamp_buttons[field], Qt.MouseButton.LeftButton)
    idle(qtbot, window)
    type_chinese(editor.texts["fault_found"], "打印机搓纸轮磨损，定影组件有残纸")
    type_chinese(editor.texts["handling"], "更换搓纸轮，清除残纸，测试打印50页正常")
    editor.go_to("fees")
    qtbot.mouseClick(editor.add_fee_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.add_fee_button, Qt.MouseButton.LeftButton)
    model = editor.fee_model
    for row, (kind, text, qty, price) in enumerate((("labour", "上门服务费", "1", "120"),
                                                   ("parts", "搓纸轮", "2", "45.50"))):
        for col, value in enumerate((kind, text, qty, price)):
            model.setData(model.index(row, col), value)
    editor.go_to("result")
    for field in ("solved_at", "departed_at"):  # 解决 also sets the result
        qtbot.mouseClick(editor.stamp_buttons[field], Qt.MouseButton.LeftButton)
    idle(qtbot, window)


def draw_with_touch(pad: SignaturePad) -> None:
    device = QTest.createTouchDevice()
    QTest.touchEvent(pad, device).press(0, QPoint(40, 60), pad).commit()
    for i in range(1, 25):
        QTest.touchEvent(pad, device).move(0, QPoint(40 + i * 12, 60 + (i % 5) * 9),
                                           pad).commit()
    QTest.touchEvent(pad, device).release(0, QPoint(340, 80), pad).commit()


def draw_with_mouse(pad: SignaturePad) -> None:
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(30, 40))
    for i in range(1, 25):
        pos = QPointF(30 + i * 11, 40 + (i % 4) * 12)
        event = QMouseEvent(QMouseEvent.Type.MouseMove, pos, pad.mapToGlobal(pos),
                            Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(pad, event)
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(300, 60))
