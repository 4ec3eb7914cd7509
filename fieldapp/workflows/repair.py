"""Hardware sent in for repair (硬件送修, R3; also the device-fault escalation of R4.2).

The intake (R3.1) is one sealed, read-only `RepairOrder` row written by the engineer who
takes the device away. Everything after it is an event on the order, recorded by whoever
does it (the workshop, the service centre, the engineer at the return):

    received --repair.estimated--> estimated --repair.confirmed(approved)--> approved
        --repair.started--> in_repair --repair.finished--> finished
        --repair.returned--> returned
    estimated --repair.confirmed(refused)--> refused --repair.closed_refused--> closed_refused

The repair starts only after the customer confirms (R3.2); the 4-hour clock runs from the
customer's request until the device is back (R1.4/R3.4) and decides the loaner.

The estimate is the 维修报价单: parts and labour lines (the slip's fee-line fields, adding up
to its cost), when the device will be ready and how long the offer stands (`valid_until`).
The customer answers it by signing on the laptop, by phone, or on the portal; an answer
names the estimate it answers (`estimate_id`), so a newer estimate needs a new answer, and
an approval after the offer lapsed is refused (a refusal is always taken).
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.device_classes import device_class_from_text
from fieldapp.base.errors import FieldIssue, WorkflowError
from fieldapp.base.ids import PORTAL_OPERATOR_CODE, new_uuid
from fieldapp.base.timeutil import DEFAULT_TIMEZONE, format_local, iso_utc, utcnow
from fieldapp.records.events import (
    ConfirmationMethod,
    Conflict,
    Decision,
    EventKind,
    EventRecord,
    Refused,
    SignatureInput,
    events_for,
    fold_events,
    record_event,
)
from fieldapp.records.numbering import next_number
from fieldapp.records.service_requests import OPEN_STATUSES
from fieldapp.records.sla_records import contract_terms
from fieldapp.rules.validation import FeeLineInput, raise_if
from fieldapp.rules.workflows import repair_intake_issues
from fieldapp.seal.sealing import canonical_bytes, seal_of
from fieldapp.seal.signatures import render_png, strokes_from_json, strokes_to_json
from fieldapp.sla import (
    Channel,
    ClockKind,
    ClockResult,
    LoanerDecision,
    RequestFacts,
    clock_of,
    clocks_for_request,
    loaner_due,
    not_applicable,
)
from fieldapp.store.lookup import by_number_or_id
from fieldapp.store.models import Engineer, ServiceRequest, Slip
from fieldapp.store.workflow_models import RepairOrder

REPAIR = "P"  # human numbers P-E07-20261124-001
REPAIR_SEAL_FORMAT = "fieldapp-repair-seal/1"



class RepairStatus(StrEnum):
    """A repair order's state, derived from its events (`fold_repair`)."""

    RECEIVED = "received"
    ESTIMATED = "estimated"
    APPROVED = "approved"
    REFUSED = "refused"
    IN_REPAIR = "in_repair"
    FINISHED = "finished"
    RETURNED = "returned"
    CLOSED_REFUSED = "closed_refused"


STATUS_LABELS: dict[str, tuple[str, str]] = {  # keyed by the members (strings)
    RepairStatus.RECEIVED: ("已接收（设备由工程师带回）",
                            "Received (device taken by the engineer)"),
    RepairStatus.ESTIMATED: ("已报价，待客户确认",
                             "Estimated, awaiting the customer's confirmation"),
    RepairStatus.APPROVED: ("客户已确认维修", "Approved by the customer"),
    RepairStatus.REFUSED: ("客户拒绝维修", "Refused by the customer"),
    RepairStatus.IN_REPAIR: ("维修中", "In repair"),
    RepairStatus.FINISHED: ("已修好，待交付", "Repaired, awaiting delivery"),
    RepairStatus.RETURNED: ("已交付客户", "Returned to the customer"),
    RepairStatus.CLOSED_REFUSED: ("拒修，设备已归还", "Refused; device returned"),
}
FINAL_STATUSES = (RepairStatus.RETURNED, RepairStatus.CLOSED_REFUSED)


# --- the intake -----------------------------------------------------------------------


