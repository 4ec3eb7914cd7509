"""Pieces the workflow screens share: messages, clock cells, a signature dialog.

`PadDialog` collects one signature. For the customer it first shows, in Chinese (the
customer's language, whatever the engineer's UI language), what they confirm — as the
slip's customer view does — then the pad.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.errors import FieldappError
from fieldapp.events import SignatureInput
from fieldapp.timeutil import format_local
from ui import i18n
from ui.fields import error_label, show_error
from ui.sign_view import CUSTOMER_LANGUAGE
from ui.signature_pad import PAD_HEIGHT, PAD_WIDTH, SignaturePad
from ui.sla_display import COLOURS

COLOURS_BY_STATE = {**COLOURS, "open": COLOURS["on_track"], "answered": COLOURS["met"]}


def message(exc: Exception) -> str:
    """What to tell the user about `exc`, in the current language: a known error in its
    own words, a defect plainly (its class and text are in the log, never on screen)."""
    return (exc.message(i18n.current()) if isinstance(exc, FieldappError)
            else i18n.tr("status.unexpected"))


def data_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setProperty("data", True)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def coloured(label: QLabel, colour: str) -> None:
    label.setStyleSheet(f"color: {colour}; font-weight: bold;")


def clock_text(state: str, due: datetime | None) -> str:
    """'正常（截止 …）': the clock's state in words, with its deadline."""
    name = i18n.tr(f"sla.state.{state}")
    return i18n.tr("sla.state_deadline", state=name, deadline=format_local(due)) if due else name


def clock_colour(state: str) -> str:
    return COLOURS_BY_STATE.get(state, COLOURS["age"])


def button(primary: bool = False) -> QPushButton:
    b = QPushButton()
    if primary:
        b.setProperty("primary", True)
    return b


def _zh(key: str, **values: object) -> str:
    text = i18n.catalogue(CUSTOMER_LANGUAGE)[key].format(**values)
    i18n.produced(CUSTOMER_LANGUAGE).add(text)
    return text


class PadDialog(QDialog):
    """One signature: `signed(SignatureInput)`. `summary` (zh key, value) rows are shown to
    the customer first, in Chinese, with `statement_key` as what they agree to."""

    signed = Signal(object)

    def __init__(self, role: str, name: str, summary: list[tuple[str, str]] | None = None,
                 statement_key: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"pad_dialog_{role}")
        self.setModal(True)
        self.role, self.statement_key = role, statement_key
        self.stack = QStackedWidget()
        self.summary_page = QWidget()
        summary_layout = QVBoxLayout(self.summary_page)
        self.summary_title = self._fixed(QLabel())
        self.summary_title.setProperty("role", "heading")
        summary_layout.addWidget(self.summary_title)
        grid = QGridLayout()
        self._summary_keys: list[tuple[QLabel, str]] = []
        for row, (key, value) in enumerate(summary or []):
            caption = self._fixed(QLabel())
            self._summary_keys.append((caption, key))
            grid.addWidget(caption, row, 0)
            grid.addWidget(data_label(value), row, 1)
        grid.setColumnStretch(1, 1)
        summary_layout.addLayout(grid)
        self.statement = self._fixed(QLabel())
        self.statement.setWordWrap(True)
        summary_layout.addWidget(self.statement)
        summary_layout.addStretch(1)
        self.back_button, self.agree_button = button(), button(primary=True)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.back_button)
        row.addWidget(self.agree_button)
        summary_layout.addLayout(row)

        self.pad_page = QWidget()
        self.prompt = QLabel()
        self.prompt.setProperty("role", "heading")
        self.pad = SignaturePad()
        self.name = QLineEdit(name)
        self.name_label = QLabel()
        self.name_label.setBuddy(self.name)
        self.error = error_label()
        self.clear_button, self.undo_button = button(), button()
        self.cancel_button, self.confirm_button = button(), button(primary=True)
        pad_layout = QVBoxLayout(self.pad_page)
        pad_layout.addWidget(self.prompt)
        pad_layout.addWidget(self.pad, 1)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_label)
        name_row.addWidget(self.name, 1)
        pad_layout.addLayout(name_row)
        pad_layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        pad_layout.addLayout(buttons)

        self.stack.addWidget(self.summary_page)
        self.stack.addWidget(self.pad_page)
        QVBoxLayout(self).addWidget(self.stack)
        if summary is None:
            self.stack.setCurrentWidget(self.pad_page)
        self.back_button.clicked.connect(self.reject)
        self.agree_button.clicked.connect(lambda: self.stack.setCurrentWidget(self.pad_page))
        self.clear_button.clicked.connect(self.pad.clear)
        self.undo_button.clicked.connect(self.pad.undo)
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self._confirm)
        self.pad.changed.connect(self._update_buttons)
        self.resize(900, 600)
        self.retranslate()
        self._update_buttons()
        i18n.connect(self)

    @staticmethod
    def _fixed(label: QLabel) -> QLabel:
        label.setProperty("fixed_language", CUSTOMER_LANGUAGE)
        return label

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr(f"pad.title.{self.role}"))
        self.summary_title.setText(_zh("pad.summary_title"))
        for label, key in self._summary_keys:
            label.setText(_zh(key))
        self.statement.setText(_zh(self.statement_key) if self.statement_key else "")
        self.statement.setVisible(bool(self.statement_key))
        self.back_button.setText(tr("button.back"))
        self.agree_button.setText(tr("sign.agree"))
        self.prompt.setText(tr(f"sign.prompt.{self.role}"))
        self.name_label.setText(tr("sign.name"))
        self.clear_button.setText(tr("sign.clear"))
        self.undo_button.setText(tr("sign.undo"))
        self.cancel_button.setText(tr("button.cancel"))
        self.confirm_button.setText(tr("sign.confirm"))

    def _update_buttons(self) -> None:
        has = not self.pad.is_empty()
        for b in (self.undo_button, self.clear_button, self.confirm_button):
            b.setEnabled(has)

    def _confirm(self) -> None:
        if not self.name.text().strip():
            show_error(self.error, self.name, i18n.tr("pad.name_required"))
            return
        show_error(self.error, self.name, "")
        self.signed.emit(SignatureInput(self.name.text().strip(), self.pad.strokes(),
                                        PAD_WIDTH, PAD_HEIGHT))
        self.accept()
