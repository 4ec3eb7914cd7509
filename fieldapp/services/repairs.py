"""A send-in repair (R3, R4.2) as services: the intake, each step, the loaner, the list.

Every function takes the `Store`, ids and typed inputs, runs its own transaction and
returns plain data (`RepairData`, `IntakeDefaults`, `RepairRow`); the core
(`fieldapp.workflows.repair`, `fieldapp.workflows.loaners`) refuses what the workflow
does not allow, with its own zh/en message. Pass `now` (tests freeze it); the default is the clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from fieldapp.base.i18n import Language, pick
from fieldapp.base.timeutil import utcnow
from fieldapp.reads.workflow_lists import LoanerChoice, RepairRow, list_repairs, loaners_for_repair
from fieldapp.records import reference, service_requests, slips
from fieldapp.records.events import SignatureInput
from fieldapp.rules.validation import FeeLineInput, fee_line_issues, raise_if
from fieldapp.store import Store
from fieldapp.store.workflow_models import RepairOrder
from fieldapp.workflows import escalation, loaners, repair
from fieldapp.workflows.loaners import LoanerStatus
from fieldapp.workflows.repair import RepairIntake, RepairState, RepairStatus

__all__ = [
    "ESTIMATE_VALID_DAYS", "EscalationInfo", "Estimate", "FeeLineInput", "IntakeDefaults",
    "LoanerLending", "PhoneConfirmation",
    "RepairData", "RepairIntake", "RepairReturn", "RepairRow", "SignedConfirmation",
    "close_refused", "confirm_by_phone", "confirm_by_signature", "estimate", "finish",
    "intake_defaults", "lend_loaner", "load", "page", "return_device", "send_in", "start",
    "step_time",
]


# -- outputs ------------------------------------------------------------------------------

# What may be recorded next on an order in each status (R3.2: nothing starts before the
# customer confirmed); the core's fold refuses anything else.
NEXT_STEP = {"received": "estimate", "estimated": "confirm", "approved": "start",
             "in_repair": "finish", "finished": "return", "refused": "close_refused"}


@dataclass(frozen=True)
class IntakeDefaults:
    """What the intake form starts with: the request's contact, fault (the slip's fault
    found when there is one), times and device."""

    request_number: str
    customer_name: str
    company_contact: str
    contact_phone: str
    fault_description: str
    received_at: datetime | None
    arrived_at: datetime | None
    departed_at: datetime | None
    device_type: str
    device_class: str
    device_grade: str
    brand: str
    model: str
    serial: str
    asset_tag: str
    accessories: str


@dataclass(frozen=True)
class RepairData:
    id: uuid.UUID
    number: str
    request_id: uuid.UUID
    request_number: str
    customer_name: str
    company_contact: str
    contact_phone: str
    fault: str
    device: str
    accessories: str
    received_at: datetime
    arrived_at: datetime
    departed_at: datetime
    engineer_signer: str
    seal: str
    state: RepairState
    clock_state: str
    clock_deadline: datetime | None
    clock_explanation: str
    loaner_due: bool
    loaner_entitled: bool
    loaner_reason: str
    proposed_loaner: str
    loaner_choices: tuple[LoanerChoice, ...]
    estimate_lapsed: bool = False  # the offer ran out unanswered (R3.2: no approval now)

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def lent_loaner(self) -> str:
        return next((c.asset_tag for c in self.loaner_choices if c.lent_for_this_repair), "")

    @property
    def next_step(self) -> str | None:
        """estimate, confirm, start, finish, return or close_refused; None once closed."""
        return NEXT_STEP.get(self.status)

    @property
    def may_lend(self) -> bool:
        """A loaner is owed now (R1.4), the contract grants one, none is lent for this
        repair yet and the pool has one of the class."""
        return (self.loaner_due and self.loaner_entitled and not self.lent_loaner
                and bool(self.loaner_choices))

    @property
    def has_loan(self) -> bool:
        """A loaner of the class is lent for this repair or out: a loaner record exists."""
        return any(c.lent_for_this_repair or c.status == LoanerStatus.OUT
                   for c in self.loaner_choices)

    @property
    def proposed_fee_fen(self) -> int | None:
        """The fee the return proposes: the final one once recorded, else the estimate."""
        st = self.state
        return st.final_fee_fen if st.final_fee_fen is not None else st.estimate_fen


# -- inputs -------------------------------------------------------------------------------

@dataclass(frozen=True)
class EscalationInfo:
    """Why a call becomes a send-in repair (R4.2): reason, who asked, who decided."""

    reason: str
    requested_by: str
    decided_by: str


@dataclass(frozen=True)
class Estimate:
    """The workshop's estimate (R3.2), the 维修报价单: its parts and labour `lines` (the
    cost is their total; without lines, `cost_fen` alone), when the device will be ready,
    and until when the offer stands (None: `ESTIMATE_VALID_DAYS` days).
    `estimated_by` empty: the operator."""

    cost_fen: int | None
    ready_at: datetime | None  # None: now (see step_time)
    estimated_by: str = ""
    note: str = ""
    lines: tuple[FeeLineInput, ...] = ()
    valid_until: datetime | None = None


@dataclass(frozen=True)
class PhoneConfirmation:
    approved: bool
    confirmed_by: str
    phone: str
    at: datetime | None  # None: now
    estimate_id: uuid.UUID | None = None  # the estimate read out (None: the one in force)


@dataclass(frozen=True)
class SignedConfirmation:
    approved: bool
    signature: SignatureInput  # the customer's; the signer's name is who confirmed
    estimate_id: uuid.UUID | None = None  # the estimate shown (None: the one in force)


@dataclass(frozen=True)
class RepairReturn:
    """The repaired device handed back (R3.3)."""

    final_fee_fen: int
    delivered_at: datetime | None  # None: now
    customer_signature: SignatureInput


@dataclass(frozen=True)
class LoanerLending:
    asset_tag: str
    engineer_signature: SignatureInput
    customer_signature: SignatureInput


# -- the rules ----------------------------------------------------------------------------

ESTIMATE_VALID_DAYS = 7  # a quotation stands a week unless the workshop says otherwise

def step_time(typed: datetime | None, now: datetime) -> datetime:
    """When a step happened: the typed time, or now when none was typed or it lies within
    the last minute. Time fields show minutes, so a step tapped "Now" must not sort before
    the step recorded seconds earlier."""
    if typed is None or timedelta(0) <= now - typed < timedelta(minutes=1):
        return now
    return typed


# -- the services ---------------------------------------------------------------------------

def intake_defaults(store: Store, request_id: uuid.UUID, slip_id: uuid.UUID | None = None
                    ) -> IntakeDefaults:
    with store.read() as session:
        request = service_requests.get_request(session, request_id)
        slip = slips.get_slip(session, slip_id) if slip_id else None
        device = request.device

        def of_device(name: str) -> str:
            return str(getattr(device, name, "") or "") if device is not None else ""

        return IntakeDefaults(
            request_number=request.number, customer_name=request.customer.name,
            company_contact=request.contact_name, contact_phone=request.contact_phone,
            fault_description=(slip.fault_found if slip and slip.fault_found
                               else request.fault_reported),
            received_at=request.answered_at, arrived_at=slip.arrived_at if slip else None,
            departed_at=None, device_type=of_device("device_type"),
            device_class=of_device("device_class"), device_grade="", brand=of_device("brand"),
            model=of_device("model"), serial=of_device("serial"),
            asset_tag=of_device("asset_tag"), accessories="")


def send_in(store: Store, request_id: uuid.UUID, intake: RepairIntake, *, operator_code: str,
            slip_id: uuid.UUID | None = None, escalated: EscalationInfo | None = None,
            now: datetime | None = None) -> uuid.UUID:
    """The sealed intake (R3.1) from the slip (or the request); with `escalated`, the
    device-fault escalation that opens it (R4.2). Returns the repair order's id."""
    now = now or utcnow()
    with store.write() as session:
        request = service_requests.get_request(session, request_id)
        slip = slips.get_slip(session, slip_id) if slip_id else None
        engineer = reference.engineer_by_code(session, operator_code)
        if escalated is None:
            return repair.open_repair(session, slip or request, engineer, intake, now=now).id
        return escalation.escalate_device_fault(
            session, request, reason=escalated.reason, requested_by=escalated.requested_by,
            decided_by=escalated.decided_by, engineer=engineer, intake=intake,
            actor_code=operator_code, occurred_at=now, slip=slip, now=now).id


