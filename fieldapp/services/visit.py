"""One engineer's visit for a request, as services (R2.1–R2.3).

Every function takes the `Store`, ids and typed inputs, runs its own transaction and
returns plain data (`SlipData`); none hands out a session or an ORM row. The visit is a
flow in the order of the work — `STEPS` — and `completeness` says, all at once and per
step, what is still missing before anyone may sign. Pass `now` (tests freeze it); the
default is the clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from fieldapp.base.errors import FieldIssue, NotFound, ValidationError
from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests, slips
from fieldapp.rules.validation import (
    TIMELINE,
    FeeLineInput,
    raise_if,
    slip_ready_to_sign_issues,
    timeline_issues,
)
from fieldapp.services.attachments import changed_files_only
from fieldapp.services.visit_view import SlipData, device_text, slip_data
from fieldapp.store import Store
from fieldapp.store.values import SignerRole, SlipStatus

__all__ = [
    "STEPS", "Completeness", "DeviceMatch", "SaveOutcome", "SignatureInput", "SlipChanges",
    "SlipData", "amend", "clear_signatures", "completeness", "find_devices", "load",
    "missing", "no_charge_line", "open_visit", "save_changes", "set_fee_lines", "sign",
    "step_of",
]

# The visit in the order of the work: 到达 → 开始 → 现场处理 → 费用 → 结果 → 签字.
STEPS = ("arrive", "start", "work", "fees", "result", "sign")
_STEP_OF_FIELD = {
    "arrived_at": "arrive", "started_at": "start", "fault_found": "work", "handling": "work",
    "fee_lines": "fees", "result": "result", "solved_at": "result", "departed_at": "result",
}


def step_of(field_name: str) -> str:
    """The step where `field_name` (a FieldIssue's field) is filled in."""
    if field_name.startswith("fee_lines"):
        return "fees"
    return _STEP_OF_FIELD.get(field_name, "sign")


# -- inputs -------------------------------------------------------------------------------

@dataclass(frozen=True)
class SlipChanges:
    """Changed fields of a draft: `fields` maps slip field names (`slips.EDITABLE_FIELDS`)
    to new values (aware datetimes or None for times, text for the rest); `fee_lines`,
    when given, replaces all lines."""

    fields: Mapping[str, Any] = field(default_factory=dict)
    fee_lines: tuple[FeeLineInput, ...] | None = None

    def __post_init__(self) -> None:
        unknown = set(self.fields) - set(slips.EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not editable slip fields: {sorted(unknown)}")
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))


@dataclass(frozen=True)
class SignatureInput:
    role: str  # "engineer" or "customer"
    signer_name: str
    strokes: Sequence[Sequence[Sequence[int]]]  # [x, y, t, p] points, as the pad drew them
    pad_width: int
    pad_height: int


# -- outputs ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SaveOutcome:
    saved: tuple[str, ...]  # fields stored ("fee_lines" for the lines)
    issues: tuple[FieldIssue, ...]  # every refusal, each naming its field
    slip: SlipData  # the slip as stored now


@dataclass(frozen=True)
class Completeness:
    slip: SlipData
    missing: tuple[FieldIssue, ...]  # all of it, in the order of the work

    @property
    def complete(self) -> bool:
        return not self.missing

    def by_step(self) -> dict[str, tuple[FieldIssue, ...]]:
        steps: dict[str, tuple[FieldIssue, ...]] = {}
        for issue in self.missing:
            step = step_of(issue.field)
            steps[step] = (*steps.get(step, ()), issue)
        return steps


@dataclass(frozen=True)
class DeviceMatch:
    device: str
    customer_name: str


# -- the rules ----------------------------------------------------------------------------

NO_FEE = FieldIssue("fee_lines", "required", "请添加费用，或确认本次服务不收费。",
                    "Add a fee line, or confirm that this visit is free of charge.")
ZERO_TOTAL = FieldIssue("fee_lines", "zero_total", "总计为 ¥0.00：请客户明确确认本次不收费。",
                        "The total is ¥0.00: the customer must confirm that there is no charge.")


def missing(slip: SlipData, *, now: datetime) -> tuple[FieldIssue, ...]:
    """What the slip still lacks before anyone may sign it, all at once (R2.2–R2.3):
    the times in order, the fault found, the handling, the result (and the time solved),
    and at least one fee line (a free visit is one ¥0.00 line, `no_charge_line`)."""
    issues = slip_ready_to_sign_issues(
        channel=slip.channel, arrived_at=slip.arrived_at, started_at=slip.started_at,
        solved_at=slip.solved_at, departed_at=slip.departed_at, fault_found=slip.fault_found,
        handling=slip.handling, result=slip.result)
    times = {"requested_at": slip.requested_at,
             **{f: getattr(slip, f) for f in TIMELINE[1:]}}
    issues += timeline_issues(times, now)
    if not slip.fee_lines:
        issues.append(NO_FEE)
    order = {step: i for i, step in enumerate(STEPS)}
    fields = ("arrived_at", "started_at", "fault_found", "handling", "fee_lines", "result",
              "solved_at", "departed_at")
    return tuple(sorted(issues, key=lambda i: (order[step_of(i.field)],
                                               fields.index(i.field) if i.field in fields
                                               else 99)))


NO_CHARGE_DESCRIPTION = "本次服务不收费"