@dataclass(frozen=True)
class RepairIntake:
    """What the send-in slip records when the device leaves (R3.1)."""

    company_contact: str  # 公司联系人
    fault_description: str  # 故障描述
    received_at: datetime  # 接受时间
    arrived_at: datetime  # 到达时间
    departed_at: datetime  # 离开时间
    engineer_signature: SignatureInput
    contact_phone: str = ""
    signed_at: datetime | None = None  # default: the departure
    device_type: str = ""  # empty: taken from the request's device
    device_class: str = ""
    device_grade: str = ""
    brand: str = ""
    model: str = ""
    serial: str = ""
    asset_tag: str = ""
    accessories: str = ""  # 随机附件 (power adaptor, toner …)


def _intake_issues(intake: RepairIntake, request: ServiceRequest, now: datetime
                   ) -> list[FieldIssue]:
    sig = intake.engineer_signature
    return repair_intake_issues(
        company_contact=intake.company_contact, fault_description=intake.fault_description,
        contact_phone=intake.contact_phone, requested_at=request.requested_at,
        received_at=intake.received_at, arrived_at=intake.arrived_at,
        departed_at=intake.departed_at, signer_name=sig.signer_name, strokes=sig.strokes,
        pad_width=sig.pad_width, pad_height=sig.pad_height, now=now)


def repair_seal_document(order: RepairOrder) -> dict[str, object]:
    """The intake's legal content: what the engineer signed when taking the device."""
    request = order.request

    def t(moment: datetime) -> str:
        return iso_utc(moment)

    return {
        "format": REPAIR_SEAL_FORMAT,
        "repair": {
            "id": str(order.id), "number": order.number, "request_number": request.number,
            "slip_number": order.slip.number if order.slip is not None else None,
            "company_contact": order.company_contact, "contact_phone": order.contact_phone,
            "fault_description": order.fault_description, "received_at": t(order.received_at),
            "arrived_at": t(order.arrived_at), "departed_at": t(order.departed_at),
        },
        "customer": {"code": request.customer.code, "name": request.customer.name},
        "device": {
            "device_type": order.device_type, "device_class": order.device_class,
            "device_grade": order.device_grade, "brand": order.brand, "model": order.model,
            "serial": order.serial, "asset_tag": order.asset_tag,
            "accessories": order.accessories,
        },
        "engineer": {
            "code": order.engineer.code, "signer_name": order.engineer_signer,
            "signed_at": t(order.engineer_signed_at),
            "pad": [order.pad_width, order.pad_height],
            "strokes": strokes_from_json(order.engineer_strokes),
        },
    }


def open_repair(session: Session, source: Slip | ServiceRequest, engineer: Engineer,
                intake: RepairIntake, *, now: datetime | None = None,
                tz: str = DEFAULT_TIMEZONE) -> RepairOrder:
    """Take a device in for repair: the sealed intake, numbered P-<engineer>-<day>-<seq>."""
    slip = source if isinstance(source, Slip) else None
    request = source.request if isinstance(source, Slip) else source
    from fieldapp.workflows.request_state import request_status

    if request_status(session, request) not in OPEN_STATUSES:
        raise WorkflowError(f"请求 {request.number} 已结束，不能再送修。",
                            f"Request {request.number} is finished; no repair can be opened.")
    now = now or utcnow()
    raise_if(_intake_issues(intake, request, now))
    device = request.device
    defaults = {
        "device_type": device.device_type if device else "",
        "device_class": device.device_class if device else "other",
        "brand": device.brand if device else "", "model": device.model if device else "",
        "serial": device.serial if device else "",
        "asset_tag": device.asset_tag if device else "",
    }
    values = {k: (getattr(intake, k).strip() or v) for k, v in defaults.items()}
    values["device_class"] = device_class_from_text(values["device_class"])  # 打印机 → printer
    sig = intake.engineer_signature
    order = RepairOrder(
        id=new_uuid(),
        number=next_number(session, REPAIR, engineer.code, now, tz), request=request,
        slip=slip, engineer=engineer, device=device,
        company_contact=intake.company_contact.strip(),
        contact_phone=intake.contact_phone.strip(),
        fault_description=intake.fault_description.strip(), received_at=intake.received_at,
        arrived_at=intake.arrived_at, departed_at=intake.departed_at,
        device_grade=intake.device_grade.strip(), accessories=intake.accessories.strip(),
        engineer_signer=sig.signer_name.strip(),
        engineer_signed_at=intake.signed_at or intake.departed_at,
        pad_width=sig.pad_width, pad_height=sig.pad_height,
        engineer_strokes=strokes_to_json(sig.strokes),
        engineer_signature_png=render_png(sig.strokes, sig.pad_width, sig.pad_height,
                                          scale=0.5),
        sealed_at=now, created_at=now, updated_at=now, **values,
    )
    document = repair_seal_document(order)
    order.seal_document = canonical_bytes(document).decode("utf-8")
    order.seal = seal_of(document)
    session.add(order)
    session.flush()
    return order


