"""Form pieces: a field with its inline error label, and a time field with a Now button."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.timeutil import format_local, parse_local, utcnow


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

    def __init__(self, widget: QWidget, callback) -> None:  # type: ignore[no-untyped-def]
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._callback()
        return False


class TimeField(QWidget):
    """A local time as text ('YYYY-MM-DD HH:MM'), a one-tap Now button and its error."""

    edited = Signal()
    committed = Signal()  # Now tapped or focus left: save right away

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("YYYY-MM-DD HH:MM")
        self.now_button = QPushButton()
        self.error = error_label()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.now_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.error)
        self.edit.textEdited.connect(lambda _t: self.edited.emit())
        self.now_button.clicked.connect(self.set_now)
        FocusOut(self.edit, self.committed.emit)
        self.setFocusProxy(self.edit)

    def set_now(self) -> None:
        self.edit.setText(format_local(utcnow()))
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