def no_charge_line() -> FeeLineInput:
    """The explicit 'no charge' of a free visit: one ¥0.00 line the customer signs under."""
    return FeeLineInput("other", NO_CHARGE_DESCRIPTION, Decimal(1), Decimal(0))


# -- the services ---------------------------------------------------------------------------

def open_visit(store: Store, request_id: uuid.UUID | str, operator_code: str, *,
               now: datetime | None = None) -> SlipData:
    """This engineer's unsigned draft on the request, resumed; else a new slip."""
    with store.write() as session:
        request = service_requests.get_request(session, request_id)
        engineer = reference.engineer_by_code(session, operator_code)
        for slip in request.slips:
            if (slip.engineer_id == engineer.id and slip.status == SlipStatus.DRAFT
                    and not slip.is_sealed):
                return slip_data(session, slip)
        slip = slips.start_slip(session, request, engineer, now=now or utcnow())
        session.flush()
        return slip_data(session, slip)


def load(store: Store, slip_id: uuid.UUID | str) -> SlipData:
    """The slip for the editor; a sealed slip's attached files are re-hashed (one whose
    content changed shows it tampered; one not on this laptop yet is not a change)."""
    with store.read() as session:
        return slip_data(session, slips.get_slip(session, slip_id),
                         files=changed_files_only(store))


def save_changes(store: Store, slip_id: uuid.UUID | str, changes: SlipChanges, *,
                 now: datetime | None = None) -> SaveOutcome:
    """Each field in its own savepoint: the valid ones stick, the invalid ones report, all
    of them together. Times are applied in the order of the work, so a later time is
    checked against the earlier one just saved."""
    now = now or utcnow()
    order = {f: i for i, f in enumerate(TIMELINE)}
    ordered = sorted(changes.fields.items(), key=lambda kv: order.get(kv[0], 99))
    saved: list[str] = []
    issues: list[FieldIssue] = []
    with store.write() as session:
        slip = slips.get_slip(session, slip_id)
        for name, value in ordered:
            try:
                with session.begin_nested():
                    slips.update_slip(session, slip, {name: value}, now=now)
                saved.append(name)
            except ValidationError as exc:
                issues.extend(exc.issues)
        if changes.fee_lines is not None:
            try:
                with session.begin_nested():
                    slips.set_fee_lines(session, slip, changes.fee_lines)
                saved.append("fee_lines")
            except ValidationError as exc:
                issues.extend(exc.issues)
        session.flush()
        return SaveOutcome(tuple(saved), tuple(issues), slip_data(session, slip))


def set_fee_lines(store: Store, slip_id: uuid.UUID | str,
                  lines: Sequence[FeeLineInput]) -> SlipData:
    """Replace the fee lines (all or none: a ValidationError names each bad line)."""
    with store.write() as session:
        slip = slips.get_slip(session, slip_id)
        slips.set_fee_lines(session, slip, lines)
        session.flush()
        return slip_data(session, slip)


def completeness(store: Store, slip_id: uuid.UUID | str, *,
                 now: datetime | None = None) -> Completeness:
    """The slip and everything missing before the customer may sign (empty: go ahead)."""
    slip = load(store, slip_id)
    return Completeness(slip, missing(slip, now=now or utcnow()))


def sign(store: Store, slip_id: uuid.UUID | str, signature: SignatureInput, *,
         zero_total_confirmed: bool = False, now: datetime | None = None) -> SlipData:
    """Put one party's signature on a complete slip; the second one seals it (R2.3).

    Refused, with everything that is missing, while the slip is incomplete; a customer
    signature under a ¥0.00 total needs `zero_total_confirmed` (the customer saw and
    confirmed that there is no charge)."""
    now = now or utcnow()
    with store.write() as session:
        slip = slips.get_slip(session, slip_id)
        view = slip_data(session, slip)
        if not view.sealed:
            issues = list(missing(view, now=now))
            if (signature.role == SignerRole.CUSTOMER and view.fee_lines and view.total_fen == 0
                    and not zero_total_confirmed):
                issues.append(ZERO_TOTAL)
            raise_if(issues)
        slips.sign_slip(session, slip, role=signature.role, signer_name=signature.signer_name,
                        strokes=[[list(p) for p in s] for s in signature.strokes],
                        pad_width=signature.pad_width, pad_height=signature.pad_height,
                        now=now)
        session.flush()
        return slip_data(session, slip)


def clear_signatures(store: Store, slip_id: uuid.UUID | str) -> SlipData:
    with store.write() as session:
        slip = slips.get_slip(session, slip_id)
        slips.clear_signatures(session, slip)
        return slip_data(session, slip)


def amend(store: Store, slip_id: uuid.UUID | str, *, reason: str, operator_code: str,
          now: datetime | None = None) -> SlipData:
    """A correction of a sealed slip by this laptop's engineer (else the original one's)."""
    with store.write() as session:
        original = slips.get_slip(session, slip_id)
        try:
            engineer = reference.engineer_by_code(session, operator_code)
        except NotFound:
            engineer = original.engineer
        amendment = slips.amend_slip(session, original, reason=reason, engineer=engineer,
                                     now=now or utcnow())
        return slip_data(session, amendment)


def find_devices(store: Store, code: str) -> tuple[DeviceMatch, ...]:
    """Devices whose serial number or asset tag is what was scanned or typed."""
    with store.read() as session:
        return tuple(DeviceMatch(device_text(d), d.customer.name)
                     for d in reference.find_devices(session, code))
