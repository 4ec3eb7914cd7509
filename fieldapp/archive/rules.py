"""Who may push what, and the core's validation rules applied to records on the wire.

The laptop validated these records with the same functions (fieldapp.validation); the
archive checks again because a laptop can be old, buggy or hostile.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.models import DeviceToken, User
from fieldapp.complaints import ABOUTS, VIA, route_complaint
from fieldapp.errors import FieldIssue
from fieldapp.group_archive import KINDS as ARCHIVE_KINDS
from fieldapp.money import line_amount_fen
from fieldapp.service_requests import STATUS_LABELS as REQUEST_STATUSES
from fieldapp.signatures import stroke_issues
from fieldapp.slips import STATUS_LABELS as SLIP_STATUSES
from fieldapp.store.models import Engineer, ServiceRequest
from fieldapp.sync.wire import REFERENCE_TABLES, RecordValues, record_values
from fieldapp.validation import (
    CHANNELS,
    RESULTS,
    SIGNER_ROLES,
    FeeLineInput,
    choice_issue,
    fee_line_issues,
    slip_ready_to_sign_issues,
    text_issues,
    timeline_issues,
)

Reason = tuple[str, str, str]  # (code, zh, en)


@dataclass
class Actor:
    user: User
    device: DeviceToken
    engineer_id: uuid.UUID | None  # the Engineer row of an engineer account

    @property
    def sees_everything(self) -> bool:
        return self.user.role in ("staff", "admin")


def actor_for(session: Session, user: User, device: DeviceToken) -> Actor:
    engineer_id = None
    if user.engineer_code:
        engineer_id = session.scalar(select(Engineer.id).where(Engineer.code == user.engineer_code))
    return Actor(user, device, engineer_id)


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value is not None else None
    except ValueError:
        return None


def may_push(actor: Actor, table: str, row: dict[str, Any], existing: dict | None) -> Reason | None:
    """None if this user may write this record; else why not."""
    if actor.sees_everything:
        return None
    if actor.user.role != "engineer":
        return ("forbidden", "此账号不能上传记录。", "This account may not push records.")
    if table in REFERENCE_TABLES:
        return ("forbidden", "基础资料只能由服务中心维护。",
                "Reference data is maintained by the service centre only.")
    me = actor.engineer_id
    if me is None:
        return ("unknown_engineer", f"档案中没有工号 {actor.user.engineer_code}。",
                f"The archive has no engineer {actor.user.engineer_code}.")
    code = actor.user.engineer_code

    def owns(r: dict[str, Any]) -> bool:
        if table == "service_requests":
            return _uuid(r.get("assigned_engineer_id")) == me or r.get("taken_by") == code
        if table == "events":  # whoever recorded it (a reassignment by engineer A too)
            return r.get("actor_code") == code
        if table in ("complaints", "open_questions"):
            return r.get("recorded_by") == code
        if table == "archive_entries":
            return r.get("author_code") == code
        return _uuid(r.get("engineer_id")) == me

    if not owns(row) or (existing is not None and not owns(existing["row"])):
        return ("not_yours", "只能上传本人的记录。", "You may only push your own records.")
    return None


def _issues_reason(issues: list[FieldIssue]) -> Reason | None:
    if not issues:
        return None
    return ("invalid", "；".join(i.zh for i in issues), "; ".join(i.en for i in issues))


_CHECKED_TABLES = ("service_requests", "slips", "complaints", "archive_entries")


def check_record(session: Session, table: str, record: dict[str, Any], now: datetime,
                 requests: Mapping[uuid.UUID, Any] | None = None,
                 converted: RecordValues | None = None) -> Reason | None:
    """The core's rules for a request or slip (reference data: the database's constraints).

    `requests`, when given, holds every request a slip may belong to (with `requested_at`
    and `channel`), so a batch is checked without a query per slip; `converted`, the
    record's values when the caller has converted them already (`wire.record_values`)."""
    if table not in _CHECKED_TABLES:
        return None
    converted = converted or record_values(record)
    if table == "service_requests":
        return _issues_reason(_request_issues(converted.values, now))
    if table == "slips":
        return _issues_reason(_slip_issues(session, converted, now, requests))
    if table == "complaints":
        v = converted.values
        issues = choice_issue("about", v.get("about", ""), ABOUTS)
        issues += choice_issue("received_via", v.get("received_via", ""), VIA)
        if not issues and v.get("routed_to") != route_complaint(v["about"]).target:
            issues.append(FieldIssue("routed_to", "wrong_route", "投诉流向与投诉对象不符。",
                                     "The complaint is routed to the wrong place."))
        return _issues_reason(issues)
    if table == "archive_entries":
        v = converted.values
        return _issues_reason(choice_issue("kind", v.get("kind", ""), ARCHIVE_KINDS))
    return None


