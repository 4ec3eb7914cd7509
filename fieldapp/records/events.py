"""Append-only events: the shared facts of the workflows, and folding them into state.

Principle 2 (one writer per record): a repair approved on the workshop's PC, a loaner lent
on an engineer's laptop, a request reassigned by the service centre are each one *event*
row, never an update of a shared row. Any machine that holds the same events derives the
same state, whatever order they arrived in, because a fold first puts them in their
canonical order: `occurred_at` (what the person says), then `id` (UUIDv7), and drops
duplicates (the same event delivered twice).

An event a fold cannot apply (a repair started before the customer confirmed, a loaner
lent while it is out) is kept in the database but reported as a `Conflict` by the fold
and changes nothing. `record_event` refuses such an event up front, inside the write
transaction, with the fold's own message; conflicts therefore only appear when two
machines recorded incompatible facts while apart — and then both see the same conflict.

Payloads are canonical JSON holding strings and integers only (lists and objects of
them), so an event hashes and compares the same everywhere; times inside payloads are
ISO UTC text (`2026-11-24T06:00:00Z`), money is integer fen.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldIssue, WorkflowError
from fieldapp.base.i18n import Language, pick
from fieldapp.base.ids import PORTAL_OPERATOR_CODE, is_valid_operator_code, new_uuid
from fieldapp.base.money import line_amount_fen
from fieldapp.base.timeutil import FUTURE_SKEW, iso_utc, parse_local, utcnow
from fieldapp.rules.validation import (
    MAX_SLIP_TOTAL_FEN,
    FeeLineInput,
    fee_line_issues,
    raise_if,
)
from fieldapp.seal.signatures import stroke_issues
from fieldapp.store.values import SubjectType
from fieldapp.store.workflow_models import Event


class EventKind(StrEnum):
    """What an event records: `<subject>.<what happened>` (EVENT_KINDS has each one's
    subject and payload)."""

    REPAIR_ESTIMATED = "repair.estimated"
    REPAIR_CONFIRMED = "repair.confirmed"
    REPAIR_STARTED = "repair.started"
    REPAIR_FINISHED = "repair.finished"
    REPAIR_RETURNED = "repair.returned"
    REPAIR_CLOSED_REFUSED = "repair.closed_refused"
    LOANER_ISSUED = "loaner.issued"
    LOANER_RETURNED = "loaner.returned"
    REQUEST_ESCALATED = "request.escalated"
    REQUEST_REASSIGNED = "request.reassigned"
    COMPLAINT_RESPONDED = "complaint.responded"
    COMPLAINT_CLOSED = "complaint.closed"
    QUESTION_ANSWERED = "question.answered"
    # the group dossier (R2.5, fieldapp.workflows.dossier): a problem set's lifecycle …
    PROBLEM_TRACKING = "problem.tracking"
    PROBLEM_NOTED = "problem.noted"
    PROBLEM_SOLVED = "problem.solved"
    PROBLEM_WONT_FIX = "problem.wont_fix"
    PROBLEM_REOPENED = "problem.reopened"
    PROBLEM_LINKED = "problem.linked"
    # … a suggestion's follow-up …
    SUGGESTION_ACCEPTED = "suggestion.accepted"
    SUGGESTION_DECLINED = "suggestion.declined"
    SUGGESTION_DONE = "suggestion.done"
    # … and the service centre's review of each submission (staff only)
    PROBLEM_REVIEWED = "problem.reviewed"
    SUGGESTION_REVIEWED = "suggestion.reviewed"
    ENTRY_REVIEWED = "archive_entry.reviewed"


class EscalationKind(StrEnum):
    """`request.escalated`'s `escalation_kind` (R4)."""

    TECHNICAL_REQUIREMENT = "technical_requirement"  # 技术需求升级
    DEVICE_FAULT = "device_fault"  # 设备故障升级: the device goes to the workshop
    TECHNICAL_ABILITY = "technical_ability"  # 技术能力升级: another engineer takes over


class Decision(StrEnum):
    """`repair.confirmed`'s `decision`: the customer's answer to the estimate."""

    APPROVED = "approved"
    REFUSED = "refused"