def verify_repair_order(order: RepairOrder) -> bool:
    """True when the stored intake still hashes to its seal and matches the row."""
    try:
        stored = json.loads(order.seal_document)
    except ValueError:
        return False
    return seal_of(stored) == order.seal and stored == json.loads(
        canonical_bytes(repair_seal_document(order)).decode("utf-8"))


def get_repair(session: Session, number_or_id: str | uuid.UUID) -> RepairOrder:
    return by_number_or_id(session, RepairOrder, number_or_id, what_zh="送修单",
                           what_en="repair order")


def repairs_for_request(session: Session, request: ServiceRequest) -> list[RepairOrder]:
    return list(session.scalars(select(RepairOrder).where(RepairOrder.request_id == request.id)
                                .order_by(RepairOrder.created_at)))


# --- the estimate's lines -------------------------------------------------------------


@dataclass(frozen=True)
class EstimateLine:
    """One line of the 维修报价单: parts or labour (the slip's fee kinds), exact money."""

    kind: str
    description: str
    quantity_milli: int
    unit_price_fen: int
    amount_fen: int

    @classmethod
    def of(cls, line: FeeLineInput) -> EstimateLine:
        return cls(line.kind, line.description.strip(), line.quantity_milli,
                   line.unit_price_fen, line.amount_fen)

    def as_payload(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def _lines_of(raw: object) -> tuple[EstimateLine, ...]:
    """The lines of a stored estimate event (checked when it was made or received)."""
    if not isinstance(raw, list):
        return ()
    return tuple(EstimateLine(str(x["kind"]), str(x["description"]), int(x["quantity_milli"]),
                              int(x["unit_price_fen"]), int(x["amount_fen"])) for x in raw)


# --- the fold -------------------------------------------------------------------------


@dataclass(frozen=True)
class RepairState:
    """A repair's state, derived from its events (pure; see fold_repair)."""

    status: RepairStatus = RepairStatus.RECEIVED
    received_at: datetime | None = None
    estimate_fen: int | None = None
    estimate_note: str = ""
    expected_ready_at: datetime | None = None
    estimate_lines: tuple[EstimateLine, ...] = ()  # empty: an estimate of one amount
    valid_until: datetime | None = None  # None: no limit was given
    estimate_id: uuid.UUID | None = None  # the repair.estimated event now in force
    estimated_by: str = ""
    decision: str | None = None  # approved / refused
    confirmation_method: str | None = None  # signature / phone / portal
    confirmed_by: str = ""
    estimated_at: datetime | None = None
    confirmed_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    returned_at: datetime | None = None  # repaired device delivered (R3.3)
    closed_at: datetime | None = None  # refused, device given back unrepaired
    final_fee_fen: int | None = None
    customer_signer: str = ""
    conflicts: tuple[Conflict, ...] = ()

    @property
    def finished(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def device_back_at(self) -> datetime | None:
        return self.returned_at or self.closed_at

    def label(self) -> tuple[str, str]:
        return STATUS_LABELS[self.status]


_ENDED = Refused("repair_closed", "送修单已结束，不能再记录。",
                 "The repair order is closed; nothing more can be recorded.")


def _step(state: RepairState, event: EventRecord) -> RepairState:
    s, kind, at = state.status, event.kind, event.occurred_at
    if s in FINAL_STATUSES:
        raise _ENDED
    if state.received_at is not None and at < state.received_at:
        raise Refused("before_intake", "该步骤时间早于送修接受时间。",
                      "This step is dated before the device was received.")
    replace = dataclasses.replace
    if kind == EventKind.REPAIR_ESTIMATED:
        if s not in (RepairStatus.RECEIVED, RepairStatus.ESTIMATED):
            raise Refused("already_confirmed", "客户已确认，不能再修改报价。",
                          "The customer has confirmed; the estimate cannot change now.")
        return replace(state, status=RepairStatus.ESTIMATED, estimate_fen=event.payload["cost_fen"],
                       estimate_note=event.text("note"),
                       expected_ready_at=event.time("expected_ready_at"), estimated_at=at,
                       estimate_lines=_lines_of(event.payload.get("lines")),
                       valid_until=event.time("valid_until"), estimate_id=event.id,
                       estimated_by=event.text("estimated_by"))
    if kind == EventKind.REPAIR_CONFIRMED:
        if s == RepairStatus.RECEIVED:
            raise Refused("no_estimate", "维修部尚未报价，客户无法确认。",
                          "There is no estimate for the customer to confirm yet.")
        if s != RepairStatus.ESTIMATED:
            raise Refused("already_confirmed", "客户已确认过此送修单。",
                          "The customer has already confirmed this repair.")
        _check_answer(state, event)
        decision = event.text("decision")
        return replace(state, status=RepairStatus(decision), decision=decision,
                       confirmation_method=event.text("method"),
                       confirmed_by=event.text("confirmed_by"), confirmed_at=at)
    if kind == EventKind.REPAIR_STARTED:
        if s == RepairStatus.REFUSED:
            raise Refused("refused", "客户已拒绝维修，不能开始维修。",
                          "The customer refused the repair; it cannot start.")
        if s in (RepairStatus.RECEIVED, RepairStatus.ESTIMATED):
            raise Refused("not_confirmed", "维修须经客户确认后才能开始。",
                          "The repair cannot start without the customer's confirmation.")
        if s != RepairStatus.APPROVED:
            raise Refused("already_started", "维修已开始。", "The repair has already started.")
        return replace(state, status=RepairStatus.IN_REPAIR, started_at=at)
    if kind == EventKind.REPAIR_FINISHED:
        if s != RepairStatus.IN_REPAIR:
            raise Refused("not_started", "维修尚未开始，不能记录修好。",
                          "The repair has not started; it cannot be finished.")
        return replace(state, status=RepairStatus.FINISHED, finished_at=at)
    if kind == EventKind.REPAIR_RETURNED:
        if s in (RepairStatus.RECEIVED, RepairStatus.ESTIMATED):
            raise Refused("not_confirmed", "客户尚未确认维修，不能交付。",
                          "The customer has not confirmed the repair; it cannot be returned.")
        if s == RepairStatus.REFUSED:
            raise Refused("refused", "客户已拒绝维修：请以“拒修归还”关闭送修单。",
                          "The customer refused the repair: close it as refused instead.")
        if s != RepairStatus.FINISHED:
            raise Refused("not_finished", "维修尚未完成，不能交付。",
                          "The repair is not finished; it cannot be returned.")
        return replace(state, status=RepairStatus.RETURNED, returned_at=at,
                       final_fee_fen=event.payload["final_fee_fen"],
                       customer_signer=event.payload["signature"]["signer_name"])
    if kind == EventKind.REPAIR_CLOSED_REFUSED:
        if s != RepairStatus.REFUSED:
            raise Refused("not_refused", "只有客户拒绝维修的送修单才能拒修归还。",
                          "Only a repair the customer refused can be closed as refused.")
        return replace(state, status=RepairStatus.CLOSED_REFUSED, closed_at=at,
                       customer_signer=event.payload["signature"]["signer_name"])
    raise Refused("wrong_kind", f"送修单不接受事件 {kind}。", f"A repair order takes no {kind}.")


def _check_answer(state: RepairState, event: EventRecord) -> None:
    """The customer's answer fits the estimate in force: the one it names, still valid
    when approved; only the portal records a portal answer."""
    answered = event.text("estimate_id")
    if answered and answered != str(state.estimate_id):
        raise Refused("estimate_changed", "报价已更新，请按最新的报价单确认。",
                      "The estimate has changed; please answer the latest quotation.")
    if (event.text("decision") == Decision.APPROVED and state.valid_until is not None
            and event.occurred_at > state.valid_until):
        until = format_local(state.valid_until)
        raise Refused("estimate_expired",
                      f"报价已过有效期（{until}），不能再同意；请维修部重新报价。",
                      f"The quotation expired ({until}); it cannot be approved. "
                      "Ask the workshop for a new estimate.")
    portal = event.text("method") == ConfirmationMethod.PORTAL
    if portal != (event.actor_code == PORTAL_OPERATOR_CODE):
        raise Refused("portal_only", "网上确认只能由客户在客户门户提交。",
                      "An answer on the portal can only come from the customer portal.")


def fold_repair(events: list[EventRecord], received_at: datetime | None = None) -> RepairState:
    """Fold a repair order's events (any arrival order) into its state."""
    return fold_events(events, RepairState(received_at=received_at), _step)


def repair_state(session: Session, order: RepairOrder) -> RepairState:
    return fold_repair(events_for(session, order), order.received_at)


# --- recording the steps --------------------------------------------------------------


def _record(session: Session, order: RepairOrder, kind: str, payload: dict[str, object], *,
            actor_code: str, occurred_at: datetime, now: datetime | None) -> EventRecord:
    return record_event(
        session, kind=kind, subject_id=order.id, payload=payload, actor_code=actor_code,
        occurred_at=occurred_at, request_id=order.request_id, now=now,
        fold=lambda events: fold_repair(events, order.received_at),
    )


def estimate_repair(session: Session, order: RepairOrder, *, cost_fen: int | None = None,
                    expected_ready_at: datetime, estimated_by: str, actor_code: str,
                    occurred_at: datetime, note: str = "",
                    lines: Sequence[EstimateLine] = (), valid_until: datetime | None = None,
                    now: datetime | None = None) -> EventRecord:
    """The workshop's estimate (R3.2): its parts and labour lines (the cost is their total)
    or one amount, when the device will be ready, and until when the offer stands."""
    if lines:
        total = sum(line.amount_fen for line in lines)
        if cost_fen is not None and cost_fen != total:
            raise_if([FieldIssue("cost_fen", "not_the_total", "报价金额须等于报价明细合计。",
                                 "The estimate must equal the total of its lines.")])
        cost_fen = total
    if cost_fen is None:
        raise_if([FieldIssue("lines", "required", "请填写报价明细或报价金额。",
                             "Please enter the estimate's lines or its amount.")])
    if valid_until is not None and valid_until <= occurred_at:
        raise_if([FieldIssue("valid_until", "not_after", "报价有效期须晚于报价时间。",
                             "The quotation must be valid beyond the time it is made.")])
    return _record(session, order, EventKind.REPAIR_ESTIMATED, {
        "cost_fen": cost_fen, "expected_ready_at": iso_utc(expected_ready_at),
        "estimated_by": estimated_by, "note": note,
        "lines": [line.as_payload() for line in lines] or None,
        "valid_until": iso_utc(valid_until) if valid_until is not None else None,
    }, actor_code=actor_code, occurred_at=occurred_at, now=now)


def confirm_repair(session: Session, order: RepairOrder, *, approved: bool, method: str,
                   confirmed_by: str, actor_code: str, occurred_at: datetime,
                   signature: SignatureInput | None = None, phone: str = "", note: str = "",
                   estimate_id: uuid.UUID | None = None, now: datetime | None = None
                   ) -> EventRecord:
    """The customer's confirmation (客户确认): approved or refused — signed on the laptop,
    by phone, or on the portal — of the estimate `estimate_id` (None: the one in force)."""
    if method == ConfirmationMethod.PORTAL and not confirmed_by.strip():
        raise_if([FieldIssue("confirmed_by", "required", "网上确认须有确认人姓名。",
                             "An answer on the portal needs the name of who answered.")])
    if method == ConfirmationMethod.SIGNATURE and signature is None:
        raise_if([FieldIssue("signature", "required", "签字确认须有客户签名。",
                             "A confirmation by signature needs the customer's signature.")])
    if method == ConfirmationMethod.PHONE and not confirmed_by.strip():
        raise_if([FieldIssue("confirmed_by", "required", "电话确认须填写确认人。",
                             "A confirmation by phone needs the name of who confirmed.")])
    return _record(session, order, EventKind.REPAIR_CONFIRMED, {
        "decision": Decision.APPROVED if approved else Decision.REFUSED, "method": method,
        "confirmed_by": confirmed_by.strip(), "phone": phone.strip(), "note": note,
        "signature": signature.as_payload() if signature is not None else None,
        "estimate_id": str(estimate_id) if estimate_id is not None else None,
    }, actor_code=actor_code, occurred_at=occurred_at, now=now)


def start_repair(session: Session, order: RepairOrder, *, actor_code: str,
                 occurred_at: datetime, technician: str = "", note: str = "",
                 now: datetime | None = None) -> EventRecord:
    return _record(session, order, EventKind.REPAIR_STARTED,
                   {"technician": technician, "note": note},
                   actor_code=actor_code, occurred_at=occurred_at, now=now)


def finish_repair(session: Session, order: RepairOrder, *, work_done: str, actor_code: str,
                  occurred_at: datetime, note: str = "", now: datetime | None = None
                  ) -> EventRecord:
    return _record(session, order, EventKind.REPAIR_FINISHED,
                   {"work_done": work_done, "note": note},
                   actor_code=actor_code, occurred_at=occurred_at, now=now)


def return_repair(session: Session, order: RepairOrder, *, final_fee_fen: int,
                  customer_signature: SignatureInput, actor_code: str, occurred_at: datetime,
                  note: str = "", now: datetime | None = None) -> EventRecord:
    """The repaired device handed back: delivery time, final fee, customer's signature (R3.3)."""
    return _record(session, order, EventKind.REPAIR_RETURNED, {
        "final_fee_fen": final_fee_fen, "signature": customer_signature.as_payload(),
        "note": note,
    }, actor_code=actor_code, occurred_at=occurred_at, now=now)


def close_refused_repair(session: Session, order: RepairOrder, *,
                         customer_signature: SignatureInput, actor_code: str,
                         occurred_at: datetime, note: str = "", now: datetime | None = None
                         ) -> EventRecord:
    """A refused repair ends with the device given back unrepaired, signed for."""
    return _record(session, order, EventKind.REPAIR_CLOSED_REFUSED, {
        "signature": customer_signature.as_payload(), "note": note,
    }, actor_code=actor_code, occurred_at=occurred_at, now=now)


# --- where it stands ------------------------------------------------------------------


@dataclass(frozen=True)
class RepairOverview:
    """State, the 4-hour clock (request until returned) and the loaner decision."""

    number: str
    state: RepairState
    clock: ClockResult
    loaner: LoanerDecision


def repair_facts(order: RepairOrder, state: RepairState) -> RequestFacts:
    request = order.request
    return RequestFacts(channel=Channel.SENDIN, requested_at=request.requested_at,
                        device_returned_at=state.device_back_at,
                        is_group_customer=request.customer.is_group)


def repair_overview(session: Session, order: RepairOrder, now: datetime) -> RepairOverview:
    state = repair_state(session, order)
    terms, calendar = contract_terms(order.request.contract)
    facts = repair_facts(order, state)
    if state.status == RepairStatus.CLOSED_REFUSED:
        clock = not_applicable(ClockKind.REPAIR_RESOLUTION, started_at=facts.requested_at,
                               reason=("客户拒绝维修，设备已归还", "Refused; device returned"),
                               timezone=calendar.timezone)
    else:  # the request's other clocks (the phone answer …) are the request's own
        clock = clock_of(clocks_for_request(facts, terms, calendar, now),
                         ClockKind.REPAIR_RESOLUTION) or not_applicable(
            ClockKind.REPAIR_RESOLUTION, started_at=facts.requested_at,
            reason=("无维修时限", "No repair clock"), timezone=calendar.timezone)
    loaner = loaner_due(facts, terms, calendar, now, state.expected_ready_at)
    return RepairOverview(order.number, state, clock, loaner)
