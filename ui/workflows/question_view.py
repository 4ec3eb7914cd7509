"""待答复问题 / Open questions (R1.6): recorded with a promised answer time, and answered.

Every question not solved on the spot becomes a record; its clock (text and colour) runs
to the promised time. Recorded from the slip editor (linked to the slip) or the list.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.errors import ValidationError
from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import format_local, utcnow
from fieldapp.services import questions
from fieldapp.services.questions import PROMISE_CHOICES, QuestionRow
from ui.kit import forms, i18n
from ui.kit.fields import TimeField, error_label, show_error
from ui.kit.ops import Ops
from ui.kit.table_models import Column, PagedModel, table_page, table_view
from ui.workflows.workflow_widgets import button, clock_colour, message

QUESTION_COLUMNS = (
    Column("question.col.number", lambda r: r.number, width=190),
    Column("col.customer", lambda r: r.customer_name, width=170),
    Column("question.col.asked_by", lambda r: r.asked_by, width=90),
    Column("question.col.question", lambda r: r.question, width=0),
    Column("question.col.promised_at", lambda r: format_local(r.promised_at), width=150),
    Column("question.col.clock", lambda r: i18n.tr(f"sla.state.{r.clock_state}"),
           lambda r: clock_colour(r.clock_state), width=110),
)


def question_model(ops: Ops, parent: Any = None) -> PagedModel:
    return PagedModel(ops, QUESTION_COLUMNS, parent)


class QuestionDialog(QDialog):
    recorded = Signal(str)  # number

    def __init__(self, ops: Ops, settings: Settings, slip_id: uuid.UUID | None = None,
                 contact: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("question_dialog")
        self.ops, self.settings, self.slip_id = ops, settings, slip_id
        self.customer = QComboBox()
        self.asked_by = QLineEdit(contact)
        self.question = QPlainTextEdit()
        self.question.setTabChangesFocus(True)
        self.question.setFixedHeight(100)
        self.asked_at, self.promised_at = TimeField(), TimeField()
        self.promise_buttons = {h: button() for h in PROMISE_CHOICES}
        self.error = error_label()
        self.save_button, self.cancel_button = button(primary=True), button()
        form = QFormLayout()
        self.captions = forms.captioned_rows(form, (
            ("customer", self.customer), ("asked_by", self.asked_by),
            ("question", self.question), ("asked_at", self.asked_at),
            ("promised_at", self.promised_at)))
        quick = QHBoxLayout()
        for h, b in self.promise_buttons.items():
            quick.addWidget(b)
            b.clicked.connect(lambda _c=False, h=h: self._promise_in(h))
        quick.addStretch(1)
        form.addRow(QLabel(), quick)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(forms.button_row(self.cancel_button, self.save_button, error=self.error))
        self.customer.setVisible(slip_id is None)
        self.captions["customer"].setVisible(slip_id is None)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.asked_at.set_now()
        self._promise_in(PROMISE_CHOICES[1])
        self.resize(760, 520)
        self.retranslate()
        i18n.connect(self)
        if slip_id is None:
            store = ops.store
            ops.call(lambda: questions.customers(store), self._fill, self._refused)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("question.title"))
        forms.name_captions(self.captions, "question.field")
        for h, b in self.promise_buttons.items():
            b.setText(tr("question.promise_in", hours=h))
        self.save_button.setText(tr("question.save"))
        self.cancel_button.setText(tr("button.cancel"))

    def _fill(self, customers: tuple[tuple[uuid.UUID, str], ...]) -> None:
        for cid, name in customers:
            self.customer.addItem(name, cid)

    def _promise_in(self, hours: int) -> None:
        try:
            asked = self.asked_at.value()
        except ValueError:
            asked = None
        self.promised_at.set_value(questions.promised_in(hours, asked, utcnow()))

    def save(self) -> None:
        show_error(self.error, None, "")
        try:
            asked, promised = self.asked_at.value(), self.promised_at.value()  # empty: now
        except ValueError:
            show_error(self.error, None, i18n.tr("error.time_format"))
            return
        if promised is None:
            show_error(self.error, None, i18n.tr("question.promise_required"))
            return
        entry = questions.NewQuestion(
            asked_by=self.asked_by.text(), question=self.question.toPlainText(),
            asked_at=asked, promised_at=promised,
            recorded_by=str(self.settings.get("operator_code")),
            customer_id=self.customer.currentData())
        store, slip_id = self.ops.store, self.slip_id
        self.ops.call(lambda: questions.record(store, entry, slip_id=slip_id), self._saved,
                      self._refused, write=True)

    def _saved(self, number: str) -> None:
        self.recorded.emit(number)
        self.accept()

    def _refused(self, exc: Exception) -> None:
        text = ("\n".join(i.message(i18n.current()) for i in exc.issues)
                if isinstance(exc, ValidationError) else message(exc))
        show_error(self.error, None, text)


class QuestionsPage(QWidget):
    """The list of questions, with recording and answering below it."""

    def __init__(self, ops: Ops, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questions_page")
        self.ops, self.settings = ops, settings
        self.model = question_model(ops, self)
        self.view = table_view(self.model)
        self.answer_text = QLineEdit()
        self.answered_by = QLineEdit(str(settings.get("operator_name")))
        self.answered_by.setMaximumWidth(160)
        self.answer_button, self.new_button = button(primary=True), button()
        self.error = error_label()
        self.dialog: QuestionDialog | None = None
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.answer_text, 1)
        row.addWidget(self.answered_by)
        row.addWidget(self.answer_button)
        table_page(self, self.view, self.error, row)
        self.new_button.clicked.connect(lambda: self.record_question())
        self.answer_button.clicked.connect(self.answer_selected)
        self.answer_text.returnPressed.connect(self.answer_selected)
        self.retranslate()
        i18n.connect(self)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.new_button.setText(tr("question.new"))
        self.answer_text.setPlaceholderText(tr("question.answer_placeholder"))
        self.answered_by.setPlaceholderText(tr("question.answered_by"))
        self.answer_button.setText(tr("question.answer"))

    def refresh(self) -> None:
        store = self.ops.store
        self.model.set_source(lambda offset, limit: questions.page(store, offset=offset,
                                                                   limit=limit))

    def record_question(self, slip_id: uuid.UUID | None = None, contact: str = "") -> None:
        dialog = QuestionDialog(self.ops, self.settings, slip_id, contact, self.window())
        dialog.recorded.connect(lambda _n: self.refresh())
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.dialog = dialog
        dialog.open()

    def selected(self) -> QuestionRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def answer_selected(self) -> None:
        row = self.selected()
        show_error(self.error, None, "")
        if row is None:
            show_error(self.error, None, i18n.tr("question.select"))
            return
        text, who = self.answer_text.text(), self.answered_by.text()
        if not text.strip():
            show_error(self.error, self.answer_text, i18n.tr("question.answer_required"))
            return
        store, question_id = self.ops.store, row.id
        entry, code = questions.Answer(text, who), str(self.settings.get("operator_code"))

        def answered(_result: object) -> None:
            self.answer_text.clear()
            self.refresh()

        self.ops.call(lambda: questions.answer(store, question_id, entry, operator_code=code),
                      answered, self._failed, write=True)

    def _failed(self, exc: Exception) -> None:
        show_error(self.error, None, message(exc))