class ConfirmationMethod(StrEnum):
    """How the customer answered the estimate: signed on the laptop, by phone (who, when),
    or on the customer portal (recorded by the archive as `WEB`)."""

    SIGNATURE = "signature"
    PHONE = "phone"
    PORTAL = "portal"


ESCALATION_KINDS = tuple(EscalationKind)
DECISIONS = tuple(Decision)
CONFIRMATION_METHODS = tuple(ConfirmationMethod)
LOANER_CONDITIONS = ("good", "damaged", "incomplete")
YES_NO = ("yes", "no")
VERDICTS = ("reviewed", "returned")  # the centre's review: accepted as a fact, or sent back

MAX_TEXT = 5000
MAX_NAME = 100
MAX_ESTIMATE_LINES = 50
# An estimate line (repair.estimated's `lines`): what fee_lines hold on a slip.
ESTIMATE_LINE_KEYS = frozenset({"kind", "description", "quantity_milli", "unit_price_fen",
                                "amount_fen"})


@dataclass(frozen=True)
class PayloadField:
    """One payload key: its type (text, name, code, int, fen, time, uuid, choice,
    signature, lines), whether it must be present, and for `choice` the allowed values."""

    name: str
    type: str
    required: bool = True
    choices: tuple[str, ...] = ()


def _f(name: str, type_: str, required: bool = True, choices: tuple[str, ...] = ()
       ) -> PayloadField:
    return PayloadField(name, type_, required, choices)


# kind -> (subject type, payload fields). The one list of what events exist.
EVENT_KINDS: dict[str, tuple[SubjectType, tuple[PayloadField, ...]]] = {
    EventKind.REPAIR_ESTIMATED: (SubjectType.REPAIR, (
        _f("cost_fen", "fen"), _f("expected_ready_at", "time"), _f("estimated_by", "name"),
        _f("note", "text", False),
        # the 维修报价单 (R3.2): parts and labour lines adding up to cost_fen; valid until
        _f("lines", "lines", False), _f("valid_until", "time", False))),
    EventKind.REPAIR_CONFIRMED: (SubjectType.REPAIR, (
        _f("decision", "choice", choices=DECISIONS),
        _f("method", "choice", choices=CONFIRMATION_METHODS), _f("confirmed_by", "name"),
        _f("phone", "name", False), _f("signature", "signature", False),
        _f("note", "text", False),
        # the estimate answered (its repair.estimated event): a newer one needs a new answer
        _f("estimate_id", "uuid", False))),
    EventKind.REPAIR_STARTED: (SubjectType.REPAIR, (
        _f("technician", "name", False), _f("note", "text", False))),
    EventKind.REPAIR_FINISHED: (SubjectType.REPAIR, (
        _f("work_done", "text"), _f("note", "text", False))),
    EventKind.REPAIR_RETURNED: (SubjectType.REPAIR, (
        _f("final_fee_fen", "fen"), _f("signature", "signature"), _f("note", "text", False))),
    EventKind.REPAIR_CLOSED_REFUSED: (SubjectType.REPAIR, (
        _f("signature", "signature"), _f("note", "text", False))),
    EventKind.LOANER_ISSUED: (SubjectType.LOANER, (
        _f("repair_order_id", "uuid"), _f("repair_number", "name"),
        _f("engineer_signature", "signature"), _f("customer_signature", "signature"),
        _f("goodwill", "choice", False, YES_NO))),
    EventKind.LOANER_RETURNED: (SubjectType.LOANER, (
        _f("condition", "choice", choices=LOANER_CONDITIONS), _f("note", "text", False),
        _f("engineer_signature", "signature"), _f("customer_signature", "signature"))),
    EventKind.REQUEST_ESCALATED: (SubjectType.REQUEST, (
        _f("escalation_kind", "choice", choices=ESCALATION_KINDS), _f("reason", "text"),
        _f("requested_by", "name"), _f("decided_by", "name"),
        _f("from_engineer", "code", False), _f("to_engineer", "code", False),
        _f("required_skills", "text", False), _f("repair_number", "name", False))),
    EventKind.REQUEST_REASSIGNED: (SubjectType.REQUEST, (
        _f("engineer_code", "code"), _f("engineer_id", "uuid"), _f("reason", "text"),
        _f("decided_by", "name"))),
    EventKind.COMPLAINT_RESPONDED: (SubjectType.COMPLAINT, (
        _f("response", "text"), _f("responder", "name"))),
    EventKind.COMPLAINT_CLOSED: (SubjectType.COMPLAINT, (
        _f("closed_by", "name"), _f("outcome", "text", False),
        _f("customer_satisfied", "choice", False, YES_NO))),
    EventKind.QUESTION_ANSWERED: (SubjectType.QUESTION, (
        _f("answer", "text"), _f("answered_by", "name"))),
    **{kind: (SubjectType.PROBLEM, (_f("note", "text"),)) for kind in (
        EventKind.PROBLEM_TRACKING, EventKind.PROBLEM_NOTED, EventKind.PROBLEM_SOLVED,
        EventKind.PROBLEM_WONT_FIX, EventKind.PROBLEM_REOPENED)},
    EventKind.PROBLEM_LINKED: (SubjectType.PROBLEM, (
        _f("linked_request_id", "uuid"), _f("linked_number", "name"),
        _f("note", "text", False))),
    **{kind: (SubjectType.SUGGESTION, (_f("customer_name", "name"), _f("note", "text", False)))
       for kind in (EventKind.SUGGESTION_ACCEPTED, EventKind.SUGGESTION_DECLINED)},
    EventKind.SUGGESTION_DONE: (SubjectType.SUGGESTION, (_f("note", "text"),)),
    **{kind: (subject, (_f("submission_id", "uuid"), _f("verdict", "choice", choices=VERDICTS),
                        _f("reviewer", "name"), _f("comment", "text", False)))
       for kind, subject in ((EventKind.PROBLEM_REVIEWED, SubjectType.PROBLEM),
                             (EventKind.SUGGESTION_REVIEWED, SubjectType.SUGGESTION),
                             (EventKind.ENTRY_REVIEWED, SubjectType.ARCHIVE_ENTRY))},
}
# The centre's review events: recorded by staff only (fieldapp.archive.rules refuses an
# engineer's), pulled by the engineer's laptop.
REVIEW_KINDS = (EventKind.PROBLEM_REVIEWED, EventKind.SUGGESTION_REVIEWED,
                EventKind.ENTRY_REVIEWED)