def _repair_data(session: Session, order: RepairOrder, language: Language, now: datetime
                 ) -> RepairData:
    overview = repair.repair_overview(session, order, now)
    proposal = loaners.propose_loaner(session, order, now)
    request = order.request
    device = " ".join(p for p in (order.device_type, order.brand, order.model) if p)
    serial = pick("序列号", "S/N", language)
    ids = " / ".join(p for p in (f"{serial} {order.serial}" if order.serial else "",
                                 order.asset_tag) if p)
    return RepairData(
        id=order.id, number=order.number, request_id=request.id,
        request_number=request.number, customer_name=request.customer.name,
        company_contact=order.company_contact, contact_phone=order.contact_phone,
        fault=order.fault_description, device=f"{device}（{ids}）" if ids else device,
        accessories=order.accessories, received_at=order.received_at,
        arrived_at=order.arrived_at, departed_at=order.departed_at,
        engineer_signer=order.engineer_signer, seal=order.seal, state=overview.state,
        clock_state=str(overview.clock.state), clock_deadline=overview.clock.deadline,
        clock_explanation=overview.clock.explanation(language),
        loaner_due=proposal.decision.due, loaner_entitled=proposal.decision.entitled,
        loaner_reason=proposal.reason(language),
        proposed_loaner=proposal.loaner.asset_tag if proposal.loaner else "",
        loaner_choices=tuple(loaners_for_repair(session, order)),
        estimate_lapsed=(overview.state.status == RepairStatus.ESTIMATED
                         and overview.state.valid_until is not None
                         and now > overview.state.valid_until),
    )


