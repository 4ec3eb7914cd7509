"""The workshop's repair quotation (维修报价单, R3.2): parts and labour lines by touch, when
the device will be ready and until when the offer stands.

The lines are the visit's fee panel (`ui.visit.fee_lines.FeesPanel`: the price list, kind
chips, big-digit prices, the core's line-by-line check and an honest total); nothing is
saved here — `estimated` carries a `repairs.Estimate` and the repair view records it.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import utcnow
from fieldapp.services import repairs
from fieldapp.services.fee_entry import check_fee_lines, price_items
from ui.kit import i18n
from ui.kit.fields import TimeField, error_label, show_error
from ui.kit.fit import scroll_body
from ui.visit.fee_lines import FeesPanel
from ui.workflows.workflow_widgets import button


class EstimateDialog(QDialog):
    """Emits `estimated(repairs.Estimate)` when the quotation is complete; stays open (with
    the reasons) while a line is refused or none is there."""

    estimated = Signal(object)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("estimate_dialog")
        self.heading = QLabel()
        self.heading.setProperty("role", "heading")
        self.fees = FeesPanel()
        self.fees.no_charge_button.hide()  # a quotation of nothing is no quotation
        self.fees.set_price_list(price_items(settings.get("price_list")))
        self.ready_at, self.valid_until = TimeField(), TimeField()
        self.valid_until.set_value(utcnow() + timedelta(days=repairs.ESTIMATE_VALID_DAYS))
        self.estimated_by, self.note = QLineEdit(), QLineEdit()
        self.captions = {k: QLabel() for k in ("ready_at", "valid_until", "estimated_by",
                                               "note")}
        self.error = error_label()
        self.save_button, self.cancel_button = button(primary=True), button()
        form = QFormLayout()
        for key, widget in (("ready_at", self.ready_at), ("valid_until", self.valid_until),
                            ("estimated_by", self.estimated_by), ("note", self.note)):
            form.addRow(self.captions[key], widget)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.heading)
        column.addWidget(self.fees)
        column.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll_body(body), 1)
        outer.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.resize(1280, 680)  # the fee panel as wide as in the slip editor
        self.retranslate()
        i18n.connect(self)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("estimate.title"))
        self.heading.setText(tr("estimate.heading"))
        for key, caption in self.captions.items():
            caption.setText(tr(f"estimate.{key}"))
        self.estimated_by.setPlaceholderText(tr("estimate.estimated_by_hint"))
        self.save_button.setText(tr("estimate.save"))
        self.cancel_button.setText(tr("button.cancel"))
        self.fees.retranslate()

    def save(self) -> None:
        """Every refused line, a missing time or no line at all: said here, nothing sent."""
        check = check_fee_lines(self.fees.model.lines())
        if check.issues:
            self.fees.show_issues(list(check.issues))
            show_error(self.error, None, i18n.tr("estimate.lines_refused"))
            return
        if not check.lines:
            show_error(self.error, None, i18n.tr("estimate.no_lines"))
            return
        times = []
        for field in (self.ready_at, self.valid_until):
            try:
                moment = field.value()
            except ValueError:
                show_error(field.error, field.edit, i18n.tr("error.time_format"))
                return
            if moment is None:
                show_error(field.error, field.edit, i18n.tr("estimate.time_required"))
                return
            times.append(moment)
        show_error(self.error, None, "")
        self.estimated.emit(repairs.Estimate(
            cost_fen=None, ready_at=times[0], estimated_by=self.estimated_by.text(),
            note=self.note.text(), lines=check.lines, valid_until=times[1]))
        self.accept()
