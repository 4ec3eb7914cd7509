"""Form pieces: a field with its inline error label, a time field with a Now button and a
touch picker, a one-line elided data label, and a keypad of big digits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.timeutil import format_local, parse_local, utcnow
from ui.kit import forms, i18n


def error_label() -> QLabel:
    label = QLabel()
    label.setProperty("role", "error")
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, editor: QWidget | None, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))
    if editor is not None:
        editor.setProperty("invalid", bool(text))
        editor.style().unpolish(editor)
        editor.style().polish(editor)


class FocusOut(QObject):
    """Calls `callback` when the watched widget loses focus (save on focus-out)."""

    def __init__(self, widget: QWidget, callback: Callable[[], object]) -> None:
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._callback()
        return False


class TimeField(QWidget):
    """A local time as text ('YYYY-MM-DD HH:MM'), a one-tap Now button, a touch picker
    ("选择…", `TimePicker`) and its error. The placeholder shows an example time, never
    the format's letters.
    What is typed is checked as typed: a text that cannot be a time says so at once."""

    edited = Signal()
    committed = Signal()  # Now tapped or focus left: save right away

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.now_button = QPushButton()
        self.pick_button = QPushButton()
        self.pick_button.setObjectName("time_pick")
        self.error = error_label()
        self.picker: TimePicker | None = None
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.now_button)
        row.addWidget(self.pick_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.error)
        self.edit.textEdited.connect(self._typed)
        self.now_button.clicked.connect(self.set_now)
        self.pick_button.clicked.connect(self.pick)
        FocusOut(self.edit, self.committed.emit)
        self.setFocusProxy(self.edit)
        self.retranslate()
        i18n.connect(self)

    def retranslate(self) -> None:
        self.edit.setPlaceholderText(i18n.tr("field.time_placeholder"))
        self.now_button.setText(i18n.tr("button.now"))
        self.now_button.setToolTip(i18n.tr("tooltip.now"))
        self.pick_button.setText(i18n.tr("time.pick"))
        self.pick_button.setToolTip(i18n.tr("tooltip.time_pick"))

    def _typed(self, text: str) -> None:
        """Checked as typed: a text that can no longer become a time says so at once."""
        text = text.strip()
        bad = False
        if text and (len(text) >= 16 or set(text) - set("0123456789-:/ T")):
            try:  # long enough to be a whole time, or a character no time has
                self.value()
            except ValueError:
                bad = True
        show_error(self.error, self.edit, i18n.tr("error.time_format") if bad else "")
        self.edited.emit()

    def pick(self) -> None:
        """The touch picker: days, hours and minutes by tapping, no typing."""
        try:
            start = self.value()
        except ValueError:
            start = None
        picker = TimePicker(start, self)
        picker.picked.connect(self._picked)
        picker.finished.connect(lambda _r: picker.deleteLater())
        self.picker = picker
        picker.open()

    def _picked(self, moment: datetime | None) -> None:
        self.set_value(moment)
        show_error(self.error, self.edit, "")
        self.edited.emit()
        self.committed.emit()

    def set_now(self) -> None:
        self.edit.setText(format_local(utcnow()))
        show_error(self.error, self.edit, "")
        self.edited.emit()
        self.committed.emit()

    def set_value(self, moment: datetime | None) -> None:
        self.edit.setText(format_local(moment))

    def value(self) -> datetime | None:
        """The typed time; raises ValueError when the text is not a time."""
        text = self.edit.text().strip()
        return parse_local(text) if text else None

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.now_button.setEnabled(not read_only)
        self.pick_button.setEnabled(not read_only)


class TimePicker(QDialog):
    """Pick a local time by touch: the day, the hour and the minutes step by tapping.

    Starts at the field's time (or now, to the minute); emits `picked` on OK."""

    picked = Signal(object)  # aware UTC datetime

    STEPS = (("time.prev_day", timedelta(days=-1)), ("time.next_day", timedelta(days=1)),
             ("time.hour_minus", timedelta(hours=-1)), ("time.hour_plus", timedelta(hours=1)),
             ("time.min_minus10", timedelta(minutes=-10)),
             ("time.min_minus1", timedelta(minutes=-1)),
             ("time.min_plus1", timedelta(minutes=1)),
             ("time.min_plus10", timedelta(minutes=10)))

    def __init__(self, start: datetime | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("time_picker")
        self.setModal(True)
        self.moment = (start or utcnow()).replace(second=0, microsecond=0)
        self.shown = QLabel()
        self.shown.setProperty("data", True)
        self.shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.shown.setStyleSheet("font-size: 30px; font-weight: bold;")
        self.buttons = {key: QPushButton() for key, _step in self.STEPS}
        self.now_button = QPushButton()
        self.ok_button = QPushButton()
        self.ok_button.setProperty("primary", True)
        self.cancel_button = QPushButton()
        grid = QGridLayout()
        positions = {"time.prev_day": (0, 0, 1, 2), "time.next_day": (0, 2, 1, 2),
                     "time.hour_minus": (1, 0, 1, 2), "time.hour_plus": (1, 2, 1, 2),
                     "time.min_minus10": (2, 0, 1, 1), "time.min_minus1": (2, 1, 1, 1),
                     "time.min_plus1": (2, 2, 1, 1), "time.min_plus10": (2, 3, 1, 1)}
        for key, step in self.STEPS:
            button = self.buttons[key]
            button.setMinimumSize(120, 52)
            button.clicked.connect(lambda _c=False, step=step: self._step(step))
            grid.addWidget(button, *positions[key])
        layout = QVBoxLayout(self)
        layout.addWidget(self.shown)
        layout.addLayout(grid)
        layout.addLayout(forms.button_row(self.cancel_button, self.ok_button,
                                          left=[self.now_button]))
        self.now_button.clicked.connect(self._now)
        self.ok_button.clicked.connect(self._ok)
        self.cancel_button.clicked.connect(self.reject)
        self.retranslate()
        i18n.connect(self)
        self._show()

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("time.title"))
        for key, button in self.buttons.items():
            button.setText(tr(key))
        self.now_button.setText(tr("button.now"))
        self.ok_button.setText(tr("button.ok"))
        self.cancel_button.setText(tr("button.cancel"))

    def _show(self) -> None:
        self.shown.setText(format_local(self.moment))

    def _step(self, step: timedelta) -> None:
        self.moment += step
        self._show()

    def _now(self) -> None:
        self.moment = utcnow().replace(second=0)
        self._show()

    def _ok(self) -> None:
        self.picked.emit(self.moment)
        self.accept()


