"""Driving the workflow screens as a user does: the main window, taps, pads."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.visit_helpers import draw_with_mouse, open_request
from ui.shell.main_window import MainWindow
from ui.workflows.workflow_widgets import PadDialog

__all__ = ["click", "main_window", "open_request", "sign_next_pad"]


def click(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    assert widget.isEnabled(), widget.text()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def main_window(qtbot, ops, settings) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.requests_model.rowCount() > 0 and ops.pending == 0,
                    timeout=15_000)
    return window


def sign_next_pad(qtbot, holder, previous: PadDialog | None = None) -> PadDialog:  # type: ignore[no-untyped-def]
    """Wait for the next signature dialog `holder` opens, agree (customer), draw, confirm."""
    qtbot.waitUntil(lambda: holder.pad_dialog is not None and holder.pad_dialog is not previous
                    and holder.pad_dialog.isVisible(), timeout=15_000)
    dialog = holder.pad_dialog
    if dialog.stack.currentWidget() is dialog.summary_page:
        click(qtbot, dialog.agree_button)
    draw_with_mouse(dialog.pad)
    click(qtbot, dialog.confirm_button)
    return dialog
