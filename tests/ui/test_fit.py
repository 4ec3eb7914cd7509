"""Windows fit the screen and open where the engineer left them (ui/kit/fit.py)."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QApplication

from fieldapp.base.settings import Settings
from ui.kit.fit import BUDGET, should_maximise
from ui.shell.setup_dialog import SetupDialog
from ui.visit.request_dialog import RequestDialog


def test_the_long_windows_open_maximised_on_a_small_screen() -> None:
    laptop = QRect(0, 0, 1366, 768 - 40)  # 1366×768 at 100 %, less the taskbar
    scaled = QRect(0, 0, 1280, 720 - 40)  # 1920×1080 at 150 %
    large = QRect(0, 0, 1920, 1080 - 40)  # 1920×1080 at 100 %
    assert should_maximise(BUDGET, laptop) and should_maximise(BUDGET, scaled)
    assert should_maximise(QSize(960, 680), laptop)  # the send-in intake
    assert not should_maximise(QSize(760, 520), laptop)  # the open question
    assert not should_maximise(BUDGET, large)
    assert not should_maximise(QSize(1536, 700), QRect(0, 0, 1920, 1040))


def _dialog(qtbot, ops) -> RequestDialog:  # type: ignore[no-untyped-def]
    dialog = RequestDialog(ops, "E07")
    qtbot.addWidget(dialog)
    # the two-column form is wider than this test screen (800 px) would leave unmaximised:
    # ask for less, as a narrower window would
    dialog.resize(700, 0)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(20)  # the placement is noted once the dialog has centred itself
    return dialog


def test_a_window_opens_where_the_engineer_left_it(qtbot, desktop, ops,
                                                   settings: Settings) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, ops)
    screen = dialog.screen().size()
    key = f"request_dialog@{screen.width()}x{screen.height()}"
    placed = dialog.geometry()
    assert placed.height() <= BUDGET.height() and placed.width() <= BUDGET.width()
    dialog.close()
    assert key not in settings.get("window_geometry")  # nothing the engineer chose
    dialog = _dialog(qtbot, ops)
    assert dialog.geometry() == placed
    moved = QRect(40, 30, placed.width() + 30, placed.height() + 20)
    dialog.setGeometry(moved)
    dialog.close()
    saved = Settings(settings.path).get("window_geometry")  # in settings.json
    assert saved[key] == [40, 30, moved.width(), moved.height(), 0]
    assert _dialog(qtbot, ops).geometry() == moved


def test_a_geometry_from_another_screen_or_off_it_is_not_used(qtbot, desktop, ops,
                                                              settings: Settings) -> None:  # type: ignore[no-untyped-def]
    placed = _dialog(qtbot, ops).geometry()
    size = QApplication.primaryScreen().size()
    here = f"{size.width()}x{size.height()}"
    settings.set("window_geometry", {
        "request_dialog@9999x9999": [10, 10, 700, 500, 0],  # another screen's
        f"setup_dialog@{here}": [5000, 5000, 700, 500, 0],  # off this screen
    })
    assert _dialog(qtbot, ops).geometry() == placed
    setup = SetupDialog(settings, first_start=False)
    qtbot.addWidget(setup)
    setup.show()
    qtbot.waitExposed(setup)
    assert setup.screen().availableGeometry().contains(setup.geometry())