def load(store: Store, repair_id: uuid.UUID, *, language: Language,
         now: datetime | None = None) -> RepairData:
    with store.read() as session:
        return _repair_data(session, repair.get_repair(session, repair_id), language,
                            now or utcnow())


Action = Callable[[Session, RepairOrder, datetime], object]


def _step(store: Store, repair_id: uuid.UUID, language: Language, now: datetime | None,
          action: Action) -> RepairData:
    """Apply one step to the order in one transaction, then read it back."""
    now = now or utcnow()
    with store.write() as session:
        order = repair.get_repair(session, repair_id)
        action(session, order, now)
        session.flush()
        return _repair_data(session, order, language, now)


def estimate(store: Store, repair_id: uuid.UUID, entry: Estimate, *, operator_code: str,
             language: Language, now: datetime | None = None) -> RepairData:
    """Record the 维修报价单; every bad line is refused together, naming its row."""
    raise_if(fee_line_issues(list(entry.lines)))
    lines = tuple(repair.EstimateLine.of(line) for line in entry.lines)
    return _step(store, repair_id, language, now, lambda s, order, now: repair.estimate_repair(
        s, order, cost_fen=None if lines else entry.cost_fen, lines=lines,
        expected_ready_at=step_time(entry.ready_at, now),
        valid_until=entry.valid_until or now + timedelta(days=ESTIMATE_VALID_DAYS),
        estimated_by=entry.estimated_by.strip() or operator_code, actor_code=operator_code,
        occurred_at=now, note=entry.note, now=now))


def confirm_by_phone(store: Store, repair_id: uuid.UUID, entry: PhoneConfirmation, *,
                     operator_code: str, language: Language, now: datetime | None = None
                     ) -> RepairData:
    return _step(store, repair_id, language, now, lambda s, order, now: repair.confirm_repair(
        s, order, approved=entry.approved, method="phone", confirmed_by=entry.confirmed_by,
        phone=entry.phone, actor_code=operator_code, occurred_at=step_time(entry.at, now),
        estimate_id=entry.estimate_id, now=now))


def confirm_by_signature(store: Store, repair_id: uuid.UUID, entry: SignedConfirmation, *,
                         operator_code: str, language: Language, now: datetime | None = None
                         ) -> RepairData:
    return _step(store, repair_id, language, now, lambda s, order, now: repair.confirm_repair(
        s, order, approved=entry.approved, method="signature",
        confirmed_by=entry.signature.signer_name, signature=entry.signature,
        estimate_id=entry.estimate_id, actor_code=operator_code, occurred_at=now, now=now))


def start(store: Store, repair_id: uuid.UUID, *, operator_code: str, language: Language,
          now: datetime | None = None) -> RepairData:
    return _step(store, repair_id, language, now, lambda s, order, now: repair.start_repair(
        s, order, actor_code=operator_code, occurred_at=now, now=now))


def finish(store: Store, repair_id: uuid.UUID, work_done: str, *, operator_code: str,
           language: Language, now: datetime | None = None) -> RepairData:
    """The repair is done; `work_done` may be left empty (recorded as "-")."""
    return _step(store, repair_id, language, now, lambda s, order, now: repair.finish_repair(
        s, order, work_done=work_done or "-", actor_code=operator_code, occurred_at=now,
        now=now))


def return_device(store: Store, repair_id: uuid.UUID, entry: RepairReturn, *,
                  operator_code: str, language: Language, now: datetime | None = None
                  ) -> RepairData:
    return _step(store, repair_id, language, now, lambda s, order, now: repair.return_repair(
        s, order, final_fee_fen=entry.final_fee_fen,
        customer_signature=entry.customer_signature, actor_code=operator_code,
        occurred_at=step_time(entry.delivered_at, now), now=now))


def close_refused(store: Store, repair_id: uuid.UUID, customer_signature: SignatureInput, *,
                  operator_code: str, language: Language, now: datetime | None = None
                  ) -> RepairData:
    """A refused repair ends with the device given back unrepaired, signed for."""
    return _step(store, repair_id, language, now,
                 lambda s, order, now: repair.close_refused_repair(
                     s, order, customer_signature=customer_signature,
                     actor_code=operator_code, occurred_at=now, now=now))


def lend_loaner(store: Store, repair_id: uuid.UUID, entry: LoanerLending, *,
                operator_code: str, language: Language, now: datetime | None = None
                ) -> RepairData:
    """Lend a same-class loaner for the repair (R1.4), signed by engineer and customer."""
    return _step(store, repair_id, language, now, lambda s, order, now: loaners.issue_loaner(
        s, loaners.get_loaner(s, entry.asset_tag), order,
        engineer_signature=entry.engineer_signature,
        customer_signature=entry.customer_signature, actor_code=operator_code,
        occurred_at=now, now=now))


def page(store: Store, *, offset: int = 0, limit: int = 200, now: datetime | None = None
         ) -> list[RepairRow]:
    """Repair orders, newest first, with their derived state and 4-hour clock."""
    with store.read() as session:
        return list_repairs(session, now or utcnow(), limit=limit, offset=offset)
