"""Signing (R2.3): the customer first sees what they confirm, then signs on the pad.

The summary (service times, fee lines and 总计) is always in Chinese, the customer's
language, whatever the engineer's UI language. The engineer's own signature skips
straight to the pad. The view only collects a signature; the editor stores it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.money import format_yuan
from fieldapp.timeutil import format_local
from fieldapp.validation import FEE_KIND_LABELS
from ui import i18n
from ui.fields import error_label, show_error
from ui.signature_pad import SignaturePad
from ui.slip_data import SlipData

CUSTOMER_LANGUAGE = "zh"


def _zh(key: str, **values: object) -> str:
    text = i18n.catalogue(CUSTOMER_LANGUAGE)[key].format(**values)
    i18n.produced(CUSTOMER_LANGUAGE).add(text)
    return text


def _fixed(label: QLabel) -> QLabel:
    label.setProperty("fixed_language", CUSTOMER_LANGUAGE)
    return label


def _data(label: QLabel) -> QLabel:
    label.setProperty("data", True)
    return label


class SignView(QDialog):
    """Collects one party's signature; emits `signed(role, name, strokes)`."""

    signed = Signal(str, str, list)

    def __init__(self, data: SlipData, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = role
        self.setObjectName(f"sign_view_{role}")
        self.setModal(True)
        self.stack = QStackedWidget()
        self.summary_page = self._summary(data)
        self.pad_page = QWidget()
        self.pad = SignaturePad()
        self.name = QLineEdit(data.contact_name if role == "customer" else data.engineer_name)
        self.name_label = QLabel()
        self.name_label.setBuddy(self.name)
        self.clear_button = QPushButton()
        self.undo_button = QPushButton()
        self.confirm_button = QPushButton()
        self.confirm_button.setProperty("primary", True)
        self.cancel_button = QPushButton()
        self.prompt = QLabel()
        self.prompt.setProperty("role", "heading")
        self.error = error_label()

        layout = QVBoxLayout(self.pad_page)
        layout.addWidget(self.prompt)
        layout.addWidget(self.pad, 1)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_label)
        name_row.addWidget(self.name, 1)
        layout.addLayout(name_row)
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        for button in (self.clear_button, self.undo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        layout.addLayout(buttons)

        self.stack.addWidget(self.summary_page)
        self.stack.addWidget(self.pad_page)
        outer = QVBoxLayout(self)
        outer.addWidget(self.stack)
        if role != "customer":
            self.stack.setCurrentWidget(self.pad_page)

        self.clear_button.clicked.connect(self.pad.clear)
        self.undo_button.clicked.connect(self.pad.undo)
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self._confirm)
        self.pad.changed.connect(self._update_buttons)
        self.resize(900, 640)
        self.retranslate()
        self._update_buttons()
        i18n.connect(self)

    def _summary(self, data: SlipData) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary_title = _fixed(QLabel())
        self.summary_title.setProperty("role", "heading")
        layout.addWidget(self.summary_title)
        grid = QGridLayout()
        self._summary_labels: list[tuple[QLabel, str]] = []
        times = (("sign.summary.arrived", data.arrived_at), ("sign.summary.started",
                 data.started_at), ("sign.summary.solved", data.solved_at),
                 ("sign.summary.departed", data.departed_at))
        row = 0
        for key, moment in times:
            if moment is None:
                continue
            caption = _fixed(QLabel())
            self._summary_labels.append((caption, key))
            grid.addWidget(caption, row, 0)
            grid.addWidget(_data(QLabel(format_local(moment))), row, 1)
            row += 1
        layout.addLayout(grid)
        fees = QGridLayout()
        for col, key in enumerate(("fee.kind", "fee.description", "fee.quantity",
                                   "fee.unit_price", "fee.amount")):
            caption = _fixed(QLabel())
            caption.setStyleSheet("font-weight: bold;")
            self._summary_labels.append((caption, key))
            fees.addWidget(caption, 0, col)
        for r, line in enumerate(data.fee_lines, start=1):
            kind = _fixed(QLabel(FEE_KIND_LABELS.get(line.kind, (line.kind,))[0]))
            i18n.produced(CUSTOMER_LANGUAGE).add(kind.text())
            fees.addWidget(kind, r, 0)
            fees.addWidget(_data(QLabel(line.description)), r, 1)
            fees.addWidget(_data(QLabel(f"{line.quantity.normalize():f}")), r, 2)
            fees.addWidget(_data(QLabel(format_yuan(int(line.unit_price * 100)))), r, 3)
            fees.addWidget(_data(QLabel(format_yuan(line.amount_fen))), r, 4)
        layout.addLayout(fees)
        self.total = _fixed(QLabel())
        self.total.setProperty("role", "total")
        self._total_fen = data.total_fen
        layout.addWidget(self.total)
        self.statement = _fixed(QLabel())
        self.statement.setWordWrap(True)
        layout.addWidget(self.statement)
        layout.addStretch(1)
        row_buttons = QHBoxLayout()
        self.back_button = QPushButton()
        self.agree_button = QPushButton()
        self.agree_button.setProperty("primary", True)
        self.back_button.clicked.connect(self.reject)
        self.agree_button.clicked.connect(lambda: self.stack.setCurrentWidget(self.pad_page))
        row_buttons.addStretch(1)
        row_buttons.addWidget(self.back_button)
        row_buttons.addWidget(self.agree_button)
        layout.addLayout(row_buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr(f"sign.title.{self.role}"))
        self.summary_title.setText(_zh("sign.summary.title"))
        for label, key in self._summary_labels:
            label.setText(_zh(key))
        self.total.setText(_zh("sign.summary.total", total=format_yuan(self._total_fen)))
        self.statement.setText(_zh("sign.summary.statement"))
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
        self.undo_button.setEnabled(has)
        self.clear_button.setEnabled(has)
        self.confirm_button.setEnabled(has)

    def _confirm(self) -> None:
        show_error(self.error, None, "")
        self.confirm_button.setEnabled(False)
        self.signed.emit(self.role, self.name.text(), self.pad.strokes())

    def show_error(self, text: str) -> None:
        show_error(self.error, None, text)
        self._update_buttons()
