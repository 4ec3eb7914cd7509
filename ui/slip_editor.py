"""The slip editor, in the order the work happens (R2.1–R2.2), saving as you type.

Every change is saved ~300 ms after the last keystroke and on focus-out, one field at a
time (each in its own savepoint), so a valid field is stored even when another is not.
Refusals come back as `ValidationError.issues` and are shown under the named field; the
typed text stays in the editor, nothing invalid is stored.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from fieldapp import reference, slips
from fieldapp.errors import FieldappError, FieldIssue, NotFound, ValidationError
from fieldapp.money import format_yuan
from fieldapp.settings import Settings
from fieldapp.slips import STATUS_LABELS
from fieldapp.timeutil import format_local
from fieldapp.validation import CHANNEL_LABELS, RESULT_LABELS, RESULTS
from ui import i18n
from ui.fee_lines import FeeLinesModel, KindDelegate, LineText
from ui.fields import FocusOut, TimeField, error_label, show_error
from ui.ops import Ops
from ui.sign_view import SignView
from ui.signature_pad import PAD_HEIGHT, PAD_WIDTH
from ui.slip_data import SlipData, device_text, load, slip_data

TIME_FIELDS = ("arrived_at", "started_at", "solved_at", "departed_at")
WORKFLOW_ACTIONS = ("send_in", "escalate", "question", "archive")  # R3, R4, R1.6, R2.5
TEXT_FIELDS = ("fault_found", "handling")
SAVE_DELAY_MS = 300


def _data_label() -> QLabel:
    label = QLabel()
    label.setProperty("data", True)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _save_fields(session: Session, slip_id: uuid.UUID, changes: dict[str, Any],
                 fees: list[Any] | None) -> tuple[list[str], list[FieldIssue]]:
    """Each field in its own savepoint: the valid ones stick, the invalid ones report."""
    slip = slips.get_slip(session, slip_id)
    saved, issues = [], []
    for field, value in changes.items():
        try:
            with session.begin_nested():
                slips.update_slip(session, slip, {field: value})
            saved.append(field)
        except ValidationError as exc:
            issues.extend(exc.issues)
    if fees is not None:
        try:
            with session.begin_nested():
                slips.set_fee_lines(session, slip, fees)
            saved.append("fee_lines")
        except ValidationError as exc:
            issues.extend(exc.issues)
    return saved, issues


class SlipEditor(QWidget):
    saved = Signal()
    sealed = Signal(object)  # SlipData: both have signed (the app syncs it at once)
    loaded = Signal(object)  # SlipData
    open_slip = Signal(object)  # uuid of another slip (an amendment)
    preview_requested = Signal(object)  # uuid
    workflow_requested = Signal(str, object)  # action in WORKFLOW_ACTIONS, SlipData

    def __init__(self, ops: Ops, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slip_editor")
        self.ops, self.settings = ops, settings
        self.data: SlipData | None = None
        self._dirty: set[str] = set()
        self._fees_dirty = False
        self._loading = False
        self.sign_view: SignView | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self._build()
        self.retranslate()
        i18n.connect(self)

    # -- building ----------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel()
        self.title.setProperty("role", "heading")
        self.banner = QLabel()
        self.banner.setProperty("role", "banner")
        self.banner.setWordWrap(True)
        self.seal_label = _data_label()
        self.seal_label.setProperty("role", "seal")
        self.amend_button = QPushButton()
        self.amend_reason = QLineEdit()
        self.amend_error = error_label()
        self.general_error = error_label()

        self.request_box = QGroupBox()
        form = QFormLayout(self.request_box)
        self.request_values: dict[str, QLabel] = {}
        self.request_captions: dict[str, QLabel] = {}
        for key in ("request", "customer", "channel", "contact", "site", "device",
                    "fault_reported", "requested_at"):
            caption, value = QLabel(), _data_label()
            self.request_captions[key], self.request_values[key] = caption, value
            form.addRow(caption, value)
        self.scan = QLineEdit()
        self.scan_button = QPushButton()
        self.scan_result = _data_label()
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan, 1)
        scan_row.addWidget(self.scan_button)
        self.scan_caption = QLabel()
        form.addRow(self.scan_caption, scan_row)
        form.addRow(QLabel(), self.scan_result)

        self.times_box = QGroupBox()
        times = QFormLayout(self.times_box)
        self.time_fields = {f: TimeField() for f in TIME_FIELDS}
        self.time_captions = {f: QLabel() for f in TIME_FIELDS}
        for f in ("arrived_at", "started_at"):
            times.addRow(self.time_captions[f], self.time_fields[f])

        self.work_box = QGroupBox()
        work = QFormLayout(self.work_box)
        self.texts = {f: QPlainTextEdit() for f in TEXT_FIELDS}
        self.text_errors = {f: error_label() for f in TEXT_FIELDS}
        self.text_captions = {f: QLabel() for f in TEXT_FIELDS}
        for f in TEXT_FIELDS:
            self.texts[f].setTabChangesFocus(True)
            self.texts[f].setFixedHeight(96)
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(self.texts[f])
            column.addWidget(self.text_errors[f])
            work.addRow(self.text_captions[f], column)

        self.fees_box = QGroupBox()
        fees = QVBoxLayout(self.fees_box)
        self.fee_model = FeeLinesModel(self)
        self.fee_table = QTableView()
        self.fee_table.setModel(self.fee_model)
        self.fee_table.setItemDelegateForColumn(0, KindDelegate(self.fee_table))
        self.fee_table.verticalHeader().setDefaultSectionSize(44)
        self.fee_table.verticalHeader().hide()
        header = self.fee_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.fee_table.setMinimumHeight(180)
        self.fee_table.setEditTriggers(QTableView.EditTrigger.AllEditTriggers)
        self.add_fee_button = QPushButton()
        self.remove_fee_button = QPushButton()
        self.total_label = QLabel()
        self.total_label.setProperty("role", "total")
        self.fee_error = error_label()
        fee_buttons = QHBoxLayout()
        fee_buttons.addWidget(self.add_fee_button)
        fee_buttons.addWidget(self.remove_fee_button)
        fee_buttons.addStretch(1)
        fee_buttons.addWidget(self.total_label)
        fees.addWidget(self.fee_table)
        fees.addWidget(self.fee_error)
        fees.addLayout(fee_buttons)

        self.result_box = QGroupBox()
        result = QFormLayout(self.result_box)
        self.result = QComboBox()
        self.result_error = error_label()
        self.result_caption = QLabel()
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(self.result)
        column.addWidget(self.result_error)
        result.addRow(self.result_caption, column)
        for f in ("solved_at", "departed_at"):
            result.addRow(self.time_captions[f], self.time_fields[f])

        self.sign_box = QGroupBox()
        sign = QFormLayout(self.sign_box)
        self.sign_status = {r: _data_label() for r in ("engineer", "customer")}
        self.sign_buttons = {r: QPushButton() for r in ("engineer", "customer")}
        self.sign_captions = {r: QLabel() for r in ("engineer", "customer")}
        for r in ("engineer", "customer"):
            row = QHBoxLayout()
            row.addWidget(self.sign_status[r], 1)
            row.addWidget(self.sign_buttons[r])
            sign.addRow(self.sign_captions[r], row)
            self.sign_buttons[r].clicked.connect(lambda _c=False, role=r: self.start_signing(role))
        self.clear_signatures_button = QPushButton()
        self.sign_error = error_label()
        sign.addRow(self.sign_error)
        sign.addRow(self.clear_signatures_button)

        self.preview_button = QPushButton()
        self.print_count = _data_label()
        actions = QHBoxLayout()
        actions.addWidget(self.print_count, 1)
        actions.addWidget(self.preview_button)
        self.workflow_box = QGroupBox()
        workflow_row = QHBoxLayout(self.workflow_box)
        self.workflow_buttons = {a: QPushButton() for a in WORKFLOW_ACTIONS}
        for action, workflow_button in self.workflow_buttons.items():
            workflow_row.addWidget(workflow_button)
            workflow_button.clicked.connect(lambda _c=False, a=action: self._workflow(a))
        workflow_row.addStretch(1)

        amend_row = QHBoxLayout()
        amend_row.addWidget(self.amend_reason, 1)
        amend_row.addWidget(self.amend_button)
        self.amend_widget = QWidget()
        amend_layout = QVBoxLayout(self.amend_widget)
        amend_layout.setContentsMargins(0, 0, 0, 0)
        amend_layout.addWidget(self.seal_label)
        amend_layout.addLayout(amend_row)
        amend_layout.addWidget(self.amend_error)

        body = QWidget()
        layout = QVBoxLayout(body)
        for widget in (self.title, self.banner, self.amend_widget, self.general_error,
                       self.request_box, self.times_box, self.work_box, self.fees_box,
                       self.result_box, self.sign_box):
            layout.addWidget(widget)
        layout.addLayout(actions)
        layout.addWidget(self.workflow_box)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        # saving as the user types
        for f, field in self.time_fields.items():
            field.edited.connect(lambda f=f: self._mark(f))
            field.committed.connect(self.flush)
        for f, edit in self.texts.items():
            edit.textChanged.connect(lambda f=f: self._mark(f))
            FocusOut(edit, self.flush)
        self.result.activated.connect(lambda _i: (self._mark("result"), self.flush()))
        self.fee_model.edited.connect(self._fees_edited)
        self.add_fee_button.clicked.connect(self._add_fee_line)
        self.remove_fee_button.clicked.connect(self._remove_fee_line)
        self.scan.returnPressed.connect(self.lookup_device)
        self.scan_button.clicked.connect(self.lookup_device)
        self.clear_signatures_button.clicked.connect(self.clear_signatures)
        self.amend_button.clicked.connect(self.amend)
        self.amend_reason.returnPressed.connect(self.amend)
        self.preview_button.clicked.connect(
            lambda: self.data and self.preview_requested.emit(self.data.id))
        self.setTabOrder(self.time_fields["arrived_at"].edit,
                         self.time_fields["arrived_at"].now_button)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.request_box.setTitle(tr("editor.request"))
        self.times_box.setTitle(tr("editor.times"))
        self.work_box.setTitle(tr("editor.work"))
        self.fees_box.setTitle(tr("editor.fees"))
        self.result_box.setTitle(tr("editor.result"))
        self.sign_box.setTitle(tr("editor.signatures"))
        for key, caption in self.request_captions.items():
            caption.setText(tr(f"request.{key}"))
        self.scan_caption.setText(tr("editor.device_lookup"))
        self.scan.setPlaceholderText(tr("editor.scan_placeholder"))
        self.scan_button.setText(tr("editor.find_device"))
        for f, caption in self.time_captions.items():
            caption.setText(tr(f"field.{f}"))
            self.time_fields[f].now_button.setText(tr("button.now"))
            self.time_fields[f].now_button.setToolTip(tr("tooltip.now"))
        for f, caption in self.text_captions.items():
            caption.setText(tr(f"field.{f}"))
        self.texts["fault_found"].setPlaceholderText(tr("placeholder.fault_found"))
        self.texts["handling"].setPlaceholderText(tr("placeholder.handling"))
        self.result_caption.setText(tr("field.result"))
        current = self.result.currentData()
        self.result.clear()
        self.result.addItem(tr("result.choose"), "")
        for value in RESULTS:
            self.result.addItem(i18n.pair(RESULT_LABELS[value]), value)
        self.result.setCurrentIndex(max(0, self.result.findData(current or "")))
        self.add_fee_button.setText(tr("fee.add"))
        self.remove_fee_button.setText(tr("fee.remove"))
        for r in ("engineer", "customer"):
            self.sign_captions[r].setText(tr(f"sign.role.{r}"))
            self.sign_buttons[r].setText(tr(f"sign.button.{r}"))
        self.clear_signatures_button.setText(tr("sign.clear_all"))
        self.preview_button.setText(tr("editor.preview"))
        self.preview_button.setToolTip(tr("tooltip.print"))
        self.workflow_box.setTitle(tr("editor.workflow"))
        for action, workflow_button in self.workflow_buttons.items():
            workflow_button.setText(tr(f"editor.workflow.{action}"))
            workflow_button.setToolTip(tr(f"tooltip.workflow.{action}"))
        self.amend_button.setText(tr("editor.amend"))
        self.amend_reason.setPlaceholderText(tr("editor.amend_reason"))
        self._update_total()
        if self.data is not None:
            self._show_state(self.data)

    # -- loading -------------------------------------------------------------------------
    def load(self, slip_id: uuid.UUID) -> None:
        self.ops.read(lambda s: load(s, slip_id), self._show, self._failed)

    def _show(self, data: SlipData) -> None:
        self._loading = True
        self.data = data
        values = self.request_values
        values["request"].setText(data.request_number)
        values["customer"].setText(data.customer_name)
        values["channel"].setText(i18n.pair(CHANNEL_LABELS.get(data.channel, (data.channel,) * 2)))
        values["contact"].setText(f"{data.contact_name} {data.contact_phone}".strip())
        values["site"].setText(data.site)
        values["device"].setText(data.device)
        values["fault_reported"].setText(data.fault_reported)
        values["requested_at"].setText(format_local(data.requested_at))
        for f, field in self.time_fields.items():
            field.set_value(getattr(data, f))
        for f, edit in self.texts.items():
            edit.setPlainText(getattr(data, f))
        self.result.setCurrentIndex(max(0, self.result.findData(data.result)))
        self.fee_model.set_lines([LineText(line.kind, line.description,
                                           f"{line.quantity.normalize():f}",
                                           f"{line.unit_price:.2f}") for line in data.fee_lines])
        self._dirty.clear()
        self._fees_dirty = False
        self._clear_errors()
        self._show_state(data)
        self._update_total()
        self._loading = False
        self.loaded.emit(data)

    def _show_state(self, data: SlipData) -> None:
        tr = i18n.tr
        self.title.setText(tr("editor.title", number=data.number,
                              status=i18n.pair(STATUS_LABELS.get(data.status,
                                                                 (data.status,) * 2))))
        frozen = data.sealed or bool(data.signatures)
        for field in self.time_fields.values():
            field.set_read_only(frozen)
        for edit in self.texts.values():
            edit.setReadOnly(frozen)
        self.result.setEnabled(not frozen)
        self.fee_model.set_read_only(frozen)
        self.add_fee_button.setEnabled(not frozen)
        self.remove_fee_button.setEnabled(not frozen)
        self.scan.setEnabled(not data.sealed)
        self.scan_button.setEnabled(not data.sealed)
        for r in ("engineer", "customer"):
            sig = data.signature(r)
            self.sign_status[r].setText(
                tr("sign.signed_by", name=sig.signer_name, time=format_local(sig.signed_at))
                if sig else tr("sign.not_signed"))
            self.sign_buttons[r].setEnabled(sig is None and not data.sealed)
        self.clear_signatures_button.setVisible(bool(data.signatures) and not data.sealed)
        self.banner.setVisible(data.sealed or data.amends_number is not None)
        if data.sealed:
            self.banner.setText(tr("editor.sealed_banner", time=format_local(data.sealed_at)))
            self.seal_label.setText(tr("editor.seal", seal=data.seal))
        elif data.amends_number:
            self.banner.setText(tr("editor.amendment_banner", number=data.amends_number,
                                   reason=data.amendment_reason))
        self.amend_widget.setVisible(data.sealed)
        self.sign_box.setVisible(True)
        self.workflow_buttons["archive"].setVisible(data.customer_is_group)
        self.print_count.setText(tr("editor.print_count", count=data.print_count))

    def _failed(self, exc: Exception) -> None:
        text = exc.message(i18n.current()) if isinstance(exc, FieldappError) else str(exc)
        show_error(self.general_error, None, text)

    # -- saving ---------------------------------------------------------------------------
    def _mark(self, field: str) -> None:
        if self._loading or self.data is None or self.data.sealed:
            return
        self._dirty.add(field)
        self._timer.start()

    def _fees_edited(self) -> None:
        self._update_total()
        if self._loading or self.data is None:
            return
        self._fees_dirty = True
        self._timer.start()

    def _add_fee_line(self) -> None:
        self.fee_model.add_line()
        row = self.fee_model.rowCount() - 1
        self.fee_table.setCurrentIndex(self.fee_model.index(row, 1))
        self.fee_table.setFocus()  # typing starts editing the description

    def _remove_fee_line(self) -> None:
        row = self.fee_table.currentIndex().row()
        self.fee_model.remove_line(row if row >= 0 else self.fee_model.rowCount() - 1)

    def _update_total(self) -> None:
        self.total_label.setText(i18n.tr("fee.total", total=format_yuan(
            self.fee_model.total_fen())))

    def pending(self) -> bool:
        return bool(self._dirty or self._fees_dirty)

    def flush(self) -> None:
        """Save what changed now (the debounce timer and focus-out call this)."""
        self._timer.stop()
        if self.data is None or self.data.sealed or not self.pending():
            return
        changes: dict[str, Any] = {}
        for f in sorted(self._dirty, key=lambda f: (f not in TIME_FIELDS, f)):
            if f in TIME_FIELDS:
                field = self.time_fields[f]
                try:
                    changes[f] = field.value()
                except ValueError:
                    show_error(field.error, field.edit, i18n.tr("error.time_format"))
                    continue
            elif f in TEXT_FIELDS:
                changes[f] = self.texts[f].toPlainText()
            elif f == "result":
                changes[f] = self.result.currentData() or ""
        # keep the timeline order so a later time is checked against the earlier one
        order = {f: i for i, f in enumerate(("arrived_at", "started_at", "solved_at",
                                             "departed_at"))}
        changes = dict(sorted(changes.items(), key=lambda kv: order.get(kv[0], 99)))
        fees = None
        fee_issues: list[FieldIssue] = []
        if self._fees_dirty:
            fees, fee_issues = self.fee_model.parsed()
            if fee_issues:
                fees = None
        self._dirty.clear()
        self._fees_dirty = False
        slip_id = self.data.id
        fee_attempted = self.fee_model.rowCount() >= 0 and (fees is not None or fee_issues)
        self.ops.write(lambda s: _save_fields(s, slip_id, changes, fees),
                       lambda result: self._saved(changes, fee_attempted, fee_issues, *result),
                       self._failed)

    def _saved(self, changes: dict[str, Any], fee_attempted: bool, fee_issues: list[FieldIssue],
               saved: list[str], issues: list[FieldIssue]) -> None:
        for f in changes:
            self._show_issues(f, [])
        if fee_attempted:
            show_error(self.fee_error, self.fee_table, "")
        show_error(self.general_error, None, "")
        by_field: dict[str, list[FieldIssue]] = {}
        for issue in [*issues, *fee_issues]:
            key = "fee_lines" if issue.field.startswith("fee_lines") else issue.field
            by_field.setdefault(key, []).append(issue)
        for field, field_issues in by_field.items():
            self._show_issues(field, field_issues)
        self.saved.emit()

    def _show_issues(self, field: str, issues: list[FieldIssue]) -> None:
        text = "\n".join(i.message(i18n.current()) for i in issues)
        if field in self.time_fields:
            show_error(self.time_fields[field].error, self.time_fields[field].edit, text)
        elif field in self.texts:
            show_error(self.text_errors[field], self.texts[field], text)
        elif field == "result":
            show_error(self.result_error, None, text)
        elif field == "fee_lines":
            show_error(self.fee_error, self.fee_table, text)
        elif field.startswith("signature") or field == "signer_name":
            show_error(self.sign_error, None, text)
        elif text:
            show_error(self.general_error, None, text)

    def _clear_errors(self) -> None:
        for f in (*TIME_FIELDS, *TEXT_FIELDS, "result", "fee_lines"):
            self._show_issues(f, [])
        show_error(self.sign_error, None, "")
        show_error(self.general_error, None, "")
        show_error(self.amend_error, None, "")

    def error_text(self, field: str) -> str:
        """The message shown under `field` (empty when none): for tests and accessibility."""
        if field in self.time_fields:
            label = self.time_fields[field].error
        elif field in self.text_errors:
            label = self.text_errors[field]
        else:
            label = {"result": self.result_error, "fee_lines": self.fee_error,
                     "signature": self.sign_error}.get(field, self.general_error)
        return label.text() if label.isVisibleTo(self) else ""

    def _workflow(self, action: str) -> None:
        """Send-in, escalation, open question, archive input: the main window opens them."""
        if self.data is not None:
            self.flush()
            self.workflow_requested.emit(action, self.data)

    # -- device lookup ----------------------------------------------------------------------
    def lookup_device(self) -> None:
        code = self.scan.text().strip()
        if not code:
            return

        def work(session: Session) -> list[str]:
            return [f"{device_text(d)} · {d.customer.name}"
                    for d in reference.find_devices(session, code)]

        self.ops.read(work, self._devices_found, self._failed)

    def _devices_found(self, found: list[str]) -> None:
        self.scan_result.setText("\n".join(found) if found
                                 else i18n.tr("editor.device_not_found"))
        self.scan.selectAll()

    # -- signing --------------------------------------------------------------------------
    def start_signing(self, role: str) -> None:
        """Save what is pending, then open the sign view over fresh data."""
        if self.data is None:
            return
        self.flush()
        slip_id = self.data.id
        self.ops.read(lambda s: load(s, slip_id), lambda d: self._open_sign_view(d, role),
                      self._failed)

    def _open_sign_view(self, data: SlipData, role: str) -> None:
        self._show(data)
        view = SignView(data, role, self)
        view.signed.connect(self._sign)
        view.finished.connect(lambda _r: view.deleteLater())
        self.sign_view = view
        view.open()

    def _sign(self, role: str, name: str, strokes: list[list[list[int]]]) -> None:
        assert self.data is not None
        slip_id = self.data.id

        def work(session: Session) -> SlipData:
            slip = slips.get_slip(session, slip_id)
            slips.sign_slip(session, slip, role=role, signer_name=name, strokes=strokes,
                            pad_width=PAD_WIDTH, pad_height=PAD_HEIGHT)
            return slip_data(session, slip)

        self.ops.write(work, self._signed, self._sign_failed)

    def _signed(self, data: SlipData) -> None:
        if self.sign_view is not None:
            self.sign_view.accept()
            self.sign_view = None
        self._show(data)
        self.saved.emit()
        if data.sealed:
            self.sealed.emit(data)

    def _sign_failed(self, exc: Exception) -> None:
        text = exc.message(i18n.current()) if isinstance(exc, FieldappError) else str(exc)
        if self.sign_view is not None:
            self.sign_view.show_error(text)
        if isinstance(exc, ValidationError):
            for issue in exc.issues:
                self._show_issues(issue.field, [issue])
        else:
            show_error(self.sign_error, None, text)

    def clear_signatures(self) -> None:
        assert self.data is not None
        slip_id = self.data.id

        def work(session: Session) -> SlipData:
            slip = slips.get_slip(session, slip_id)
            slips.clear_signatures(session, slip)
            return slip_data(session, slip)

        self.ops.write(work, self._show, self._failed)

    # -- amending ---------------------------------------------------------------------------
    def amend(self) -> None:
        assert self.data is not None
        slip_id, reason = self.data.id, self.amend_reason.text()
        code = str(self.settings.get("operator_code"))

        def work(session: Session) -> uuid.UUID:
            original = slips.get_slip(session, slip_id)
            try:
                engineer = reference.engineer_by_code(session, code)
            except NotFound:
                engineer = original.engineer
            return slips.amend_slip(session, original, reason=reason, engineer=engineer).id

        def failed(exc: Exception) -> None:
            text = exc.message(i18n.current()) if isinstance(exc, FieldappError) else str(exc)
            show_error(self.amend_error, self.amend_reason, text)

        self.ops.write(work, self._amended, failed)

    def _amended(self, new_id: uuid.UUID) -> None:
        self.amend_reason.clear()
        self.open_slip.emit(new_id)
        self.load(new_id)