# How a payload field is named to a person (zh, en): messages never show the key
# (`cost_fen`), which is a code for programs.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "cost_fen": ("报价金额", "estimate"), "expected_ready_at": ("预计修好时间", "ready time"),
    "estimated_by": ("报价人", "who estimated"), "note": ("备注", "note"),
    "decision": ("客户决定", "customer's decision"), "method": ("确认方式", "how confirmed"),
    "confirmed_by": ("确认人", "who confirmed"), "phone": ("电话", "phone"),
    "signature": ("签名", "signature"), "technician": ("维修人员", "technician"),
    "work_done": ("维修内容", "work done"), "final_fee_fen": ("最终费用", "final fee"),
    "repair_order_id": ("送修单", "repair order"),
    "repair_number": ("送修单号", "repair number"),
    "engineer_signature": ("工程师签名", "engineer's signature"),
    "customer_signature": ("客户签名", "customer's signature"),
    "goodwill": ("通融借出", "goodwill loan"), "condition": ("归还状况", "condition"),
    "escalation_kind": ("升级类型", "kind of escalation"), "reason": ("原因", "reason"),
    "requested_by": ("提出人", "who asked"), "decided_by": ("决定人", "who decided"),
    "from_engineer": ("原工程师", "previous engineer"), "to_engineer": ("改派给", "new engineer"),
    "required_skills": ("所需技能", "skills needed"),
    "engineer_code": ("工程师工号", "engineer code"),
    "engineer_id": ("工程师", "engineer"), "response": ("答复内容", "response"),
    "responder": ("答复人", "who responded"), "closed_by": ("关闭人", "who closed it"),
    "outcome": ("处理结果", "outcome"),
    "customer_satisfied": ("客户是否满意", "customer satisfied"),
    "answer": ("答复", "answer"), "answered_by": ("答复人", "who answered"),
    "lines": ("报价明细", "estimate lines"), "valid_until": ("报价有效期", "valid until"),
    "estimate_id": ("所确认的报价", "estimate answered"),
    "linked_request_id": ("关联的服务请求", "linked request"),
    "linked_number": ("请求编号", "request number"),
    "customer_name": ("客户方答复人", "customer's contact"),
    "submission_id": ("所审核的提交", "submission reviewed"),
    "verdict": ("审核结论", "verdict"), "reviewer": ("审核人", "reviewer"),
    "comment": ("审核意见", "comment"),
}


