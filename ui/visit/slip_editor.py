"""The visit as a flow (R2.1–R2.3): 到达 → 开始 → 现场处理 → 费用 → 结果 → 签字.

The request (customer, contact, site, device, fault reported) stays on top, compact; a
stepper below shows where the visit stands (✓ done, ! needs a look) and each step's page
fits a 1280 × 680 screen without scrolling its actions. 到达/开始/解决/离开 are one big
tap each (the time now); other times come from the touch picker. The customer's
confirmation opens only for a complete slip; otherwise the sign step lists everything that
is missing, each item a tap away from its step.

Every change is saved ~300 ms after the last keystroke and on focus-out, through the visit
service (`fieldapp.services.visit.save_changes`, one field per savepoint) on the writer
thread (`Ops.call`): valid fields stick, refusals come back all together and are shown
next to their fields; what was typed stays in the editor. This module imports neither
SQLAlchemy nor the slip rules: it calls the services.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.errors import FieldappError, FieldIssue, ValidationError
from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import format_local, utcnow
from fieldapp.records import events
from fieldapp.rules.validation import RESULT_LABELS, RESULTS
from fieldapp.services import attachments, devices, visit
from fieldapp.services.fee_entry import FeeLineText, price_items, price_text
from fieldapp.services.visit_view import STATUS_LABELS, SlipData
from fieldapp.sla import SERVICE_KIND_LABELS
from fieldapp.store.values import SlipResult
from ui.kit import i18n
from ui.kit.confirm import ConfirmDialog
from ui.kit.fields import ElidedLabel, FocusOut, TimeField, error_label, show_error
from ui.kit.ops import Ops
from ui.kit.pictures_strip import PicturesStrip
from ui.kit.sla_display import clocks_cell, kinds_text
from ui.visit.device_view import DeviceView
from ui.visit.fee_lines import FeesPanel
from ui.visit.sign_view import SignView, for_slip

TIME_FIELDS = ("arrived_at", "started_at", "solved_at", "departed_at")
WORKFLOW_ACTIONS = ("send_in", "escalate", "question", "archive")  # R3, R4, R1.6, R2.5
TEXT_FIELDS = ("fault_found", "handling")
STEPS = visit.STEPS
SAVE_DELAY_MS = 300
# after a one-tap stamp the flow moves on to where the work continues
NEXT_AFTER_STAMP = {"arrived_at": "start", "started_at": "work", "departed_at": "sign"}
FLOW_STYLE = """
QPushButton[step="true"] { font-size: 17px; min-height: 48px; padding: 0 8px; }
QPushButton[step="true"][done="true"] { color: #1b5e20; }
QPushButton[step="true"][trouble="true"] { color: #c62828; }
QPushButton[step="true"]:checked { background: #1565c0; color: white; border-color: #0d47a1; }
QPushButton[stamp="true"] { font-size: 22px; font-weight: bold; min-height: 72px;
    padding: 0 24px; }
QPushButton[choice="true"]:checked, QPushButton[chip="true"]:checked {
    background: #1565c0; color: white; border-color: #0d47a1; }
QPushButton[missing="true"] { text-align: left; padding: 0 14px; color: #8a1c1c;
    background: #fdecea; border-color: #ef9a9a; }
QLabel[role="caption"] { color: #486581; }
QPushButton[price_item="true"] { padding: 2px 6px; }
QFrame#fee_line_box { border: 1px solid #cfd8dc; border-radius: 6px; background: #fafbfc; }
"""


def _data_label() -> QLabel:
    label = QLabel()
    label.setProperty("data", True)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _message(exc: Exception) -> str:
    return exc.message(i18n.current()) if isinstance(exc, FieldappError) else str(exc)


def _page() -> tuple[QWidget, QVBoxLayout]:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(4, 8, 4, 4)
    return page, layout


class SlipEditor(QWidget):
    saved = Signal()
    sealed = Signal(object)  # SlipData: both have signed (the app syncs it at once)
    loaded = Signal(object)  # SlipData
    open_slip = Signal(object)  # uuid of another slip (an amendment)
    preview_requested = Signal(object)  # uuid
    workflow_requested = Signal(str, object)  # action in WORKFLOW_ACTIONS, SlipData
    step_changed = Signal(str)

    def __init__(self, ops: Ops, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slip_editor")
        self.setStyleSheet(FLOW_STYLE)
        self.ops, self.settings = ops, settings
        self.store = ops.store
        self.data: SlipData | None = None
        self.step = STEPS[0]
        self.missing: tuple[FieldIssue, ...] = ()
        self._dirty: set[str] = set()
        self._fees_dirty = False
        self._loading = False
        self._result = ""
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
        self.title.setProperty("data", True)  # carries the slip's number
        self.banner = QLabel()
        self.banner.setProperty("role", "banner")
        self.banner.setProperty("data", True)
        self.banner.setWordWrap(True)
        self.general_error = error_label()

        # the slip and its request, compact: the title and three lines of caption + value,
        # beside the window's back button (`add_leading`)
        info = QGridLayout()
        info.setContentsMargins(0, 0, 0, 0)
        info.setHorizontalSpacing(8)
        info.setVerticalSpacing(0)
        info.addWidget(self.title, 0, 0, 1, 2)
        self.request_values: dict[str, ElidedLabel] = {}
        self.request_captions: dict[str, QLabel] = {}
        places = {"customer": (0, 2), "channel": (0, 4), "requested_at": (0, 6),
                  "request": (1, 0), "contact": (1, 2), "site": (1, 4), "device": (1, 6)}
        for key in ("customer", "channel", "requested_at", "request", "contact", "site",
                    "device", "fault_reported", "sla"):
            caption, value = QLabel(), ElidedLabel()
            caption.setProperty("role", "caption")
            self.request_captions[key], self.request_values[key] = caption, value
            # the fault and every SLA clock of the request (R1) each get a whole line
            row, col = places.get(key, (3 if key == "sla" else 2, 0))
            info.addWidget(caption, row, col)
            info.addWidget(value, row, col + 1, 1, 1 if key in places else 7)
        for col in (1, 3, 5, 7):
            info.setColumnStretch(col, 1)
        self.header_row = QHBoxLayout()
        self.header_row.setContentsMargins(0, 0, 0, 0)
        self.header_row.addLayout(info, 1)

        # the stepper
        self.step_group = QButtonGroup(self)
        self.step_buttons: dict[str, QPushButton] = {}
        stepper = QHBoxLayout()
        stepper.setSpacing(4)
        for step in STEPS:
            button = QPushButton()
            button.setCheckable(True)
            button.setProperty("step", True)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.step_group.addButton(button)
            self.step_buttons[step] = button
            button.clicked.connect(lambda _c=False, s=step: self.go_to(s))
            stepper.addWidget(button)

        # the pages
        self.time_fields = {f: TimeField() for f in TIME_FIELDS}
        self.time_captions = {f: QLabel() for f in TIME_FIELDS}
        self.stamp_buttons = {f: QPushButton() for f in TIME_FIELDS}
        for f in TIME_FIELDS:
            self.stamp_buttons[f].setProperty("stamp", True)
            self.stamp_buttons[f].setProperty("primary", True)
            self.stamp_buttons[f].clicked.connect(lambda _c=False, f=f: self.stamp(f))
            self.time_fields[f].now_button.hide()  # the big button is the one-tap now
        self.no_visit = {s: QLabel() for s in ("arrive", "result")}
        for label in self.no_visit.values():
            label.setProperty("role", "notice")
            label.setWordWrap(True)
        self.pages: dict[str, QWidget] = {}
        self.pages["arrive"] = self._stamp_page("arrived_at", self.no_visit["arrive"])
        self.pages["start"] = self._stamp_page("started_at")
        self.pages["work"] = self._work_page()
        self.fees = FeesPanel()
        self.fee_model = self.fees.model
        self.fee_table = self.fees.table
        self.add_fee_button = self.fees.add_fee_button
        self.remove_fee_button = self.fees.remove_fee_button
        self.total_label = self.fees.total_label
        self.fee_error = self.fees.fee_error
        fees_page, fees_layout = _page()
        fees_layout.addWidget(self.fees)
        self.pages["fees"] = fees_page
        self.pages["result"] = self._result_page()
        self.pages["sign"] = self._sign_page()
        # each page in its own scroll area: a page that fits shows no scroll bar, one on a
        # smaller screen still reaches its last button
        self.stack = QStackedWidget()
        self.page_scrolls: dict[str, QScrollArea] = {}
        for step in STEPS:
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(self.pages[step])
            self.page_scrolls[step] = scroll
            self.stack.addWidget(scroll)

        # the bar under every step: back, the follow-up workflows, next
        self.prev_button = QPushButton()
        self.next_button = QPushButton()
        self.next_button.setProperty("primary", True)
        self.workflow_caption = QLabel()
        self.workflow_buttons = {a: QPushButton() for a in WORKFLOW_ACTIONS}
        bar = QHBoxLayout()
        bar.addWidget(self.prev_button)
        bar.addSpacing(12)
        bar.addWidget(self.workflow_caption)
        for action, workflow_button in self.workflow_buttons.items():
            bar.addWidget(workflow_button)
            workflow_button.clicked.connect(lambda _c=False, a=action: self._workflow(a))
        bar.addStretch(1)
        bar.addWidget(self.next_button)
        self.workflow_box = QWidget()  # the bar: workflows stay reachable on every step
        self.workflow_box.setLayout(bar)
        bar.setContentsMargins(0, 0, 0, 0)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        outer.addLayout(self.header_row)
        outer.addWidget(self.banner)
        outer.addLayout(stepper)
        outer.addWidget(self.general_error)
        outer.addWidget(self.stack, 1)
        outer.addWidget(self.workflow_box)

        self.prev_button.clicked.connect(lambda: self._move(-1))
        self.next_button.clicked.connect(lambda: self._move(1))
        for f, field in self.time_fields.items():
            field.edited.connect(lambda f=f: self._mark(f))
            field.committed.connect(self.flush)
        for f, edit in self.texts.items():
            edit.textChanged.connect(lambda f=f: self._mark(f))
            FocusOut(edit, self.flush)
        self.fee_model.edited.connect(self._fees_edited)
        self.scan.returnPressed.connect(self.lookup_device)
        self.scan_button.clicked.connect(self.lookup_device)
        self.attach_button.clicked.connect(self.attach_device)
        self.story_button.clicked.connect(self.open_device_story)
        self.clear_signatures_button.clicked.connect(self.ask_clear_signatures)
        self.amend_button.clicked.connect(self.amend)
        self.amend_reason.returnPressed.connect(self.amend)
        self.preview_button.clicked.connect(self._request_preview)
        self.go_to(STEPS[0])

    def _request_preview(self) -> None:
        if self.data is not None:
            self.preview_requested.emit(self.data.id)

    def _stamp_page(self, field: str, notice: QLabel | None = None) -> QWidget:
        page, layout = _page()
        if notice is not None:
            layout.addWidget(notice)
        layout.addWidget(self.stamp_buttons[field], 0, Qt.AlignmentFlag.AlignLeft)
        layout.addSpacing(12)
        row = QHBoxLayout()
        row.addWidget(self.time_captions[field])
        row.addWidget(self.time_fields[field], 1)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.stamp_buttons[field].setMinimumWidth(460)
        return page

    def _work_page(self) -> QWidget:
        page, layout = _page()
        self.scan = QLineEdit()
        self.scan_button = QPushButton()
        self.scan_caption = QLabel()
        self.scan_result = _data_label()
        # what the lookup found: attach it (the request's customer's only), or its story
        self.found_device: devices.FoundDevice | None = None
        self.attach_button, self.story_button = QPushButton(), QPushButton()
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_caption)
        scan_row.addWidget(self.scan, 1)
        scan_row.addWidget(self.scan_button)
        scan_row.addWidget(self.scan_result, 1)
        scan_row.addWidget(self.attach_button)
        scan_row.addWidget(self.story_button)
        self.attach_button.hide()
        self.story_button.hide()
        layout.addLayout(scan_row)
        self.texts = {f: QPlainTextEdit() for f in TEXT_FIELDS}
        self.text_errors = {f: error_label() for f in TEXT_FIELDS}
        self.text_captions = {f: QLabel() for f in TEXT_FIELDS}
        columns = QHBoxLayout()
        for f in TEXT_FIELDS:
            self.texts[f].setTabChangesFocus(True)
            self.texts[f].setMinimumHeight(140)
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(self.text_captions[f])
            column.addWidget(self.texts[f], 1)  # long texts scroll inside
            column.addWidget(self.text_errors[f])
            columns.addLayout(column, 1)
        layout.addLayout(columns, 1)
        # before/after, the serial plate, the damage, the parts: part of what is signed
        self.pictures = PicturesStrip(self.ops,
                                      actor_code=lambda: str(self.settings.get("operator_code")))
        layout.addWidget(self.pictures)
        return page

    def _result_page(self) -> QWidget:
        page, layout = _page()
        self.result_caption = QLabel()
        self.result_group = QButtonGroup(self)
        self.result_buttons: dict[str, QPushButton] = {}
        choices = QHBoxLayout()
        choices.addWidget(self.result_caption)
        for value in RESULTS:
            button = QPushButton()
            button.setCheckable(True)
            button.setProperty("choice", True)
            self.result_group.addButton(button)
            self.result_buttons[value] = button
            button.clicked.connect(lambda _c=False, v=value: self.choose_result(v))
            choices.addWidget(button)
        choices.addStretch(1)
        layout.addLayout(choices)
        self.result_error = error_label()
        layout.addWidget(self.result_error)
        layout.addWidget(self.no_visit["result"])
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        for row, f in enumerate(("solved_at", "departed_at")):
            self.stamp_buttons[f].setMinimumWidth(420)
            grid.addWidget(self.stamp_buttons[f], row, 0)
            grid.addWidget(self.time_captions[f], row, 1)
            grid.addWidget(self.time_fields[f], row, 2)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        layout.addStretch(1)
        return page

    def _sign_page(self) -> QWidget:
        page, layout = _page()
        self.missing_title = QLabel()
        self.missing_title.setProperty("role", "heading")
        self.missing_list = QGridLayout()  # two columns: six items take three rows
        self.missing_list.setSpacing(4)
        self.missing_buttons: list[QPushButton] = []
        self.ready_label = QLabel()
        self.ready_label.setProperty("role", "banner")
        self.sign_status = {r: _data_label() for r in ("engineer", "customer")}
        self.sign_buttons = {r: QPushButton() for r in ("engineer", "customer")}
        self.sign_captions = {r: QLabel() for r in ("engineer", "customer")}
        self.sign_buttons["customer"].setProperty("primary", True)
        signs = QGridLayout()  # the engineer, then the customer: side by side
        signs.setHorizontalSpacing(10)
        for i, r in enumerate(("engineer", "customer")):
            self.sign_buttons[r].setMinimumWidth(180)
            signs.addWidget(self.sign_captions[r], 0, i * 3)
            signs.addWidget(self.sign_status[r], 0, i * 3 + 1)
            signs.addWidget(self.sign_buttons[r], 0, i * 3 + 2)
            signs.setColumnStretch(i * 3 + 1, 1)
            self.sign_buttons[r].clicked.connect(lambda _c=False, role=r: self.start_signing(role))
        self.clear_signatures_button = QPushButton()
        self.sign_error = error_label()
        self.seal_label = _data_label()
        self.seal_label.setProperty("role", "seal")
        self.amend_button = QPushButton()
        self.amend_reason = QLineEdit()
        self.amend_error = error_label()
        amend_row = QHBoxLayout()
        amend_row.addWidget(self.amend_reason, 1)
        amend_row.addWidget(self.amend_button)
        self.amend_widget = QWidget()
        amend_layout = QVBoxLayout(self.amend_widget)
        amend_layout.setContentsMargins(0, 0, 0, 0)
        amend_layout.addWidget(self.seal_label)
        amend_layout.addLayout(amend_row)
        amend_layout.addWidget(self.amend_error)
        self.preview_button = QPushButton()
        self.print_count = _data_label()
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.print_count, 1)
        copy_row.addWidget(self.clear_signatures_button)
        copy_row.addWidget(self.preview_button)
        layout.addWidget(self.missing_title)
        layout.addLayout(self.missing_list)
        layout.addWidget(self.ready_label)
        layout.addLayout(signs)
        layout.addWidget(self.sign_error)
        layout.addWidget(self.amend_widget)
        layout.addStretch(1)
        layout.addLayout(copy_row)
        return page

    def add_leading(self, widget: QWidget) -> None:
        """Put a widget (the window's back button) first in the editor's header row."""
        self.header_row.insertWidget(0, widget, 0, Qt.AlignmentFlag.AlignTop)

    def retranslate(self) -> None:
        tr = i18n.tr
        for key, caption in self.request_captions.items():
            caption.setText(tr(f"request.{key}"))
        self.scan_caption.setText(tr("editor.device_lookup"))
        self.scan.setPlaceholderText(tr("editor.scan_placeholder"))
        self.scan_button.setText(tr("editor.find_device"))
        self.attach_button.setText(tr("editor.attach_device"))
        self.story_button.setText(tr("editor.device_story"))
        for f, caption in self.time_captions.items():
            caption.setText(tr(f"field.{f}"))
            self.stamp_buttons[f].setText(tr(f"visit.stamp.{f}"))
            self.stamp_buttons[f].setToolTip(tr("tooltip.stamp"))
        for f, caption in self.text_captions.items():
            caption.setText(tr(f"field.{f}"))
        self.texts["fault_found"].setPlaceholderText(tr("placeholder.fault_found"))
        self.texts["handling"].setPlaceholderText(tr("placeholder.handling"))
        self.result_caption.setText(tr("field.result"))
        for value, button in self.result_buttons.items():
            button.setText(i18n.pair(RESULT_LABELS[value]))
        for r in ("engineer", "customer"):
            self.sign_captions[r].setText(tr(f"sign.role.{r}"))
            self.sign_buttons[r].setText(tr(f"sign.button.{r}"))
        self.clear_signatures_button.setText(tr("sign.clear_all"))
        self.preview_button.setText(tr("editor.preview"))
        self.preview_button.setToolTip(tr("tooltip.print"))
        self.workflow_caption.setText(tr("editor.workflow"))
        for action, workflow_button in self.workflow_buttons.items():
            workflow_button.setText(tr(f"editor.workflow.{action}"))
            workflow_button.setToolTip(tr(f"tooltip.workflow.{action}"))
        self.prev_button.setText(tr("visit.prev"))
        self.next_button.setText(tr("visit.next"))
        self.amend_button.setText(tr("editor.amend"))
        self.amend_reason.setPlaceholderText(tr("editor.amend_reason"))
        if self.data is not None:
            self._show_request(self.data)
            self._show_state(self.data)
        self._show_missing(self.missing, checked=self.data is not None)
        self._update_steps()

    # -- the flow --------------------------------------------------------------------------
    def go_to(self, step: str) -> None:
        """Show one step (saving what is pending); on the sign step, ask what is missing."""
        self.flush()
        self.step = step
        self.stack.setCurrentWidget(self.page_scrolls[step])
        self.step_buttons[step].setChecked(True)
        index = STEPS.index(step)
        self.prev_button.setEnabled(index > 0)
        self.next_button.setVisible(index < len(STEPS) - 1)
        self.page_scrolls[step].verticalScrollBar().setValue(0)
        if step == "sign" and self.data is not None and not self.data.sealed:
            self.check_complete()
        self.step_changed.emit(step)

    def _move(self, delta: int) -> None:
        self.flush()
        index = min(max(STEPS.index(self.step) + delta, 0), len(STEPS) - 1)
        self.go_to(STEPS[index])

    def stamp(self, field: str) -> None:
        """到达/开始/解决/离开: one tap records the time now (and solved sets the result)."""
        if self.data is None or self._frozen():
            return
        if field == "solved_at" and self._result != SlipResult.SOLVED:
            self._set_result("solved")
            self._mark("result")
        self.time_fields[field].set_now()  # marks the field and saves at once
        following = NEXT_AFTER_STAMP.get(field)
        if following is not None:
            self.go_to(following)

    def choose_result(self, value: str) -> None:
        if self.data is None or self._frozen():
            return
        self._set_result(value)
        self._mark("result")
        self.flush()

    def _set_result(self, value: str) -> None:
        self._result = value
        for key, button in self.result_buttons.items():
            button.setChecked(key == value)
        if not value:  # an exclusive group keeps one checked: clear it by hand
            self.result_group.setExclusive(False)
            for button in self.result_buttons.values():
                button.setChecked(False)
            self.result_group.setExclusive(True)

    def _first_open_step(self, data: SlipData) -> str:
        if data.sealed or data.signatures:
            return "sign"
        missing = visit.missing(data, now=utcnow())
        return visit.step_of(missing[0].field) if missing else "sign"

    def _update_steps(self) -> None:
        done = set(STEPS)
        if self.data is not None:
            for issue in visit.missing(self.data, now=utcnow()):
                done.discard(visit.step_of(issue.field))
            if not self.data.sealed:
                done.discard("sign")
        else:
            done.clear()
        trouble = {step for step in STEPS if self._step_errors(step)}
        for i, step in enumerate(STEPS):
            button = self.step_buttons[step]
            mark = "!" if step in trouble else ("✓" if step in done else "")
            name = i18n.tr(f"visit.step.{step}")
            button.setText(i18n.tr("visit.step_marked", number=i + 1, name=name, mark=mark)
                           if mark else i18n.tr("visit.step_label", number=i + 1, name=name))
            for prop, on in (("done", step in done and step not in trouble),
                             ("trouble", step in trouble)):
                if bool(button.property(prop)) != on:
                    button.setProperty(prop, on)
                    button.style().unpolish(button)
                    button.style().polish(button)

    def _step_errors(self, step: str) -> list[str]:
        labels: list[QLabel] = []
        labels += [self.time_fields[f].error for f in TIME_FIELDS
                   if visit.step_of(f) == step]
        labels += [self.text_errors[f] for f in TEXT_FIELDS if visit.step_of(f) == step]
        if step == "result":
            labels.append(self.result_error)
        texts = [label.text() for label in labels if label.text() and not label.isHidden()]
        if step == "fees":
            texts += [i.message(i18n.current()) for i in self.fee_model.check().issues]
        return texts

    def _local_issues(self) -> list[FieldIssue]:
        """What the screen shows as wrong but the store does not know: typed, not saved."""
        issues = []
        for step in STEPS:
            for text in self._step_errors(step):
                field = {"arrive": "arrived_at", "start": "started_at", "work": "handling",
                         "fees": "fee_lines", "result": "result"}.get(step, "slip")
                issues.append(FieldIssue(field, "unsaved", text, text))
        return issues

    # -- loading -------------------------------------------------------------------------
    def load(self, slip_id: uuid.UUID) -> None:
        store = self.store
        self.ops.call(lambda: visit.load(store, slip_id), self._show, self._failed)

    def _show(self, data: SlipData) -> None:
        jump = self.data is None or self.data.id != data.id
        self._loading = True
        self.data = data
        self._show_request(data)
        self.pictures.set_owner(attachments.OwnerKind.SLIP, data.id)  # locked once signed
        for f, field in self.time_fields.items():
            field.set_value(getattr(data, f))
        for f, edit in self.texts.items():
            if edit.toPlainText() != getattr(data, f):
                edit.setPlainText(getattr(data, f))
        self._set_result(data.result)
        self.fees.set_price_list(price_items(self.settings.get("price_list")))
        self.fee_model.set_lines([FeeLineText(line.kind, line.description,
                                              f"{line.quantity.normalize():f}",
                                              price_text(line.unit_price))
                                  for line in data.fee_lines])
        if data.fee_lines:
            self.fees.select_row(0)
        self._dirty.clear()
        self._fees_dirty = False
        self._clear_errors()
        self._show_state(data)
        self._loading = False
        if jump:
            self.missing = ()
            self._show_missing((), checked=False)
            self.go_to(self._first_open_step(data))
        self._update_steps()
        self.loaded.emit(data)

    def _show_request(self, data: SlipData) -> None:
        values = self.request_values
        values["request"].setText(data.request_number)
        values["customer"].setText(data.customer_name)
        values["channel"].setText(kinds_text(data.intake_channel, data.service_kind,
                                             data.channel))
        cell = clocks_cell(data.sla, utcnow(), separator="  |  ")
        values["sla"].setText(cell.text if cell is not None else "—")
        values["sla"].setStyleSheet(f"color: {cell.colour};" if cell is not None else "")
        values["contact"].setText(f"{data.contact_name} {data.contact_phone}".strip())
        values["site"].setText(data.site)
        values["device"].setText(data.device)
        values["fault_reported"].setText(data.fault_reported)
        values["requested_at"].setText(format_local(data.requested_at))
        channel = i18n.pair(SERVICE_KIND_LABELS.get(data.service_kind, (data.channel,) * 2))
        for label in self.no_visit.values():
            label.setText(i18n.tr("visit.no_visit", channel=channel))
            label.setVisible(not data.visited)

    def _frozen(self) -> bool:
        return self.data is not None and (self.data.sealed or bool(self.data.signatures))

    def _show_state(self, data: SlipData) -> None:
        tr = i18n.tr
        self.title.setText(tr("editor.title", number=data.number,
                              status=i18n.pair(STATUS_LABELS.get(data.status,
                                                                 (data.status,) * 2))))
        frozen = data.sealed or bool(data.signatures)
        for f, field in self.time_fields.items():
            field.set_read_only(frozen)
            self.stamp_buttons[f].setEnabled(not frozen)
        for edit in self.texts.values():
            edit.setReadOnly(frozen)
        for button in self.result_buttons.values():
            button.setEnabled(not frozen)
        self.fees.set_read_only(frozen)
        self.scan.setEnabled(not data.sealed)
        self.scan_button.setEnabled(not data.sealed)
        self.attach_button.setEnabled(not data.sealed)
        for r in ("engineer", "customer"):
            sig = data.signature(r)
            self.sign_status[r].setText(
                tr("sign.signed_by", name=sig.signer_name, time=format_local(sig.signed_at))
                if sig else tr("sign.not_signed"))
            self.sign_buttons[r].setEnabled(sig is None and not data.sealed)
        self.clear_signatures_button.setVisible(bool(data.signatures) and not data.sealed)
        self.banner.setVisible(data.sealed or data.amends_number is not None)
        self.banner.setProperty("state", "tampered" if data.tampered else "")
        self.banner.style().polish(self.banner)  # the red of a tampered slip (or not)
        if data.tampered:  # checked when shown: never green for a slip that was changed
            self.banner.setText(tr("editor.tampered_banner",
                                   reason=i18n.pair(data.seal_problems[0])))
            self.seal_label.setText(tr("editor.seal", seal=data.seal))
        elif data.sealed:
            self.banner.setText(tr("editor.sealed_banner", time=format_local(data.sealed_at)))
            self.seal_label.setText(tr("editor.seal", seal=data.seal))
        elif data.amends_number:
            self.banner.setText(tr("editor.amendment_banner", number=data.amends_number,
                                   reason=data.amendment_reason))
        self.amend_widget.setVisible(data.sealed)
        self.workflow_buttons["archive"].setVisible(data.customer_is_group)
        self.print_count.setText(tr("editor.print_count", count=data.print_count))

    def _failed(self, exc: Exception) -> None:
        show_error(self.general_error, None, _message(exc))

    # -- saving ---------------------------------------------------------------------------
    def _mark(self, field: str) -> None:
        if self._loading or self.data is None or self.data.sealed:
            return
        self._dirty.add(field)
        self._timer.start()
        self._update_steps()

    def _fees_edited(self) -> None:
        self._update_steps()
        if self._loading or self.data is None:
            return
        self._fees_dirty = True
        self._timer.start()

    def pending(self) -> bool:
        return bool(self._dirty or self._fees_dirty)

    def flush(self) -> None:
        """Save what changed now (the debounce timer, focus-out and each step call this)."""
        self._timer.stop()
        if self.data is None or self.data.sealed or not self.pending():
            return
        fields: dict[str, Any] = {}
        for f in self._dirty:
            if f in TIME_FIELDS:
                field = self.time_fields[f]
                try:
                    fields[f] = field.value()
                except ValueError:
                    show_error(field.error, field.edit, i18n.tr("error.time_format"))
                    continue
            elif f in TEXT_FIELDS:
                fields[f] = self.texts[f].toPlainText()
            elif f == "result":
                fields[f] = self._result
        # only the lines that check: a refused line stays on screen, marked, not stored
        fees = self.fee_model.check().lines if self._fees_dirty else None
        self._dirty.clear()
        self._fees_dirty = False
        self._update_steps()
        if not fields and fees is None:
            return
        changes = visit.SlipChanges(fields, fees)
        store, slip_id = self.store, self.data.id
        self.ops.call(lambda: visit.save_changes(store, slip_id, changes),
                      lambda outcome: self._saved(changes, outcome), self._failed, write=True)

    def _saved(self, changes: visit.SlipChanges, outcome: visit.SaveOutcome) -> None:
        for f in changes.fields:
            self._show_issues(f, [])
        show_error(self.general_error, None, "")
        by_field: dict[str, list[FieldIssue]] = {}
        for issue in outcome.issues:
            key = "fee_lines" if issue.field.startswith("fee_lines") else issue.field
            by_field.setdefault(key, []).append(issue)
        for field, field_issues in by_field.items():
            self._show_issues(field, field_issues)
        if self.data is not None and outcome.slip.id == self.data.id:
            self.data = outcome.slip  # what is stored now: the step marks follow it
        self._update_steps()
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
            self.fees.show_issues(issues)
        elif field.startswith("signature") or field == "signer_name":
            show_error(self.sign_error, None, text)
        elif text:
            show_error(self.general_error, None, text)

    def _clear_errors(self) -> None:
        for f in (*TIME_FIELDS, *TEXT_FIELDS, "result"):
            self._show_issues(f, [])
        show_error(self.sign_error, None, "")
        show_error(self.general_error, None, "")
        show_error(self.amend_error, None, "")

    def error_text(self, field: str) -> str:
        """The message shown for `field` (empty when none): for tests and accessibility."""
        if field in self.time_fields:
            label = self.time_fields[field].error
        elif field in self.text_errors:
            label = self.text_errors[field]
        else:
            label = {"result": self.result_error, "fee_lines": self.fee_error,
                     "signature": self.sign_error, "amend": self.amend_error,
                     }.get(field, self.general_error)
        return label.text() if not label.isHidden() else ""

    def _workflow(self, action: str) -> None:
        """Send-in, escalation, open question, archive input: the main window opens them."""
        if self.data is not None:
            self.flush()
            self.workflow_requested.emit(action, self.data)

    # -- device lookup ----------------------------------------------------------------------
    def lookup_device(self) -> None:
        code = self.scan.text().strip()
        if not code or self.data is None:
            return
        store, slip_id = self.store, self.data.id
        self.ops.call(lambda: devices.find_for_slip(store, slip_id, code),
                      self._devices_found, self._failed)

    def _devices_found(self, found: tuple[devices.FoundDevice, ...]) -> None:
        """Each device found, whose it is; the request's customer's can be attached."""
        other = i18n.tr("editor.other_customer")
        self.scan_result.setText("\n".join(
            f"{m.choice.text} · {m.customer_name}" + ("" if m.attachable else f"（{other}）")
            for m in found) if found else i18n.tr("editor.device_not_found"))
        own = [m for m in found if m.attachable]
        self.found_device = own[0] if own else (found[0] if found else None)
        self.attach_button.setVisible(bool(own) and not own[0].attached)
        self.story_button.setVisible(self.found_device is not None)
        self.scan.selectAll()

    def attach_device(self) -> None:
        """The found device becomes the request's (the core refuses another customer's)."""
        if self.data is None or self.found_device is None:
            return
        store, slip_id = self.store, self.data.id
        device_id = self.found_device.choice.id
        self.ops.call(lambda: devices.attach_to_slip(store, slip_id, device_id),
                      self._device_attached, self._failed, write=True)

    def _device_attached(self, label: str) -> None:
        self.attach_button.hide()
        self.scan_result.setText(i18n.tr("editor.device_attached", device=label))
        if self.data is not None:
            self.load(self.data.id)  # the request's device and site, as the copy prints

    def open_device_story(self) -> None:
        if self.found_device is not None:
            self.device_view = DeviceView(self.ops, device_id=self.found_device.choice.id,
                                          parent=self)
            self.device_view.finished.connect(self.device_view.deleteLater)
            self.device_view.open()

    # -- before signing: complete? ------------------------------------------------------------
    def check_complete(self, then_sign: str | None = None) -> None:
        """Save what is pending, then ask the service what is still missing (after the
        save: it queues with the writes). With `then_sign`, open that party's view when
        nothing is."""
        if self.data is None:
            return
        self.flush()
        local = self._local_issues()
        store, slip_id = self.store, self.data.id
        self.ops.call(lambda: visit.completeness(store, slip_id),
                      lambda check: self._checked(check, local, then_sign), self._failed,
                      write=True)

    def _checked(self, check: visit.Completeness, local: list[FieldIssue],
                 then_sign: str | None) -> None:
        if self.data is None or check.slip.id != self.data.id:
            return
        self.data = check.slip
        self._show_state(check.slip)
        missing = (*local, *check.missing) if not check.slip.sealed else ()
        self.missing = missing
        self._show_missing(missing, checked=True)
        self._update_steps()
        if missing:
            if self.step != "sign":
                self.go_to("sign")
            return
        if then_sign is not None and check.slip.signature(then_sign) is None:
            self._open_sign_view(check.slip, then_sign)

    def _show_missing(self, missing: tuple[FieldIssue, ...], *, checked: bool) -> None:
        for button in self.missing_buttons:
            self.missing_list.removeWidget(button)
            button.deleteLater()
        self.missing_buttons = []
        for n, issue in enumerate(missing):
            step = visit.step_of(issue.field)
            button = QPushButton(i18n.tr("visit.missing_item", step=i18n.tr(
                f"visit.step.{step}"), message=issue.message(i18n.current())))
            button.setProperty("missing", True)
            button.setProperty("step_name", step)
            button.clicked.connect(lambda _c=False, s=step, f=issue.field: self._jump(s, f))
            self.missing_list.addWidget(button, n // 2, n % 2)
            button.show()  # at once: a layout shows a new child only on the next event loop
            self.missing_buttons.append(button)
        sealed = self.data is not None and self.data.sealed
        self.missing_title.setText(i18n.tr("visit.missing_title"))
        self.missing_title.setVisible(bool(missing))
        self.ready_label.setText(i18n.tr("visit.ready"))
        self.ready_label.setVisible(checked and not missing and not sealed)

    def _jump(self, step: str, field: str) -> None:
        self.go_to(step)
        target: QWidget | None = None
        if field in self.time_fields:
            target = self.time_fields[field].edit
        elif field in self.texts:
            target = self.texts[field]
        if target is not None:
            target.setFocus()

    # -- signing --------------------------------------------------------------------------
    def start_signing(self, role: str) -> None:
        """The pad opens only for a complete slip; otherwise the sign step lists what is
        missing (all of it, each item a tap away from its step)."""
        if self.data is None:
            return
        if self.step != "sign":
            self.step = "sign"
            self.stack.setCurrentWidget(self.page_scrolls["sign"])
            self.step_buttons["sign"].setChecked(True)
        self.check_complete(then_sign=role)

    def _open_sign_view(self, data: SlipData, role: str) -> None:
        view = for_slip(data, role, self)
        view.signed.connect(lambda drawn: self._sign(role, drawn))
        view.finished.connect(lambda _r: view.deleteLater())
        self.sign_view = view
        view.open()

    def _sign(self, role: str, drawn: events.SignatureInput) -> None:
        assert self.data is not None
        zero_confirmed = self.sign_view is not None and self.sign_view.zero_total_confirmed
        signature = visit.SignatureInput(role, drawn.signer_name, drawn.strokes,
                                         drawn.pad_width, drawn.pad_height)
        store, slip_id = self.store, self.data.id
        self.ops.call(lambda: visit.sign(store, slip_id, signature,
                                         zero_total_confirmed=zero_confirmed),
                      self._signed, self._sign_failed, write=True)

    def _signed(self, data: SlipData) -> None:
        if self.sign_view is not None:
            self.sign_view.accept()
            self.sign_view = None
        self._show(data)
        self._show_missing((), checked=True)
        self.saved.emit()
        if data.sealed:
            self.sealed.emit(data)

    def _sign_failed(self, exc: Exception) -> None:
        if self.sign_view is not None:
            self.sign_view.show_error(_message(exc))
        if isinstance(exc, ValidationError):
            self.missing = tuple(exc.issues)
            self._show_missing(self.missing, checked=True)
        else:
            show_error(self.sign_error, None, _message(exc))

    def ask_clear_signatures(self) -> None:
        """清除签字 takes both signatures away: only after the engineer confirms."""
        self.confirm_dialog = ConfirmDialog.ask(self, "confirm.clear_signatures",
                                                self.clear_signatures)

    def clear_signatures(self) -> None:
        assert self.data is not None
        store, slip_id = self.store, self.data.id
        self.ops.call(lambda: visit.clear_signatures(store, slip_id), self._show,
                      self._failed, write=True)

    # -- amending ---------------------------------------------------------------------------
    def amend(self) -> None:
        assert self.data is not None
        store, slip_id = self.store, self.data.id
        reason, code = self.amend_reason.text(), str(self.settings.get("operator_code"))

        def failed(exc: Exception) -> None:
            show_error(self.amend_error, self.amend_reason, _message(exc))

        self.ops.call(lambda: visit.amend(store, slip_id, reason=reason, operator_code=code),
                      self._amended, failed, write=True)

    def _amended(self, data: SlipData) -> None:
        self.amend_reason.clear()
        self.open_slip.emit(data.id)
        self._show(data)
