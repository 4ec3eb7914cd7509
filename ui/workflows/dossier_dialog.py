"""客户档案 / The group dossier after a visit (R2.5, issue 20 item 6; group customers only).

Three tabs, each fitting 1280x680 with 44 px targets: 主要设备跟踪 (a tracking note on one
of the customer's devices, the devices' state and notes), 问题集 (raise a problem set;
track, note, solve, close without fix or reopen the chosen one; link another of the
customer's requests) and 服务建议 (propose; record the customer's answer and the
follow-up). Every submission shows the service centre's review: 待审核, 已审核, or 已退回
with the centre's comment (after a pull), which the engineer answers by a new step.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import format_local
from fieldapp.services import archive_entries, dossier
from fieldapp.services.dossier import (
    DEVICE_TRACKING,
    PROBLEM_STEPS,
    REVIEW_LABELS,
    SUGGESTION_STEPS,
    DossierContext,
    RecordView,
    Review,
    allowed_steps,
)
from ui.kit import forms, i18n
from ui.kit.fields import error_label, show_error
from ui.kit.ops import Ops
from ui.workflows.workflow_widgets import button, data_label, message


def _text_box(height: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


def _scrolled(label: QLabel) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(label)
    return area


class _RecordTab(QWidget):
    """A list of problem sets or suggestions, the chosen one's history and its next steps,
    and the form for a new one."""

    def __init__(self, steps: tuple[str, ...], new_fields: list[tuple[str, QWidget]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.records: dict[uuid.UUID, RecordView] = {}
        self.list = QListWidget()
        self.list.setProperty("data", True)  # numbers and the engineer's words
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail = data_label()
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.note = QLineEdit()
        self.note.setMaxLength(5000)
        self.step_buttons = {kind: button() for kind in steps}
        self.new_button = button(primary=True)
        self.new_form = QFormLayout()
        self.new_captions = forms.captioned_rows(self.new_form, new_fields)
        self.extra = QFormLayout()  # the tab's own fields for a step
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(self.new_form)
        left.addWidget(self.new_button)
        self.note_caption = QLabel()
        steps_row = QHBoxLayout()
        for b in self.step_buttons.values():
            steps_row.addWidget(b)
        right = QVBoxLayout()
        right.addWidget(_scrolled(self.detail), 1)
        right.addLayout(self.extra)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note_caption)
        note_row.addWidget(self.note, 1)
        right.addLayout(note_row)
        right.addLayout(steps_row)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)
        self.list.currentItemChanged.connect(lambda *_: self.show_chosen())

    def chosen(self) -> RecordView | None:
        item = self.list.currentItem()
        return self.records.get(item.data(256)) if item is not None else None

    def fill(self, records: tuple[RecordView, ...]) -> None:
        current = self.chosen()
        self.records = {r.id: r for r in records}
        self.list.clear()
        for record in records:
            review = i18n.pair(REVIEW_LABELS[_record_review(record)])
            item = QListWidgetItem(f"{record.number}  {i18n.pair(record.status_label)} · "
                                   f"{review}\n{record.title[:40]}")
            item.setData(256, record.id)
            self.list.addItem(item)
            if current is not None and record.id == current.id:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and records:
            self.list.setCurrentRow(0)
        self.show_chosen()

    def show_chosen(self) -> None:
        record = self.chosen()
        allowed = allowed_steps(record.status) if record is not None else ()
        for kind, b in self.step_buttons.items():
            b.setEnabled(kind in allowed)
        if record is None:
            self.detail.setText(i18n.tr("dossier.pick") if self.records else
                                i18n.tr("dossier.none"))
            return
        lines = [f"{record.number}  {record.title}", record.text if record.text != record.title
                 else "", i18n.tr("dossier.linked", numbers="、".join(record.linked))
                 if record.linked else ""]
        for step in record.steps:
            review = i18n.pair(REVIEW_LABELS[step.review])
            line = (f"{format_local(step.at)}  {i18n.pair(step.label)} {step.linked_number}"
                    f"  {step.by}：{step.note}  [{review}]")
            lines.append(line)
            if step.review == Review.RETURNED:
                lines.append("    " + i18n.tr("dossier.returned", comment=step.comment,
                                              reviewer=step.reviewer))
        self.detail.setText("\n".join(line for line in lines if line))


def _record_review(record: RecordView) -> str:
    """The record's review as the list says it: returned if any step was, else waiting if
    any step waits, else reviewed."""
    reviews = {s.review for s in record.steps}
    for review in (Review.RETURNED, Review.SUBMITTED):
        if review in reviews:
            return review
    return Review.REVIEWED


class DossierDialog(QDialog):
    def __init__(self, ops: Ops, settings: Settings, slip_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dossier_dialog")
        self.ops, self.settings, self.slip_id = ops, settings, slip_id
        self.context: DossierContext | None = None
        self.customer = data_label()
        self.customer.setProperty("role", "heading")
        self.notice = QLabel()
        self.notice.setProperty("role", "notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.tabs = QTabWidget()
        # main-device tracking
        self.note_device, self.note_text = QComboBox(), _text_box(80)
        self.note_device.setProperty("data", True)  # device names are the customer's data
        self.save_note = button(primary=True)
        self.devices = data_label()
        self.devices.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        tracking = QWidget()
        tracking_form = QFormLayout()
        self.tracking_captions = forms.captioned_rows(tracking_form, (
            ("device", self.note_device), ("note", self.note_text)))
        tracking_layout = QVBoxLayout(tracking)
        tracking_layout.addLayout(tracking_form)
        tracking_layout.addWidget(self.save_note)
        tracking_layout.addWidget(_scrolled(self.devices), 1)
        # problem sets and suggestions
        self.problem_title, self.problem_text = QLineEdit(), _text_box(66)
        self.problem_title.setMaxLength(100)
        self.problem_device, self.suggestion_device = QComboBox(), QComboBox()
        for combo in (self.problem_device, self.suggestion_device):
            combo.setProperty("data", True)
        self.problems = _RecordTab(PROBLEM_STEPS, [
            ("title", self.problem_title), ("description", self.problem_text),
            ("device", self.problem_device)])
        self.link_request, self.link_button = QComboBox(), button()
        self.link_request.setProperty("data", True)
        link_row = QHBoxLayout()
        link_row.addWidget(self.link_request, 1)
        link_row.addWidget(self.link_button)
        self.link_caption = QLabel()
        self.problems.extra.addRow(self.link_caption, link_row)
        self.suggestion_text = _text_box(110)
        self.suggestions = _RecordTab(SUGGESTION_STEPS, [
            ("suggestion", self.suggestion_text), ("device", self.suggestion_device)])
        self.customer_name = QLineEdit()
        self.customer_name.setMaxLength(100)
        self.customer_caption = QLabel()
        self.suggestions.extra.addRow(self.customer_caption, self.customer_name)
        for tab in (tracking, self.problems, self.suggestions):
            self.tabs.addTab(tab, "")
        self.error, self.close_button = error_label(), button()
        layout = QVBoxLayout(self)
        layout.addWidget(self.customer)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(forms.button_row(self.close_button, error=self.error))
        self.close_button.clicked.connect(self.accept)
        self.save_note.clicked.connect(self.add_note)
        self.problems.new_button.clicked.connect(self.raise_problem)
        self.suggestions.new_button.clicked.connect(self.propose)
        self.link_button.clicked.connect(self.link)
        for kind, b in self.problems.step_buttons.items():
            b.clicked.connect(lambda _=False, k=kind: self.problem_step(k))
        for kind, b in self.suggestions.step_buttons.items():
            b.clicked.connect(lambda _=False, k=kind: self.suggestion_step(k))
        self.resize(1100, 620)
        self.retranslate()
        i18n.connect(self)
        self.reload()

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("dossier.title"))
        for i, key in enumerate(("devices", "problems", "suggestions")):
            self.tabs.setTabText(i, tr(f"dossier.tab.{key}"))
        for captions in (self.tracking_captions, self.problems.new_captions,
                         self.suggestions.new_captions):
            forms.name_captions(captions, "dossier.field")
        for tab, key in ((self.problems, "problems"), (self.suggestions, "suggestions")):
            tab.note_caption.setText(tr("dossier.field.step_note"))
            tab.note.setAccessibleName(tr("dossier.field.step_note"))
            tab.list.setAccessibleName(tr(f"dossier.tab.{key}"))
            for kind, b in tab.step_buttons.items():
                b.setText(tr(f"dossier.step.{kind}"))
        for caption, field, key in ((self.link_caption, self.link_request, "request"),
                                    (self.customer_caption, self.customer_name,
                                     "customer_name")):
            caption.setText(tr(f"dossier.field.{key}"))
            field.setAccessibleName(tr(f"dossier.field.{key}"))
        self.note_text.setPlaceholderText(tr("dossier.note_placeholder"))
        self.notice.setText(tr("dossier.not_group"))
        self.save_note.setText(tr("dossier.save_note"))
        self.problems.new_button.setText(tr("dossier.raise"))
        self.suggestions.new_button.setText(tr("dossier.propose"))
        self.link_button.setText(tr("dossier.link"))
        self.close_button.setText(tr("button.close"))
        if self.context is not None:
            self._show(self.context)

    def reload(self) -> None:
        store, slip_id = self.ops.store, self.slip_id
        self.ops.call(lambda: dossier.context(store, slip_id), self._show, self._failed)

    def _show(self, context: DossierContext) -> None:
        self.context = context
        self.customer.setText(context.customer_name)
        self.notice.setVisible(not context.is_group)
        self.tabs.setEnabled(context.is_group)
        for combo in (self.note_device, self.problem_device, self.suggestion_device):
            current = combo.currentData() or context.device_id
            forms.refill(combo, [("—", None), *((text, i) for i, text in context.devices)],
                         quiet=True)
            combo.setCurrentIndex(max(0, combo.findData(current)))
        forms.refill(self.link_request, ((n, i) for i, n in context.requests), quiet=True)
        self.devices.setText(self._devices_text(context) or i18n.tr("dossier.none"))
        self.problems.fill(context.dossier.problems)
        self.suggestions.fill(context.dossier.suggestions)

    def _devices_text(self, context: DossierContext) -> str:
        lines = []
        groups = [(f"{v.device.label} {v.device.serial} — {i18n.pair(v.state)}", v.notes)
                  for v in context.dossier.devices]
        if context.dossier.other_notes:
            groups.append((i18n.tr("dossier.other_notes"), context.dossier.other_notes))
        for heading, notes in groups:
            lines.append(heading)
            for note in notes:
                review = i18n.pair(REVIEW_LABELS[note.review])
                lines.append(f"    {format_local(note.at)} {note.by}：{note.text}  [{review}]")
                if note.review == Review.RETURNED:
                    lines.append("        " + i18n.tr("dossier.returned", comment=note.comment,
                                                      reviewer=""))
        return "\n".join(lines)

    def _failed(self, exc: Exception) -> None:
        show_error(self.error, None, message(exc))

    def _write(self, work: Callable[[], object], clear: tuple[QWidget, ...] = ()) -> None:
        show_error(self.error, None, "")

        def done(_result: object) -> None:
            for field in clear:
                if isinstance(field, QLineEdit | QPlainTextEdit):
                    field.clear()
            self.reload()

        self.ops.call(work, done, self._failed, write=True)

    @property
    def _me(self) -> str:
        return str(self.settings.get("operator_code"))

    def add_note(self) -> None:
        entry = archive_entries.NewEntry(DEVICE_TRACKING,
                                         self.note_text.toPlainText(), self._me,
                                         self.note_device.currentData())
        store, slip_id = self.ops.store, self.slip_id
        self._write(lambda: archive_entries.add(store, slip_id, entry), (self.note_text,))

    def raise_problem(self) -> None:
        new = dossier.NewProblem(self.problem_title.text(), self.problem_text.toPlainText(),
                                 self._me, self.problem_device.currentData())
        store, slip_id = self.ops.store, self.slip_id
        self._write(lambda: dossier.raise_problem(store, slip_id, new),
                    (self.problem_title, self.problem_text))

    def propose(self) -> None:
        new = dossier.NewSuggestion(self.suggestion_text.toPlainText(), self._me,
                                    self.suggestion_device.currentData())
        store, slip_id = self.ops.store, self.slip_id
        self._write(lambda: dossier.propose(store, slip_id, new), (self.suggestion_text,))

    def _chosen(self, tab: _RecordTab) -> RecordView | None:
        record = tab.chosen()
        if record is None:
            show_error(self.error, None, i18n.tr("dossier.pick"))
        return record

    def problem_step(self, kind: str) -> None:
        record = self._chosen(self.problems)
        if record is not None:
            store, note, me = self.ops.store, self.problems.note.text(), self._me
            self._write(lambda: dossier.problem_step(store, record.id, kind=kind, note=note,
                                                     actor_code=me), (self.problems.note,))

    def link(self) -> None:
        record, request_id = self._chosen(self.problems), self.link_request.currentData()
        if record is not None and request_id is not None:
            store, note, me = self.ops.store, self.problems.note.text(), self._me
            self._write(lambda: dossier.link_request(store, record.id, request_id,
                                                     actor_code=me, note=note),
                        (self.problems.note,))

    def suggestion_step(self, kind: str) -> None:
        record = self._chosen(self.suggestions)
        if record is not None:
            store, me = self.ops.store, self._me
            note, name = self.suggestions.note.text(), self.customer_name.text()
            self._write(lambda: dossier.suggestion_step(
                store, record.id, kind=kind, customer_name=name, note=note, actor_code=me),
                (self.suggestions.note,))