class ElidedLabel(QLabel):
    """One line of data that never widens its layout: cut with … to the width it gets,
    the whole text as its tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("data", True)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)

    def setText(self, text: str) -> None:
        self._full = " ".join(text.split())
        self.setToolTip(self._full if self._full else "")
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                              max(self.width(), 40))
        super().setText(shown)


class Keypad(QWidget):
    """Big digits for amounts and quantities: types into the line edit it is given."""

    DIGITS = ("7", "8", "9", "4", "5", "6", "1", "2", "3", ".", "0")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keypad")
        self.target: QLineEdit | None = None
        self.keys: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        for i, key in enumerate((*self.DIGITS, "back")):
            button = QPushButton()
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the focus
            button.setMinimumSize(64, 46)
            button.setStyleSheet("font-size: 22px; font-weight: bold;")
            button.clicked.connect(lambda _c=False, k=key: self.press(k))
            grid.addWidget(button, i // 3, i % 3)
            self.keys[key] = button
        self.retranslate()
        i18n.connect(self)

    def retranslate(self) -> None:
        for digit in self.DIGITS:
            self.keys[digit].setText(digit)
        i18n.produced(i18n.current()).update(self.DIGITS)  # digits read alike in zh and en
        self.keys["back"].setText(i18n.tr("keypad.back"))
        self.keys["back"].setToolTip(i18n.tr("tooltip.keypad_back"))

    def press(self, key: str) -> None:
        edit = self.target
        if edit is None or edit.isReadOnly() or not edit.isEnabled():
            return
        if key == "back":
            edit.backspace()
        else:
            edit.insert(key)
        edit.textEdited.emit(edit.text())  # as if typed: checked and saved alike
