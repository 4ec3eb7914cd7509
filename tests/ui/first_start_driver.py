"""Run by test_first_start in its own process: the real `ui.shell.app.run` with its event loop,
driven like a new user (fill the setup dialog, press Start), then report what is shown."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui.shell import app as ui_app

data_dir, code, with_demo = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "demo"
qt_app = QApplication(sys.argv[:1])


def shown(name: str) -> QWidget | None:
    return next((w for w in QApplication.topLevelWidgets()
                 if w.objectName() == name and w.isVisible()), None)


def fill_setup() -> None:
    dialog = shown("setup_dialog")
    assert dialog is not None, "no setup dialog on first start"
    dialog.edits["operator_name"].setText("张三")  # type: ignore[attr-defined]
    dialog.edits["operator_code"].setText(code)  # type: ignore[attr-defined]
    dialog.demo.setChecked(with_demo)  # type: ignore[attr-defined]
    dialog.ok_button.click()  # type: ignore[attr-defined]
    print("main window right after start:", shown("main_window") is not None, flush=True)
    QTimer.singleShot(200, wait_for_lists)


def wait_for_lists(tries: list[int] = [0]) -> None:  # noqa: B006 - a counter across calls
    window = shown("main_window")
    rows = window.requests_model.rowCount() if window is not None else 0  # type: ignore[attr-defined]
    tries[0] += 1
    if window is not None and (rows > 0 or not with_demo):
        print(f"main window shown with {rows} open requests", flush=True)
        QApplication.exit(0)
    elif tries[0] > 150:
        print("gave up waiting for the lists", flush=True)
        QApplication.exit(3)
    else:
        QTimer.singleShot(200, wait_for_lists)


QTimer.singleShot(300, fill_setup)
status = ui_app.run(data_dir)
print("event loop ended with", status, flush=True)
