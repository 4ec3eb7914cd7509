"""A send-in repair order (R3): each step against the 4-hour clock (R1.4), and the loaner.

Shows the intake, the clock (text and colour), each step's time, and only the actions the
order's state allows: the workshop's estimate — the 维修报价单 with its parts and labour
lines, ready time and validity (`ui.workflows.estimate_dialog`), shown with its state
(awaiting the customer, lapsed, answered) and previewed or printed as a PDF; the
customer's confirmation by phone (who, when) or by signature (the customer-facing
summary, then the pad) of the estimate shown; start (disabled, with the reason, until
approved — R3.2); finish; the return (delivery time, final fee, the
customer's signature — R3.3); a refusal closes the order with the device given back.
When the repair will clearly exceed 4 hours and the contract grants it, a free same-class
loaner is proposed; lending takes the engineer's and the customer's signatures.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Literal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.money import format_yuan, parse_yuan, yuan_to_fen
from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import format_local, utcnow
from fieldapp.records.events import Decision, SignatureInput
from fieldapp.rules.validation import FEE_KIND_LABELS
from fieldapp.services import attachments, repairs
from fieldapp.services.repairs import RepairData
from fieldapp.workflows.repair import RepairStatus
from ui.kit import forms, i18n
from ui.kit.fields import TimeField, error_label, show_error
from ui.kit.fit import scroll_body
from ui.kit.ops import Ops
from ui.kit.pictures_strip import PicturesStrip
from ui.visit.preview_dialog import PreviewDialog
from ui.workflows.estimate_dialog import EstimateDialog
from ui.workflows.workflow_documents import loaner_record, repair_copy, show_preview
from ui.workflows.workflow_widgets import (
    PadDialog,
    button,
    clock_colour,
    coloured,
    data_label,
    message,
)

STEPS = ("estimated", "confirmed", "started", "finished", "returned")
DONE, NEXT, WAITING = "#1b7f3b", "#1565c0", "#666666"
STATUS_COLOURS = {"refused": "#c62828", "closed_refused": "#666666", "returned": DONE}


class RepairView(QDialog):
    changed = Signal()

    def __init__(self, ops: Ops, settings: Settings, repair_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("repair_view")
        self.ops, self.settings, self.repair_id = ops, settings, repair_id
        self.code = str(settings.get("operator_code"))
        self.data: RepairData | None = None
        self.pad_dialog: PadDialog | None = None
        self.preview: PreviewDialog | None = None
        self._build()
        self.retranslate()
        i18n.connect(self)
        self.reload()

    # -- building -------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel()
        self.title.setProperty("role", "heading")
        self.title.setProperty("data", True)
        self.status_label, self.clock_label = data_label(), data_label()
        self.status_label.setWordWrap(False)
        self.info_box = QGroupBox()
        self.info_values = {k: data_label() for k in ("customer", "contact", "device", "fault",
                                                      "times", "engineer")}
        self.info_captions = forms.captioned_rows(QFormLayout(self.info_box),
                                                  self.info_values.items())

        self.steps_box = QGroupBox()
        grid = QGridLayout(self.steps_box)
        self.step_captions = {s: QLabel() for s in STEPS}
        self.step_values = {s: data_label() for s in STEPS}
        for line, s in enumerate(STEPS):
            grid.addWidget(self.step_captions[s], line, 0)
            grid.addWidget(self.step_values[s], line, 1)
        grid.setColumnStretch(1, 1)

        # estimate: the 维修报价单 is filled in its own dialog; shown here as it stands
        self.estimate_box = QGroupBox()
        self.estimate_hint = QLabel()
        self.estimate_hint.setWordWrap(True)
        self.estimate_button = button(primary=True)
        self.estimate_dialog: EstimateDialog | None = None
        estimate = QHBoxLayout(self.estimate_box)
        estimate.addWidget(self.estimate_hint, 1)
        estimate.addWidget(self.estimate_button)
        self.quote_box = QGroupBox()
        self.quote_lines, self.quote_state = data_label(), data_label()
        self.quote_copy_button = button()
        quote = QVBoxLayout(self.quote_box)
        quote.addWidget(self.quote_lines)
        row = QHBoxLayout()
        row.addWidget(self.quote_state, 1)
        row.addWidget(self.quote_copy_button)
        quote.addLayout(row)

        # confirmation
        self.confirm_box = QGroupBox()
        self.decision = QComboBox()
        self.confirmed_by, self.confirm_phone = QLineEdit(), QLineEdit()
        self.confirmed_at = TimeField()
        self.phone_button, self.sign_confirm_button = button(), button(primary=True)
        form = QFormLayout(self.confirm_box)
        self.confirm_captions = forms.captioned_rows(form, (
            ("decision", self.decision), ("confirmed_by", self.confirmed_by),
            ("phone", self.confirm_phone), ("confirmed_at", self.confirmed_at)))
        row = QHBoxLayout()
        row.addWidget(self.phone_button)
        row.addWidget(self.sign_confirm_button)
        form.addRow(row)

        # the work
        self.work_box = QGroupBox()
        self.start_button, self.finish_button = button(primary=True), button(primary=True)
        self.start_reason = QLabel()
        self.start_reason.setProperty("role", "notice")
        self.start_reason.setWordWrap(True)
        self.work_done = QPlainTextEdit()
        self.work_done.setTabChangesFocus(True)
        self.work_done.setFixedHeight(70)
        work = QVBoxLayout(self.work_box)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.start_reason, 1)
        work.addLayout(row)
        work.addWidget(self.work_done)
        work.addWidget(self.finish_button)

        # return / refused
        self.return_box = QGroupBox()
        self.final_fee = QLineEdit()
        self.delivered_at = TimeField()
        self.return_button = button(primary=True)
        form = QFormLayout(self.return_box)
        self.return_captions = forms.captioned_rows(form, (
            ("final_fee", self.final_fee), ("delivered_at", self.delivered_at)))
        form.addRow(self.return_button)
        self.refused_box = QGroupBox()
        self.close_refused_button = button(primary=True)
        QVBoxLayout(self.refused_box).addWidget(self.close_refused_button)

        # loaner
        self.loaner_box = QGroupBox()
        self.loaner_reason = data_label()
        self.loaner_choice = QComboBox()
        self.loaner_choice.setProperty("data", True)  # the pool's asset tags
        self.lend_button = button()
        loaner = QVBoxLayout(self.loaner_box)
        loaner.addWidget(self.loaner_reason)
        row = QHBoxLayout()
        row.addWidget(self.loaner_choice, 1)
        row.addWidget(self.lend_button)
        loaner.addLayout(row)

        self.error = error_label()
        self.intake_copy_button, self.return_copy_button = button(), button()
        self.loaner_copy_button, self.close_button = button(), button()
        bottom = forms.button_row(self.close_button, left=[
            self.intake_copy_button, self.return_copy_button, self.loaner_copy_button])

        body = QWidget()
        layout = QVBoxLayout(body)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.status_label)
        layout.addLayout(head)
        layout.addWidget(self.clock_label)
        layout.addWidget(self.error)
        # the device's pictures (damage found, parts, before/after): evidence at any step
        self.pictures_box = QGroupBox()
        self.pictures = PicturesStrip(self.ops, actor_code=lambda: self.code, titled=False)
        QVBoxLayout(self.pictures_box).addWidget(self.pictures)
        self.pictures.set_owner(attachments.OwnerKind.REPAIR, self.repair_id)
        for box in (self.steps_box, self.pictures_box, self.loaner_box, self.quote_box,
                    self.estimate_box, self.confirm_box, self.work_box, self.return_box,
                    self.refused_box, self.info_box):
            layout.addWidget(box)
        layout.addStretch(1)
        scroll = scroll_body(body)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addLayout(bottom)

        self.estimate_button.clicked.connect(self.open_estimate)
        self.quote_copy_button.clicked.connect(lambda: self.open_copy("estimate"))
        self.phone_button.clicked.connect(self.confirm_by_phone)
        self.sign_confirm_button.clicked.connect(self.confirm_by_signature)
        self.start_button.clicked.connect(self.start_repair)
        self.finish_button.clicked.connect(self.finish_repair)
        self.return_button.clicked.connect(self.return_device)
        self.close_refused_button.clicked.connect(self.close_refused)
        self.lend_button.clicked.connect(self.lend_loaner)
        self.intake_copy_button.clicked.connect(lambda: self.open_copy("intake"))
        self.return_copy_button.clicked.connect(lambda: self.open_copy("return"))
        self.loaner_copy_button.clicked.connect(lambda: self.open_copy("loaner"))
        self.close_button.clicked.connect(self.accept)
        self.resize(1000, 680)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("repair.title"))
        self.info_box.setTitle(tr("repair.info_box"))
        forms.name_captions(self.info_captions, "repair.info")
        self.steps_box.setTitle(tr("repair.steps_box"))
        self.pictures_box.setTitle(tr("pictures.box"))
        for s, c in self.step_captions.items():
            c.setText(tr(f"repair.step.{s}"))
        self.estimate_box.setTitle(tr("repair.estimate_box"))
        self.estimate_hint.setText(tr("repair.estimate.hint"))
        self.quote_box.setTitle(tr("repair.quote_box"))
        self.quote_copy_button.setText(tr("repair.estimate_copy"))
        self.confirm_box.setTitle(tr("repair.confirm_box"))
        forms.name_captions(self.confirm_captions, "repair.confirm")
        forms.refill(self.decision, ((tr(f"repair.decision.{d}"), d.value) for d in Decision))
        self.phone_button.setText(tr("repair.confirm.by_phone"))
        self.sign_confirm_button.setText(tr("repair.confirm.by_signature"))
        self.work_box.setTitle(tr("repair.work_box"))
        self.start_button.setText(tr("repair.start"))
        self.start_reason.setText(tr("repair.start_blocked"))
        self.work_done.setPlaceholderText(tr("repair.work_done"))
        self.finish_button.setText(tr("repair.finish"))
        self.return_box.setTitle(tr("repair.return_box"))
        forms.name_captions(self.return_captions, "repair.return")
        self.return_button.setText(tr("repair.return.sign"))
        self.refused_box.setTitle(tr("repair.refused_box"))
        self.close_refused_button.setText(tr("repair.close_refused"))
        self.loaner_box.setTitle(tr("repair.loaner_box"))
        self.lend_button.setText(tr("repair.lend"))
        self.intake_copy_button.setText(tr("repair.intake_copy"))
        self.return_copy_button.setText(tr("repair.return_copy"))
        self.loaner_copy_button.setText(tr("repair.loaner_copy"))
        self.close_button.setText(tr("button.close"))
        if self.data is not None:
            self._show(self.data)

    # -- showing --------------------------------------------------------------------
    def reload(self) -> None:
        store, repair_id, language = self.ops.store, self.repair_id, i18n.current()
        self.ops.call(lambda: repairs.load(store, repair_id, language=language), self._show,
                      self._failed)

    def _show(self, data: RepairData) -> None:
        tr, st = i18n.tr, data.state
        first = self.data is None or self.data.id != data.id
        self.data = data
        self.title.setText(tr("repair.heading", number=data.number,
                              request=data.request_number))
        self.status_label.setText(i18n.pair(st.label()))
        coloured(self.status_label, STATUS_COLOURS.get(data.status, NEXT))
        self.clock_label.setText(tr("repair.clock", clock=tr(f"sla.state.{data.clock_state}"),
                                    explanation=data.clock_explanation))
        coloured(self.clock_label, clock_colour(data.clock_state))
        v = self.info_values
        v["customer"].setText(data.customer_name)
        v["contact"].setText(f"{data.company_contact} {data.contact_phone}".strip())
        v["device"].setText(data.device + (f" · {data.accessories}" if data.accessories else ""))
        v["fault"].setText(data.fault)
        v["times"].setText(tr("repair.info.times_value", received=format_local(data.received_at),
                              arrived=format_local(data.arrived_at),
                              departed=format_local(data.departed_at)))
        v["engineer"].setText(data.engineer_signer)
        self._show_steps(data)
        step = data.next_step
        self.estimate_box.setVisible(step in ("estimate", "confirm"))  # again while unanswered
        self.estimate_button.setText(tr("repair.estimate.open" if step == "estimate"
                                        else "repair.estimate.reopen"))
        if self.estimate_button.property("primary") != (step == "estimate"):
            self.estimate_button.setProperty("primary", step == "estimate")  # the next step
            self.estimate_button.style().unpolish(self.estimate_button)
            self.estimate_button.style().polish(self.estimate_button)
        self._show_quote(data)
        self.confirm_box.setVisible(step == "confirm")
        self.work_box.setVisible(step in ("estimate", "confirm", "start", "finish"))
        self.start_button.setEnabled(step == "start")
        self.start_button.setToolTip(tr("repair.start_blocked") if step != "start" else "")
        self.start_reason.setVisible(step in ("estimate", "confirm"))
        self.work_done.setEnabled(step == "finish")
        self.finish_button.setEnabled(step == "finish")
        self.return_box.setVisible(step == "return")
        self.refused_box.setVisible(step == "close_refused")
        self.return_copy_button.setEnabled(data.status == RepairStatus.RETURNED)
        self.loaner_copy_button.setEnabled(data.has_loan)
        if first or not self.final_fee.text():
            fee = data.proposed_fee_fen
            self.final_fee.setText(f"{fee / 100:.2f}" if fee is not None else "")
        if first:
            self.confirmed_by.setText(data.company_contact)
            self.confirm_phone.setText(data.contact_phone)
        self._show_loaner(data)

    def _show_steps(self, data: RepairData) -> None:
        tr, st = i18n.tr, data.state
        done = {
            "estimated": (st.estimated_at, tr("repair.done.estimated",
                          cost=format_yuan(st.estimate_fen or 0),
                          ready=format_local(st.expected_ready_at))),
            "confirmed": (st.confirmed_at, tr(
                f"repair.done.confirmed.{st.decision or 'approved'}",
                by=st.confirmed_by,
                method=tr(f"repair.method.{st.confirmation_method or 'phone'}"))),
            "started": (st.started_at, ""),
            "finished": (st.finished_at, ""),
            "returned": (st.returned_at or st.closed_at, tr(
                "repair.done.returned" if st.returned_at else "repair.done.closed_refused",
                fee=format_yuan(st.final_fee_fen or 0), signer=st.customer_signer)),
        }
        waiting_next = True
        for s in STEPS:
            at, detail = done[s]
            label = self.step_values[s]
            if at is not None:
                label.setText(f"✓ {format_local(at)} {detail}".strip())
                coloured(label, DONE)
            elif waiting_next and not data.state.finished:
                label.setText(tr("repair.step_next"))
                coloured(label, NEXT)
                waiting_next = False
            else:
                label.setText(tr("repair.step_waiting"))
                coloured(label, WAITING)

    def _show_quote(self, data: RepairData) -> None:
        """The quotation as it stands: its lines and total, then awaiting (until when),
        lapsed, or the customer's answer."""
        tr, st = i18n.tr, data.state
        self.quote_box.setVisible(st.estimate_id is not None)
        if st.estimate_id is None:
            return
        lines = [tr("repair.quote.line", kind=i18n.pair(FEE_KIND_LABELS.get(
            line.kind, (line.kind, line.kind))), description=line.description or "—",
            quantity=f"{Decimal(line.quantity_milli) / 1000:f}".rstrip("0").rstrip("."),
            price=format_yuan(line.unit_price_fen), amount=format_yuan(line.amount_fen))
            for line in st.estimate_lines]
        lines.append(tr("repair.quote.total", total=format_yuan(st.estimate_fen or 0),
                        by=st.estimated_by or "—", at=format_local(st.estimated_at)))
        self.quote_lines.setText("\n".join(lines))
        if st.decision is not None:
            answer = tr(f"repair.done.confirmed.{st.decision}", by=st.confirmed_by,
                        method=tr(f"repair.method.{st.confirmation_method or 'phone'}"))
            text, colour = tr("repair.quote.answered", answer=answer), DONE
        elif data.estimate_lapsed:
            text = tr("repair.quote.lapsed", until=format_local(st.valid_until))
            colour = STATUS_COLOURS["refused"]
        elif st.valid_until is not None:
            text, colour = tr("repair.quote.valid", until=format_local(st.valid_until)), NEXT
        else:
            text, colour = tr("repair.quote.no_limit"), NEXT
        self.quote_state.setText(text)
        coloured(self.quote_state, colour)

    def _show_loaner(self, data: RepairData) -> None:
        tr = i18n.tr
        self.loaner_box.setVisible(not data.state.finished or bool(data.lent_loaner))
        if data.lent_loaner:
            text = tr("repair.loaner_lent", tag=data.lent_loaner)
        elif data.loaner_due and data.proposed_loaner:
            text = tr("repair.loaner_proposed", tag=data.proposed_loaner,
                      reason=data.loaner_reason)
        else:
            text = tr("repair.loaner_reason", reason=data.loaner_reason)
        self.loaner_reason.setText(text)
        coloured(self.loaner_reason, NEXT if data.loaner_due else WAITING)
        self.loaner_choice.clear()
        for c in data.loaner_choices:
            label = tr(f"loaner.status.{c.status}")
            self.loaner_choice.addItem(f"{c.asset_tag} {c.grade} {c.description} · {label}",
                                       c.asset_tag)
        index = self.loaner_choice.findData(data.proposed_loaner)
        self.loaner_choice.setCurrentIndex(max(0, index))
        self.loaner_choice.setEnabled(data.may_lend)
        self.lend_button.setEnabled(data.may_lend)

    def _failed(self, exc: Exception) -> None:
        show_error(self.error, None, message(exc))

    # -- steps ----------------------------------------------------------------------
    def _run(self, step: Callable[..., RepairData], *entry: object) -> None:
        """`step(store, repair_id, *entry, operator_code=…, language=…)`, one of the
        repair services, in the background; the order as it is then comes back."""
        show_error(self.error, None, "")
        store, repair_id, code, language = (self.ops.store, self.repair_id, self.code,
                                            i18n.current())
        self.ops.call(lambda: step(store, repair_id, *entry, operator_code=code,
                                   language=language), self._done, self._failed, write=True)

    def _done(self, data: RepairData) -> None:
        self._show(data)
        self.changed.emit()

    def _time_or_error(self, field: TimeField) -> datetime | None:
        """The step's time (`repairs.step_time`: empty or this minute is now); None, with
        the error shown, when the text is no time."""
        try:
            return repairs.step_time(field.value(), utcnow())
        except ValueError:
            show_error(field.error, field.edit, i18n.tr("error.time_format"))
            return None

    def _fen(self, edit: QLineEdit) -> int | None:
        try:
            return yuan_to_fen(parse_yuan(edit.text()))
        except Exception:
            show_error(self.error, None, i18n.tr("repair.bad_amount"))
            return None

    def open_estimate(self) -> None:
        """The 维修报价单 in its own dialog; saved here when it is complete."""
        dialog = EstimateDialog(self.settings, self)
        dialog.estimated.connect(lambda entry: self._run(repairs.estimate, entry))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.estimate_dialog = dialog
        dialog.open()

    def confirm_by_phone(self) -> None:
        at = self._time_or_error(self.confirmed_at)
        if at is None:
            return
        shown = self.data.state.estimate_id if self.data is not None else None
        self._run(repairs.confirm_by_phone, repairs.PhoneConfirmation(
            self.decision.currentData() == Decision.APPROVED, self.confirmed_by.text(),
            self.confirm_phone.text(), at, shown))

    def _customer_signs(self, summary: list[tuple[str, str]], statement: str,
                        then: Callable[[SignatureInput], None]) -> None:
        assert self.data is not None
        dialog = PadDialog("customer", self.data.company_contact, summary, statement, self)
        dialog.signed.connect(then)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.pad_dialog = dialog
        dialog.open()

    def confirm_by_signature(self) -> None:
        if self.data is None:
            return
        st = self.data.state
        approved = self.decision.currentData() == Decision.APPROVED
        summary = [("pad.repair.number", self.data.number), ("pad.repair.device",
                   self.data.device), ("pad.repair.estimate", format_yuan(st.estimate_fen or 0)),
                   ("pad.repair.ready", format_local(st.expected_ready_at)),
                   ("pad.repair.valid_until", format_local(st.valid_until) or "—"),
                   ("pad.repair.decision", i18n.catalogue("zh")[
                       "repair.decision.approved" if approved else "repair.decision.refused"])]
        shown = st.estimate_id  # the customer answers the quotation they were shown

        def signed(sig: SignatureInput) -> None:
            self._run(repairs.confirm_by_signature,
                      repairs.SignedConfirmation(approved, sig, shown))

        self._customer_signs(summary, "pad.repair.confirm_statement", signed)

    def start_repair(self) -> None:
        self._run(repairs.start)

    def finish_repair(self) -> None:
        self._run(repairs.finish, self.work_done.toPlainText())

    def return_device(self) -> None:
        if self.data is None:
            return
        fen, at = self._fen(self.final_fee), self._time_or_error(self.delivered_at)
        if fen is None or at is None:
            return
        summary = [("pad.repair.number", self.data.number), ("pad.repair.device",
                   self.data.device), ("pad.repair.delivered", format_local(at)),
                   ("pad.repair.final_fee", format_yuan(fen))]

        def signed(sig: SignatureInput) -> None:
            self._run(repairs.return_device, repairs.RepairReturn(fen, at, sig))

        self._customer_signs(summary, "pad.repair.return_statement", signed)

    def close_refused(self) -> None:
        if self.data is None:
            return
        summary = [("pad.repair.number", self.data.number),
                   ("pad.repair.device", self.data.device)]

        def signed(sig: SignatureInput) -> None:
            self._run(repairs.close_refused, sig)

        self._customer_signs(summary, "pad.repair.refused_statement", signed)

    def lend_loaner(self) -> None:
        if self.data is None:
            return
        tag = self.loaner_choice.currentData()
        if not tag:
            return
        name = str(self.settings.get("operator_name"))
        engineer = PadDialog("engineer", name, parent=self)

        def engineer_signed(eng: SignatureInput) -> None:
            assert self.data is not None
            summary = [("pad.loaner.tag", str(tag)), ("pad.repair.number", self.data.number)]

            def customer_signed(cust: SignatureInput) -> None:
                self._run(repairs.lend_loaner, repairs.LoanerLending(str(tag), eng, cust))

            self._customer_signs(summary, "pad.loaner.issue_statement", customer_signed)

        engineer.signed.connect(engineer_signed)
        engineer.finished.connect(lambda _r: engineer.deleteLater())
        self.pad_dialog = engineer
        engineer.open()

    def open_copy(self, copy: str) -> None:
        """送修单 / 送修返还单 / 维修报价单 / 备机借用单: preview, print, save, in the
        customer's language."""
        if self.data is None:
            return  # the order is still loading
        store, number = self.ops.store, self.data.number
        if copy == "loaner":
            tag = self.data.lent_loaner or str(self.loaner_choice.currentData() or "")
            document = loaner_record(store, self.settings, tag, number)
        else:
            kind: Literal["intake", "return", "estimate"] = (
                "return" if copy == "return" else "estimate" if copy == "estimate"
                else "intake")
            document = repair_copy(store, self.settings, number, kind)
        self.preview = show_preview(self.ops, document, self)
