"""Signing (R2.3, R3, R1.4): one dialog for every signature the app collects.

A customer first sees what they confirm — a `Summary`, always in Chinese (the customer's
language, whatever the engineer's UI language) — then signs on the pad; an engineer goes
straight to the pad. The dialog only collects: it emits `signed(SignatureInput)` and the
caller stores it through a service.

    SlipSummary  a slip's times, work done, fee lines and 总计 in large type; a ¥0.00
                 total is said plainly and needs the customer's explicit confirmation
    RowsSummary  a workflow's rows (送修, 备机) and the statement the customer agrees to

`for_slip` is the slip editor's: it stays open until the signature is stored (a refusal
is shown in it); the workflow screens' dialogs close as soon as one is drawn.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
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

from fieldapp.base.money import format_yuan
from fieldapp.base.timeutil import format_local
from fieldapp.records.events import SignatureInput
from fieldapp.rules.validation import FEE_KIND_LABELS
from fieldapp.services.visit_view import SlipData
from fieldapp.store.values import SignerRole
from ui.kit import i18n
from ui.kit.fields import error_label, show_error
from ui.visit.signature_pad import PAD_HEIGHT, PAD_WIDTH, SignaturePad

CUSTOMER_LANGUAGE = "zh"
# what the customer reads: at least 20 px, the total larger still
SUMMARY_STYLE = """
QLabel, QCheckBox { font-size: 22px; }
QLabel[role="heading"] { font-size: 28px; }
QLabel[role="total"] { font-size: 30px; }
QLabel[role="caption"] { font-size: 20px; color: #486581; }
QLabel[role="zero"] { font-size: 24px; font-weight: bold; color: #8a4b00;
    background: #fff3e0; border: 2px solid #ef6c00; border-radius: 6px; padding: 10px; }
QCheckBox::indicator { width: 30px; height: 30px; }
"""


def _zh(key: str, **values: object) -> str:
    text = i18n.catalogue(CUSTOMER_LANGUAGE)[key].format(**values)
    i18n.produced(CUSTOMER_LANGUAGE).add(text)
    return text


def _fixed(label: QLabel) -> QLabel:
    label.setProperty("fixed_language", CUSTOMER_LANGUAGE)
    return label


def _data(label: QLabel) -> QLabel:
    label.setProperty("data", True)
    label.setWordWrap(True)
    return label


class Summary(QWidget):
    """What the customer confirms before the pad opens, in Chinese."""

    ready_changed = Signal()  # `ready` may have changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._captions: list[tuple[QLabel, str]] = []

    def _caption(self, key: str, role: str = "caption") -> QLabel:
        label = _fixed(QLabel())
        label.setProperty("role", role)
        self._captions.append((label, key))
        return label

    def ready(self) -> bool:
        """The customer may go on to the pad."""
        return True

    def retranslate(self) -> None:
        for label, key in self._captions:
            label.setText(_zh(key))


class SlipSummary(Summary):
    """A slip's service times, work done, fee lines and 总计."""

    def __init__(self, data: SlipData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customer_summary")
        self.setStyleSheet(SUMMARY_STYLE)
        self.zero = data.total_fen == 0
        self._total_fen = data.total_fen
        layout = QVBoxLayout(self)
        self.title = self._caption("sign.summary.title", "heading")
        layout.addWidget(self.title)
        columns = QHBoxLayout()
        columns.setSpacing(48)
        times_box, work_box = QWidget(), QWidget()  # each as tall as its lines, top-aligned
        times = QGridLayout(times_box)
        times.setContentsMargins(0, 0, 0, 0)
        times.setHorizontalSpacing(16)
        row = 0
        for key, moment in (("sign.summary.arrived", data.arrived_at),
                            ("sign.summary.started", data.started_at),
                            ("sign.summary.solved", data.solved_at),
                            ("sign.summary.departed", data.departed_at)):
            if moment is None:
                continue
            times.addWidget(self._caption(key), row, 0)
            times.addWidget(_data(QLabel(format_local(moment))), row, 1)
            row += 1
        columns.addWidget(times_box, 0, Qt.AlignmentFlag.AlignTop)
        work = QVBoxLayout(work_box)
        work.setContentsMargins(0, 0, 0, 0)
        work.setSpacing(2)
        for key, text in (("sign.summary.fault_found", data.fault_found),
                          ("sign.summary.handling", data.handling)):
            work.addWidget(self._caption(key))
            work.addWidget(_data(QLabel(text)))
        columns.addWidget(work_box, 1, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(columns)
        layout.addSpacing(12)
        layout.addLayout(self._fees(data))
        self.total = _fixed(QLabel())
        self.total.setProperty("role", "total")
        layout.addWidget(self.total)
        self.zero_warning = self._caption("sign.summary.zero_warning", "zero")
        self.zero_warning.setWordWrap(True)
        self.zero_confirm = QCheckBox()
        self.zero_confirm.setProperty("fixed_language", CUSTOMER_LANGUAGE)
        self.zero_confirm.toggled.connect(lambda _on: self.ready_changed.emit())
        self.zero_warning.setVisible(self.zero)
        self.zero_confirm.setVisible(self.zero)
        layout.addWidget(self.zero_warning)
        layout.addWidget(self.zero_confirm, 0, Qt.AlignmentFlag.AlignLeft)  # all of it taps
        self.statement = self._caption("sign.summary.statement", "")
        self.statement.setWordWrap(True)
        layout.addWidget(self.statement)
        layout.addStretch(1)

    def _fees(self, data: SlipData) -> QGridLayout:
        fees = QGridLayout()
        fees.setHorizontalSpacing(18)
        for col, key in enumerate(("fee.kind", "fee.description", "fee.quantity",
                                   "fee.unit_price", "fee.amount")):
            fees.addWidget(self._caption(key), 0, col)
        for r, line in enumerate(data.fee_lines, start=1):
            kind = _fixed(QLabel(FEE_KIND_LABELS.get(line.kind, (line.kind,))[0]))
            i18n.produced(CUSTOMER_LANGUAGE).add(kind.text())
            fees.addWidget(kind, r, 0)
            fees.addWidget(_data(QLabel(line.description)), r, 1)
            for col, text in ((2, f"{line.quantity.normalize():f}"),
                              (3, format_yuan(int(line.unit_price * 100))),
                              (4, format_yuan(line.amount_fen))):
                label = _data(QLabel(text))
                label.setAlignment(Qt.AlignmentFlag.AlignRight)
                fees.addWidget(label, r, col)
        fees.setColumnStretch(1, 1)
        return fees

    @property
    def zero_total_confirmed(self) -> bool:
        """The customer ticked "本次服务不收费" (only asked when the total is ¥0.00)."""
        return self.zero and self.zero_confirm.isChecked()

    def ready(self) -> bool:
        return not self.zero or self.zero_confirm.isChecked()

    def retranslate(self) -> None:
        super().retranslate()
        self.total.setText(_zh("sign.summary.total", total=format_yuan(self._total_fen)))
        self.zero_confirm.setText(_zh("sign.summary.zero_confirm"))


class RowsSummary(Summary):
    """(zh caption key, value) rows and `statement_key`, what the customer agrees to."""

    def __init__(self, rows: list[tuple[str, str]], statement_key: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.statement_key = statement_key
        layout = QVBoxLayout(self)
        self.title = self._caption("pad.summary_title", "heading")
        layout.addWidget(self.title)
        grid = QGridLayout()
        for row, (key, value) in enumerate(rows):
            grid.addWidget(self._caption(key, ""), row, 0)
            value_label = _data(QLabel(value))
            value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(value_label, row, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.statement = _fixed(QLabel())
        self.statement.setWordWrap(True)
        layout.addWidget(self.statement)
        layout.addStretch(1)

    def retranslate(self) -> None:
        super().retranslate()
        self.statement.setText(_zh(self.statement_key) if self.statement_key else "")
        self.statement.setVisible(bool(self.statement_key))


class SignView(QDialog):
    """One signature: the summary first when there is one, then the pad; emits
    `signed(SignatureInput)` once a name is there and something is drawn."""

    signed = Signal(object)  # fieldapp.records.events.SignatureInput

    def __init__(self, role: str, name: str, summary: Summary | None = None,
                 parent: QWidget | None = None, *, title_key: str = "pad.title",
                 closes_on_confirm: bool = True) -> None:
        super().__init__(parent)
        self.role, self.summary, self.title_key = role, summary, title_key
        self.closes_on_confirm = closes_on_confirm
        self.setObjectName(f"sign_view_{role}")
        self.setModal(True)
        self.stack = QStackedWidget()
        self.summary_page = self._summary_page(summary)
        self.pad_page = QWidget()
        self.pad = SignaturePad()
        self.name = QLineEdit(name)
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
        QVBoxLayout(self).addWidget(self.stack)
        if summary is None:
            self.stack.setCurrentWidget(self.pad_page)
        else:
            summary.ready_changed.connect(self._update_agree)

        self.clear_button.clicked.connect(self.pad.clear)
        self.undo_button.clicked.connect(self.pad.undo)
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self._confirm)
        self.pad.changed.connect(self._update_buttons)
        self._fit()
        self.retranslate()
        self._update_buttons()
        i18n.connect(self)

    def _summary_page(self, summary: Summary | None) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        if summary is not None:
            scroll.setWidget(summary)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.back_button = QPushButton()
        self.agree_button = QPushButton()
        self.agree_button.setProperty("primary", True)
        self.back_button.clicked.connect(self.reject)
        self.agree_button.clicked.connect(self._agree)
        if isinstance(summary, SlipSummary):  # the customer's reading size
            for button in (self.back_button, self.agree_button):
                button.setStyleSheet("font-size: 22px; min-height: 56px; padding: 0 28px;")
        row_buttons = QHBoxLayout()
        row_buttons.addStretch(1)
        row_buttons.addWidget(self.back_button)
        row_buttons.addWidget(self.agree_button)
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(scroll, 1)  # long texts scroll; the buttons stay put
        page_layout.addLayout(row_buttons)
        self.summary_scroll = scroll
        return page

    def _fit(self) -> None:
        """As large as the screen allows, up to 1200 × 660 (fits 1280 × 680)."""
        screen = (self.parentWidget() or self).screen()
        area = screen.availableGeometry() if screen is not None else None
        width = min(1200, area.width() - 40) if area is not None else 1200
        height = min(660, area.height() - 40) if area is not None else 660
        self.resize(max(width, 640), max(height, 480))

    @property
    def summary_title(self) -> QLabel | None:
        return getattr(self.summary, "title", None)

    @property
    def statement(self) -> QLabel | None:
        return getattr(self.summary, "statement", None)

    @property
    def zero_total_confirmed(self) -> bool:
        """The customer confirmed a ¥0.00 total (a slip's summary only)."""
        return isinstance(self.summary, SlipSummary) and self.summary.zero_total_confirmed

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr(f"{self.title_key}.{self.role}"))
        if self.summary is not None:
            self.summary.retranslate()
        self.back_button.setText(tr("button.back"))
        self.agree_button.setText(tr("sign.agree"))
        self.prompt.setText(tr(f"sign.prompt.{self.role}"))
        self.name_label.setText(tr("sign.name"))
        self.clear_button.setText(tr("sign.clear"))
        self.undo_button.setText(tr("sign.undo"))
        self.cancel_button.setText(tr("button.cancel"))
        self.confirm_button.setText(tr("sign.confirm"))
        self._update_agree()

    def _update_agree(self) -> None:
        self.agree_button.setEnabled(self.summary is None or self.summary.ready())

    def _agree(self) -> None:
        if self.agree_button.isEnabled():
            self.stack.setCurrentWidget(self.pad_page)

    def _update_buttons(self) -> None:
        has = not self.pad.is_empty()
        for button in (self.undo_button, self.clear_button, self.confirm_button):
            button.setEnabled(has)

    def _confirm(self) -> None:
        name = self.name.text().strip()
        if not name:
            show_error(self.error, self.name, i18n.tr("pad.name_required"))
            return
        show_error(self.error, self.name, "")
        if not self.closes_on_confirm:
            self.confirm_button.setEnabled(False)  # until the caller has stored it
        self.signed.emit(SignatureInput(name, self.pad.strokes(), PAD_WIDTH, PAD_HEIGHT))
        if self.closes_on_confirm:
            self.accept()

    def show_error(self, text: str) -> None:
        """The caller could not store the signature: why, on the pad's page."""
        show_error(self.error, None, text)
        self._update_buttons()


def for_slip(data: SlipData, role: str, parent: QWidget | None = None) -> SignView:
    """A slip's signature: the customer confirms the slip's summary first. Stays open
    until the editor has stored the signature (`accept`) or says why not (`show_error`)."""
    customer = role == SignerRole.CUSTOMER
    return SignView(role, data.contact_name if customer else data.engineer_name,
                    SlipSummary(data) if customer else None, parent,
                    title_key="sign.title", closes_on_confirm=False)