def _request_issues(v: dict[str, Any], now: datetime) -> list[FieldIssue]:
    issues = choice_issue("channel", v.get("channel", ""), CHANNELS)
    issues += choice_issue("status", v.get("status", ""), tuple(REQUEST_STATUSES))
    issues += text_issues({k: v.get(k) or "" for k in ("fault_reported", "contact_name",
                                                         "contact_phone")},
                          required_fields=("fault_reported",))
    if v.get("requested_at") is None:
        issues.append(FieldIssue("requested_at", "required", "请填写请求时间。",
                                 "Enter the request time."))
        return issues
    issues += timeline_issues({"requested_at": v["requested_at"]}, now)
    if v.get("answered_at") is not None and v["answered_at"] < v["requested_at"]:
        issues.append(FieldIssue("answered_at", "out_of_order", "响应时间不能早于请求时间。",
                                 "The answer time cannot be before the request time."))
    return issues


def _slip_issues(session: Session, converted: RecordValues, now: datetime,
                 requests: Mapping[uuid.UUID, Any] | None) -> list[FieldIssue]:
    v = converted.values
    if requests is not None:
        request = requests.get(v.get("request_id"))
    else:
        request = session.execute(
            select(ServiceRequest.requested_at, ServiceRequest.channel)
            .where(ServiceRequest.id == v.get("request_id"))).first()
    if request is None:
        return [FieldIssue("request_id", "missing", "档案中没有该服务单所属的请求。",
                           "The archive does not have this slip's request.")]
    issues = text_issues({k: v.get(k) or "" for k in ("fault_found", "handling",
                                                       "amendment_reason")})
    issues += choice_issue("status", v.get("status", ""), tuple(SLIP_STATUSES))
    if v.get("result"):
        issues += choice_issue("result", v["result"], RESULTS)
    times = {"requested_at": request.requested_at,
             **{f: v.get(f) for f in ("arrived_at", "started_at", "solved_at", "departed_at")}}
    issues += timeline_issues(times, now)
    lines = converted.children["fee_lines"]
    inputs = []
    for i, line in enumerate(lines, start=1):
        quantity = Decimal(int(line["quantity_milli"])) / 1000
        price = Decimal(int(line["unit_price_fen"])) / 100
        if int(line["amount_fen"]) != line_amount_fen(quantity, int(line["unit_price_fen"])):
            issues.append(FieldIssue(f"fee_lines[{i}].amount", "wrong_amount",
                                     f"第 {i} 行金额与数量、单价不符。",
                                     f"Fee line {i}: the amount does not match quantity x price."))
        inputs.append(FeeLineInput(line["kind"], line.get("description") or "", quantity, price))
    issues += fee_line_issues(inputs)
    signatures = converted.children["signatures"]
    for i, sig in enumerate(signatures):
        role = sig.get("role", "")
        issues += choice_issue("role", role, SIGNER_ROLES)
        strokes = converted.strokes(i)
        if not isinstance(strokes, list) or not all(isinstance(s, list) for s in strokes):
            issues.append(FieldIssue(f"signature.{role}", "signature_format", "签名数据格式错误。",
                                     "The signature data is malformed."))
        else:
            issues += stroke_issues(strokes, int(sig["pad_width"]), int(sig["pad_height"]),
                                    f"signature.{role}")
    if signatures:
        issues += slip_ready_to_sign_issues(
            channel=request.channel, arrived_at=v.get("arrived_at"),
            started_at=v.get("started_at"), solved_at=v.get("solved_at"),
            departed_at=v.get("departed_at"), fault_found=v.get("fault_found") or "",
            handling=v.get("handling") or "", result=v.get("result") or "")
    if v.get("seal") is not None and sorted(s.get("role") for s in signatures) != sorted(
            SIGNER_ROLES):
        issues.append(FieldIssue("seal", "unsigned_seal", "封存的服务单须有双方签名。",
                                 "A sealed slip needs both signatures."))
    return issues
