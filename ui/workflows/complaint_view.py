"""投诉 / Complaints (R5, staff): the list, and one complaint's routing, clock and handling.

The response clock runs from receipt to the first response (text and colour). A response
is recorded with who gave it; closing is refused by the core without one (R5.3). A closed
complaint's feedback report (投诉反馈报告) is previewed and printed like every workflow
document (`ui.workflows.workflow_documents`, `fieldapp.services.workflow_documents`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import format_local
from fieldapp.services import attachments, complaints
from fieldapp.services.complaints import ComplaintData
from fieldapp.workflows.complaints import ABOUT_LABELS, ROUTE_LABELS, STATUS_LABELS, ComplaintStatus
from ui.kit import forms, i18n
from ui.kit.fields import error_label, show_error
from ui.kit.fit import scroll_body
from ui.kit.ops import Ops
from ui.kit.pictures_strip import PicturesStrip
from ui.kit.table_models import Column, PagedModel
from ui.visit.preview_dialog import PreviewDialog
from ui.workflows.workflow_documents import complaint_report, show_preview
from ui.workflows.workflow_widgets import (
    button,
    clock_colour,
    clock_text,
    coloured,
    data_label,
    message,
)

STATUS_COLOURS = {"received": "#b36b00", "responded": "#1565c0", "closed": "#1b7f3b"}

COMPLAINT_COLUMNS = (
    Column("complaint.col.number", lambda r: r.number, width=190),
    Column("col.customer", lambda r: r.customer_name, width=180),
    Column("complaint.col.about", lambda r: i18n.pair(ABOUT_LABELS[r.about]), width=150),
    Column("complaint.col.route", lambda r: i18n.pair(ROUTE_LABELS[r.routed_to]), width=200),
    Column("col.status", lambda r: i18n.pair(STATUS_LABELS[r.status]),
           lambda r: STATUS_COLOURS[r.status], width=160),
    Column("complaint.col.clock", lambda r: clock_text(r.clock_state, r.due_at),
           lambda r: clock_colour(r.clock_state), width=0),
    Column("complaint.col.received_at", lambda r: format_local(r.received_at), width=150),
)


def complaint_model(ops: Ops, parent: Any = None) -> PagedModel:
    return PagedModel(ops, COMPLAINT_COLUMNS, parent)


class ComplaintView(QDialog):
    changed = Signal()

    def __init__(self, ops: Ops, settings: Settings, complaint_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("complaint_view")
        self.ops, self.settings, self.complaint_id = ops, settings, complaint_id
        self.code, name = str(settings.get("operator_code")), str(settings.get("operator_name"))
        self.data: ComplaintData | None = None
        self.preview: PreviewDialog | None = None
        self.title = data_label()
        self.title.setProperty("role", "heading")
        self.status_label, self.clock_label = data_label(), data_label()
        self.info_box = QGroupBox()
        self.values = {k: data_label() for k in ("customer", "about", "route", "slips",
                                                 "description", "received_at", "responses")}
        self.captions = forms.captioned_rows(QFormLayout(self.info_box), self.values.items())
        self.respond_box = QGroupBox()
        self.response = QPlainTextEdit()
        self.response.setTabChangesFocus(True)
        self.response.setFixedHeight(80)
        self.responder = QLineEdit(name)
        self.responder_caption = QLabel()
        self.respond_button = button(primary=True)
        form = QFormLayout(self.respond_box)
        form.addRow(self.response)
        form.addRow(self.responder_caption, self.responder)
        form.addRow(self.respond_button)
        self.close_box = QGroupBox()
        self.outcome = QLineEdit()
        self.satisfied = QComboBox()
        self.outcome_caption, self.satisfied_caption = QLabel(), QLabel()
        self.close_complaint_button = button()
        form = QFormLayout(self.close_box)
        form.addRow(self.outcome_caption, self.outcome)
        form.addRow(self.satisfied_caption, self.satisfied)
        form.addRow(self.close_complaint_button)
        self.error = error_label()
        self.report_button, self.close_button = button(), button()
        body = QWidget()
        layout = QVBoxLayout(body)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.status_label)
        layout.addLayout(head)
        layout.addWidget(self.clock_label)
        # what the customer sent or the desk photographed with the complaint
        self.pictures_box = QGroupBox()
        self.pictures = PicturesStrip(ops, actor_code=lambda: self.code, titled=False)
        QVBoxLayout(self.pictures_box).addWidget(self.pictures)
        self.pictures.set_owner(attachments.OwnerKind.COMPLAINT, complaint_id)
        for w in (self.error, self.info_box, self.pictures_box, self.respond_box,
                  self.close_box):
            layout.addWidget(w)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll_body(body), 1)
        outer.addLayout(forms.button_row(self.close_button, left=[self.report_button]))
        self.respond_button.clicked.connect(self.respond)
        self.close_complaint_button.clicked.connect(self.close_complaint)
        self.report_button.clicked.connect(self.open_report)
        self.close_button.clicked.connect(self.accept)
        self.resize(860, 680)
        self.retranslate()
        i18n.connect(self)
        store = ops.store
        ops.call(lambda: complaints.load(store, complaint_id), self._show, self._failed)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("complaint.title"))
        self.info_box.setTitle(tr("complaint.info_box"))
        self.pictures_box.setTitle(tr("pictures.box"))
        forms.name_captions(self.captions, "complaint.info")
        self.respond_box.setTitle(tr("complaint.respond_box"))
        self.response.setPlaceholderText(tr("complaint.response_placeholder"))
        self.responder_caption.setText(tr("complaint.responder"))
        self.respond_button.setText(tr("complaint.respond"))
        self.close_box.setTitle(tr("complaint.close_box"))
        self.outcome_caption.setText(tr("complaint.outcome"))
        self.satisfied_caption.setText(tr("complaint.satisfied"))
        forms.refill(self.satisfied, ((tr(f"complaint.satisfied.{value or 'unknown'}"), value)
                                      for value in ("", "yes", "no")))
        self.close_complaint_button.setText(tr("complaint.close"))
        self.report_button.setText(tr("complaint.report"))
        self.close_button.setText(tr("button.close"))
        if self.data is not None:
            self._show(self.data)

    def _show(self, data: ComplaintData) -> None:
        tr = i18n.tr
        self.data = data
        self.title.setText(tr("complaint.heading", number=data.number))
        self.status_label.setText(i18n.pair(STATUS_LABELS[data.status]))
        coloured(self.status_label, STATUS_COLOURS[data.status])
        self.clock_label.setText(tr("complaint.clock",
                                    clock=clock_text(data.clock_state, data.due_at)))
        coloured(self.clock_label, clock_colour(data.clock_state))
        about = i18n.pair(ABOUT_LABELS[data.about])
        v = self.values
        v["customer"].setText(data.customer_name)
        v["about"].setText(f"{about} {data.subject_name}".strip())
        route = i18n.pair(ROUTE_LABELS[data.routed_to])
        v["route"].setText(f"{route} {data.handler_name}".strip())
        v["slips"].setText(data.slip_numbers or "—")
        v["description"].setText(data.description)
        v["received_at"].setText(format_local(data.received_at))
        v["responses"].setText("\n".join(f"{format_local(at)} {who}：{text}"
                                         for text, who, at in data.responses) or "—")
        closed = data.status == ComplaintStatus.CLOSED
        self.respond_box.setVisible(not closed)
        self.close_box.setVisible(not closed)
        self.report_button.setEnabled(closed)

    def _failed(self, exc: Exception) -> None:
        show_error(self.error, None, message(exc))

    def _done(self, data: ComplaintData) -> None:
        self.response.clear()
        self._show(data)
        self.changed.emit()

    def _run(self, step: Callable[..., ComplaintData], entry: object) -> None:
        """`step(store, complaint_id, entry, operator_code=…)`, a complaint service, in the
        background; the complaint as it is then comes back."""
        show_error(self.error, None, "")
        store, complaint_id, code = self.ops.store, self.complaint_id, self.code
        self.ops.call(lambda: step(store, complaint_id, entry, operator_code=code),
                      self._done, self._failed, write=True)

    def respond(self) -> None:
        text = self.response.toPlainText()
        if not text.strip():
            show_error(self.error, self.response, i18n.tr("complaint.response_required"))
            return
        self._run(complaints.respond, complaints.Response(text, self.responder.text()))

    def close_complaint(self) -> None:
        satisfied = {"yes": True, "no": False}.get(self.satisfied.currentData() or "")
        self._run(complaints.close, complaints.Closing(self.responder.text(),
                                                       self.outcome.text(), satisfied))

    def open_report(self) -> None:
        if self.data is None:
            return
        document = complaint_report(self.ops.store, self.settings, self.data.number)
        self.preview = show_preview(self.ops, document, self)  # in the customer's language