def field_label(name: str) -> tuple[str, str]:
    return FIELD_LABELS.get(name, (name, name))


# Which model a subject type names (by table), for events_for(session, obj).
SUBJECT_TABLES: dict[str, SubjectType] = {
    "repair_orders": SubjectType.REPAIR,
    "loaners": SubjectType.LOANER,
    "service_requests": SubjectType.REQUEST,
    "complaints": SubjectType.COMPLAINT,
    "open_questions": SubjectType.QUESTION,
    "problem_sets": SubjectType.PROBLEM,
    "service_suggestions": SubjectType.SUGGESTION,
    "archive_entries": SubjectType.ARCHIVE_ENTRY,
}


# --- signatures inside payloads -------------------------------------------------------


@dataclass(frozen=True)
class SignatureInput:
    """A signature as drawn on the pad (strokes of integer [x, y, t, p] points)."""

    signer_name: str
    strokes: Sequence[Sequence[Sequence[int]]]
    pad_width: int
    pad_height: int

    def as_payload(self) -> dict[str, Any]:
        return {
            "signer_name": self.signer_name.strip(),
            "pad_width": self.pad_width,
            "pad_height": self.pad_height,
            "strokes": [[[int(v) for v in point] for point in s] for s in self.strokes],
        }


# --- events as plain values -----------------------------------------------------------


@dataclass(frozen=True)
class EventRecord:
    """An event as the folds see it: plain data, no session."""

    id: uuid.UUID
    kind: str
    subject_type: str
    subject_id: uuid.UUID
    payload: Mapping[str, Any]
    actor_code: str
    occurred_at: datetime
    recorded_at: datetime
    request_id: uuid.UUID | None = None

    @property
    def sort_key(self) -> tuple[datetime, uuid.UUID]:
        return (self.occurred_at, self.id)

    def text(self, name: str, default: str = "") -> str:
        value = self.payload.get(name, default)
        return value if isinstance(value, str) else default

    def time(self, name: str) -> datetime | None:
        value = self.payload.get(name)
        return parse_local(value) if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Conflict:
    """An event a fold could not apply: kept, shown, and otherwise ignored."""

    event_id: uuid.UUID
    kind: str
    code: str
    zh: str
    en: str

    def message(self, language: Language | None = None) -> str:
        return pick(self.zh, self.en, language)


class Refused(Exception):
    """Raised by a fold step for an event that does not fit the current state."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


class Folded(Protocol):
    """A fold's state: a dataclass (so `dataclasses.replace` can add a conflict)."""

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    @property
    def conflicts(self) -> tuple[Conflict, ...]: ...


S = TypeVar("S", bound=Folded)


def ordered(events: Iterable[EventRecord]) -> list[EventRecord]:
    """Canonical order (occurred_at, then id), each event once."""
    unique = {e.id: e for e in events}
    return sorted(unique.values(), key=lambda e: e.sort_key)


def fold_events(events: Iterable[EventRecord], initial: S,
                step: Callable[[S, EventRecord], S]) -> S:
    """Apply `step` to the events in canonical order; a refused event becomes a conflict.

    `initial` must be a dataclass with a `conflicts` tuple.
    """
    state = initial
    for event in ordered(events):
        try:
            state = step(state, event)
        except Refused as refusal:
            conflict = Conflict(event.id, event.kind, refusal.code, refusal.zh, refusal.en)
            state = dataclasses.replace(state, conflicts=(*state.conflicts, conflict))
    return state


# --- payload validation ---------------------------------------------------------------


def _is_canonical(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, str | int):
        return True
    if isinstance(value, list):
        return all(_is_canonical(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_canonical(v) for k, v in value.items())
    return False


def canonical_payload(payload: Mapping[str, Any]) -> str:
    return json.dumps(dict(payload), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _value_issues(spec: PayloadField, value: Any) -> list[FieldIssue]:
    name = spec.name
    zh, en = field_label(name)  # the field's name as people say it, never its key

    def bad(code: str, zh: str, en: str) -> list[FieldIssue]:
        return [FieldIssue(name, code, zh, en[:1].upper() + en[1:])]

    if spec.type in ("text", "name", "code", "choice", "time", "uuid"):
        if not isinstance(value, str):
            return bad("not_text", f"{zh}须为文字。", f"{en} must be text.")
        if spec.required and not value.strip():
            return bad("required", f"请填写{zh}。", f"please enter the {en}.")
        limit = MAX_NAME if spec.type == "name" else MAX_TEXT
        if len(value) > limit:
            return bad("too_long", f"{zh}不能超过 {limit} 个字。",
                       f"{en} may have at most {limit} characters.")
        if "\x00" in value:
            return bad("bad_character", f"{zh}含有无效字符。",
                       f"{en} contains an invalid character.")
    if spec.type == "code" and value and not is_valid_operator_code(value):
        return bad("bad_code", f"{zh}不是有效的工号：{value}。",
                   f"{en} is not a valid engineer code: {value}.")
    if spec.type == "choice" and value not in spec.choices:
        return bad("invalid_choice", f"{zh}的选项无效。", f"{en}: not one of the choices.")
    if spec.type == "time":
        try:
            moment = parse_local(value)
        except ValueError:
            return bad("not_a_time", f"{zh}不是有效时间。", f"{en} is not a time.")
        if iso_utc(moment) != value:
            return bad("not_canonical_time", f"{zh}须为协调世界时（以 Z 结尾）。",
                       f"{en} must be ISO UTC text ending in Z.")
    if spec.type == "uuid":
        try:
            uuid.UUID(value)
        except ValueError:
            return bad("not_an_id", f"{zh}不是有效编号。", f"{en} is not an id.")
    if spec.type in ("int", "fen"):
        if isinstance(value, bool) or not isinstance(value, int):
            return bad("not_integer", f"{zh}须为整数。", f"{en} must be an integer.")
        if spec.type == "fen" and not 0 <= value <= MAX_SLIP_TOTAL_FEN:
            return bad("bad_amount", f"{zh}须在 0 到 1,000,000 元之间。",
                       f"{en} must be between 0 and 1,000,000 yuan.")
    if spec.type == "signature":
        return _signature_issues(name, value)
    if spec.type == "lines":
        return estimate_line_issues(value)
    return []


def estimate_line_issues(value: Any) -> list[FieldIssue]:
    """An estimate's lines: 1–50 objects of the fee line's fields, each amount exactly its
    quantity times its unit price (rounded half-up to the fen, as on a slip)."""
    def bad(zh: str, en: str) -> list[FieldIssue]:
        return [FieldIssue("lines", "bad_lines", zh, en)]

    if not isinstance(value, list) or not 0 < len(value) <= MAX_ESTIMATE_LINES:
        return bad(f"报价明细须有 1 到 {MAX_ESTIMATE_LINES} 行。",
                   f"An estimate needs 1 to {MAX_ESTIMATE_LINES} lines.")
    inputs = []
    for i, line in enumerate(value, start=1):
        if not isinstance(line, dict) or set(line) != ESTIMATE_LINE_KEYS or not (
                isinstance(line["kind"], str) and isinstance(line["description"], str)
                and all(isinstance(line[k], int) and not isinstance(line[k], bool)
                        for k in ("quantity_milli", "unit_price_fen", "amount_fen"))):
            return bad(f"报价明细第 {i} 行格式错误。", f"Estimate line {i} is malformed.")
        quantity = Decimal(line["quantity_milli"]) / 1000
        inputs.append(FeeLineInput(line["kind"], line["description"], quantity,
                                   Decimal(line["unit_price_fen"]) / 100))
        if line["unit_price_fen"] >= 0 and line["amount_fen"] != line_amount_fen(
                quantity, line["unit_price_fen"]):
            return bad(f"报价明细第 {i} 行金额与数量、单价不符。",
                       f"Estimate line {i}: the amount is not quantity times unit price.")
    return [dataclasses.replace(i, field=i.field.replace("fee_lines", "lines"))
            for i in fee_line_issues(inputs)]


def _signature_issues(name: str, value: Any) -> list[FieldIssue]:
    keys = {"signer_name", "pad_width", "pad_height", "strokes"}
    if not isinstance(value, dict) or set(value) != keys:
        return [FieldIssue(name, "signature_format", "签名数据格式错误。",
                           "The signature data is malformed.")]
    issues = []
    signer = value["signer_name"]
    if not isinstance(signer, str) or not signer.strip() or len(signer) > MAX_NAME:
        issues.append(FieldIssue(f"{name}.signer_name", "required", "请填写签字人姓名。",
                                 "Please enter the signer's name."))
    width, height, strokes = value["pad_width"], value["pad_height"], value["strokes"]
    if not (isinstance(width, int) and isinstance(height, int) and isinstance(strokes, list)):
        return [*issues, FieldIssue(name, "signature_format", "签名数据格式错误。",
                                    "The signature data is malformed.")]
    return issues + stroke_issues(strokes, width, height, name)


def payload_issues(kind: str, payload: Mapping[str, Any]) -> list[FieldIssue]:
    """What is wrong with `payload` for an event of `kind` (empty list: nothing)."""
    if kind not in EVENT_KINDS:
        return [FieldIssue("kind", "unknown_kind", f"未知的事件类型：{kind}。",
                           f"Unknown event kind: {kind}.")]
    if not _is_canonical(dict(payload)):
        return [FieldIssue("payload", "not_canonical", "事件内容只能包含文字和整数。",
                           "An event payload may hold only strings and integers.")]
    specs = {s.name: s for s in EVENT_KINDS[kind][1]}
    issues = [FieldIssue(k, "unknown_field", f"事件不含字段 {k}。", f"No field {k} in {kind}.")
              for k in payload if k not in specs]
    for spec in specs.values():
        if spec.name not in payload:
            if spec.required:
                zh, en = field_label(spec.name)
                issues.append(FieldIssue(spec.name, "required", f"请填写{zh}。",
                                         f"Please enter the {en}."))
            continue
        issues += _value_issues(spec, payload[spec.name])
    if (kind == EventKind.REPAIR_ESTIMATED and not issues and "lines" in payload
            and sum(line["amount_fen"] for line in payload["lines"]) != payload["cost_fen"]):
        issues.append(FieldIssue("cost_fen", "not_the_total", "报价金额须等于报价明细合计。",
                                 "The estimate must equal the total of its lines."))
    return issues


def _portal_answer(kind: str, payload: Mapping[str, Any], actor_code: str) -> bool:
    """The events the portal records: the customer's own answer to an estimate or to a
    service suggestion (no engineer may push the portal's code: archive.rules)."""
    if actor_code != PORTAL_OPERATOR_CODE:
        return False
    return (kind == EventKind.REPAIR_CONFIRMED and payload.get("method") == (
        ConfirmationMethod.PORTAL)) or kind in (EventKind.SUGGESTION_ACCEPTED,
                                                  EventKind.SUGGESTION_DECLINED)


def make_event(kind: str, subject_id: uuid.UUID, payload: Mapping[str, Any], *,
               actor_code: str, occurred_at: datetime, recorded_at: datetime | None = None,
               request_id: uuid.UUID | None = None, event_id: uuid.UUID | None = None,
               now: datetime | None = None) -> EventRecord:
    """A validated event value (not stored). Empty optional fields are left out."""
    payload = {k: v for k, v in payload.items() if v not in ("", None)}
    issues = payload_issues(kind, payload)
    if not is_valid_operator_code(actor_code) and not _portal_answer(kind, payload,
                                                                     actor_code):
        issues.append(FieldIssue("actor_code", "bad_code", "记录人工号无效。",
                                 "The recording person's code is invalid."))
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be an aware datetime")
    now = now or utcnow()
    if occurred_at > now + FUTURE_SKEW:
        issues.append(FieldIssue("occurred_at", "in_future", "发生时间不能晚于当前时间。",
                                 "The time it happened cannot be in the future."))
    raise_if(issues)
    return EventRecord(
        id=event_id or new_uuid(), kind=kind, subject_type=EVENT_KINDS[kind][0],
        subject_id=subject_id, payload=json.loads(canonical_payload(payload)),
        actor_code=actor_code, occurred_at=occurred_at, recorded_at=recorded_at or now,
        request_id=request_id,
    )


# --- the store ------------------------------------------------------------------------


def event_from_row(row: Event) -> EventRecord:
    return EventRecord(
        id=row.id, kind=row.kind, subject_type=row.subject_type, subject_id=row.subject_id,
        payload=json.loads(row.payload), actor_code=row.actor_code,
        occurred_at=row.occurred_at, recorded_at=row.recorded_at, request_id=row.request_id,
    )


def events_of(session: Session, subject_type: str, subject_id: uuid.UUID) -> list[EventRecord]:
    rows = session.scalars(select(Event).where(Event.subject_type == subject_type,
                                               Event.subject_id == subject_id))
    return ordered(event_from_row(r) for r in rows)


def subject_type_of(subject: Any) -> SubjectType:
    try:
        return SUBJECT_TABLES[subject.__tablename__]
    except (AttributeError, KeyError):
        raise TypeError(f"{subject!r} is not an event subject") from None


def events_for(session: Session, subject: Any) -> list[EventRecord]:
    """The events about a repair order, loaner, request, complaint or question, in order."""
    return events_of(session, subject_type_of(subject), subject.id)


def events_for_request(session: Session, request_id: uuid.UUID) -> list[EventRecord]:
    """Every event that concerns the request (its own and its repairs', loans' …)."""
    rows = session.scalars(select(Event).where(Event.request_id == request_id))
    return ordered(event_from_row(r) for r in rows)


def record_event(
    session: Session,
    *,
    kind: str,
    subject_id: uuid.UUID,
    payload: Mapping[str, Any],
    actor_code: str,
    occurred_at: datetime,
    request_id: uuid.UUID | None = None,
    fold: Callable[[list[EventRecord]], Folded] | None = None,
    now: datetime | None = None,
) -> EventRecord:
    """Validate and append one event in the caller's write transaction.

    With `fold`, the subject's stored events plus the new one are folded first and the new
    event is refused (WorkflowError, the fold's message) if the fold cannot apply it. The
    write transaction begins IMMEDIATE, so two windows on one laptop cannot both pass.
    """
    event = make_event(kind, subject_id, payload, actor_code=actor_code,
                       occurred_at=occurred_at, request_id=request_id, now=now)
    if fold is not None:
        existing = events_of(session, event.subject_type, subject_id)
        state = fold([*existing, event])
        for conflict in state.conflicts:
            if conflict.event_id == event.id:
                raise WorkflowError(conflict.zh, conflict.en)
    store_event(session, event)
    return event


def store_event(session: Session, event: EventRecord) -> None:
    """Insert an already validated event as it is (also what sync uses for received ones).

    An event already present (same id) is not stored twice.
    """
    if session.get(Event, event.id) is not None:
        return
    session.add(Event(
        id=event.id, kind=event.kind, subject_type=event.subject_type,
        subject_id=event.subject_id, request_id=event.request_id,
        payload=canonical_payload(event.payload), actor_code=event.actor_code,
        occurred_at=event.occurred_at, recorded_at=event.recorded_at,
    ))
    session.flush()


__all__ = [
    "EVENT_KINDS",
    "REVIEW_KINDS",
    "ConfirmationMethod",
    "Conflict",
    "EventRecord",
    "PayloadField",
    "Refused",
    "SignatureInput",
    "canonical_payload",
    "event_from_row",
    "events_for",
    "events_for_request",
    "events_of",
    "fold_events",
    "make_event",
    "ordered",
    "payload_issues",
    "record_event",
    "store_event",
]
