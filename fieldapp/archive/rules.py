"""Who may push what, and the core's rules (fieldapp.rules) applied to records on the wire.

The laptop validated these records with the same functions; the archive checks again
because a laptop can be old, buggy or hostile. Nothing here is a rule of its own: a
record's values are handed to its kind's `*_issues()` function.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.models import DeviceToken, Role, User
from fieldapp.base.errors import FieldIssue
from fieldapp.base.money import line_amount_fen
from fieldapp.rules.reference import (
    contact_issues,
    contract_issues,
    customer_issues,
    device_issues,
    engineer_issues,
    site_issues,
)
from fieldapp.rules.requests import request_issues
from fieldapp.rules.slips import signature_issues, slip_issues
from fieldapp.rules.validation import FeeLineInput, fee_line_issues
from fieldapp.store.models import Contact, Device, Engineer, ServiceRequest, Site
from fieldapp.store.tables import REFERENCE_TABLES
from fieldapp.sync.wire import RecordValues, record_values
from fieldapp.workflows.complaints import complaint_issues, route_complaint
from fieldapp.workflows.group_archive import archive_entry_issues

Reason = tuple[str, str, str]  # (code, zh, en)


@dataclass
class Actor:
    user: User
    device: DeviceToken
    engineer_id: uuid.UUID | None  # the Engineer row of an engineer account

    @property
    def sees_everything(self) -> bool:
        return self.user.role in (Role.STAFF, Role.ADMIN)


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


def may_push(actor: Actor, table: str, row: dict[str, Any], existing: dict[str, Any] | None
             ) -> Reason | None:
    """None if this user may write this record; else why not."""
    if actor.sees_everything:
        return None
    if actor.user.role != Role.ENGINEER:
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


# A request's (and a device's) items, and where their customer is: `owners` maps an
# item's id to its customer's.
ITEM_MODELS: dict[str, type[Contact | Site | Device]] = {
    "contact_id": Contact, "site_id": Site, "device_id": Device}


def check_record(session: Session, table: str, record: dict[str, Any], now: datetime,
                 requests: Mapping[uuid.UUID, Any] | None = None,
                 converted: RecordValues | None = None,
                 owners: Mapping[uuid.UUID, uuid.UUID] | None = None) -> Reason | None:
    """None if the core's rules accept this record, else why not (one line per language)."""
    if table not in _REFERENCE_RULES and table not in _WORK_TABLES:
        return None  # events: fieldapp.workflows.event_check; repair orders: their seal
    return _issues_reason(record_issues(session, table, converted or record_values(record),
                                        now, requests, owners))


def record_issues(session: Session, table: str, converted: RecordValues, now: datetime,
                  requests: Mapping[uuid.UUID, Any] | None = None,
                  owners: Mapping[uuid.UUID, uuid.UUID] | None = None) -> list[FieldIssue]:
    """The core's `*_issues()` function of the record's kind (fieldapp.rules), given the
    record's values; what no laptop checks because it made the value itself (a stored fee
    line's amount, a signature's JSON) is checked here too.

    `requests`, when given, holds every request a slip may belong to (with `requested_at`
    and `channel`), and `owners` the customer of every contact, site and device the
    records refer to, so a batch is checked without a query per record."""
    v = converted.values
    if table in _REFERENCE_RULES:
        return reference_issues(table, v, _owners(session, v, owners))
    if table == "service_requests":
        return request_issues(
            customer_id=v.get("customer_id"), channel=v.get("channel"),
            fault_reported=v.get("fault_reported") or "", contact_name=v.get("contact_name") or "",
            contact_phone=v.get("contact_phone") or "", requested_at=v.get("requested_at"),
            answered_at=v.get("answered_at"), now=now, owners=_owners(session, v, owners),
            status=v.get("status") or "")
    if table == "slips":
        return _slip_issues(session, converted, now, requests)
    if table == "complaints":
        issues = complaint_issues(
            **_texts(v, "about", "received_via", "description", "subject_name"),
            received_at=v["received_at"], response_hours=int(v.get("response_hours") or 0),
            names_engineer=v.get("engineer_id") is not None, now=now)
        if not issues and v.get("routed_to") != route_complaint(v["about"]).target:
            issues.append(FieldIssue("routed_to", "wrong_route", "投诉流向与投诉对象不符。",
                                     "The complaint is routed to the wrong place."))
        return issues
    if table == "archive_entries":
        return archive_entry_issues(
            **_texts(v, "kind", "text"), noted_at=v["noted_at"], now=now,
            customer_id=v.get("customer_id"),
            device_customer_id=_owners(session, v, owners).get("device_id"))
    return []


_WORK_TABLES = ("service_requests", "slips", "complaints", "archive_entries")
ITEM_TABLES = ("contacts", "sites", "devices")


def load_owners(session: Session, rows: list[Any]) -> dict[uuid.UUID, uuid.UUID]:
    """The customer of every contact, site and device these raw rows name, in a query per
    kind of item and 500 ids: what `check_record` needs for a batch."""
    wanted: dict[str, set[uuid.UUID]] = {field: set() for field in ITEM_MODELS}
    for row in rows:
        if isinstance(row, dict):
            for field, ids in wanted.items():
                item = _uuid(row.get(field))
                if item is not None:
                    ids.add(item)
    owners: dict[uuid.UUID, uuid.UUID] = {}
    for field, ids in wanted.items():
        model, items = ITEM_MODELS[field], sorted(ids)
        for start in range(0, len(items), 500):
            owners.update(session.execute(select(model.id, model.customer_id).where(
                model.id.in_(items[start:start + 500]))).all())
    return owners


def _owners(session: Session, v: Mapping[str, Any],
            known: Mapping[uuid.UUID, uuid.UUID] | None) -> dict[str, uuid.UUID | None]:
    """The customer of each item the record names (None: not in the archive)."""
    found: dict[str, uuid.UUID | None] = {}
    for field, model in ITEM_MODELS.items():
        item = v.get(field)
        if item is None:
            continue
        if known is not None:
            found[field] = known.get(item)
        else:
            found[field] = session.scalar(select(model.customer_id).where(model.id == item))
    return found


def _texts(v: Mapping[str, Any], *fields: str) -> dict[str, str]:
    return {f: v.get(f) or "" for f in fields}


_REFERENCE_RULES: dict[str, Callable[[Mapping[str, Any], dict[str, uuid.UUID | None]],
                                     list[FieldIssue]]] = {
    "customers": lambda v, _: customer_issues(
        **_texts(v, "code", "name", "account_manager", "phone", "address"),
        document_language=v.get("document_language") or "zh"),
    "contacts": lambda v, _: contact_issues(**_texts(v, "name", "phone", "email", "title")),
    "sites": lambda v, _: site_issues(**_texts(v, "name", "address")),
    "devices": lambda v, owners: device_issues(
        **_texts(v, "device_type", "device_class", "brand", "model", "serial", "asset_tag"),
        customer_id=v.get("customer_id"), site_customer_id=owners.get("site_id")),
    "engineers": lambda v, _: engineer_issues(**_texts(v, "code", "name", "phone", "skills")),
    "contracts": lambda v, _: contract_issues(
        number=v.get("number") or "", starts_on=v["starts_on"], ends_on=v["ends_on"],
        sla_terms=v.get("sla_terms") or "{}",
        service_calendar=v.get("service_calendar") or "{}"),
}


def reference_issues(table: str, values: Mapping[str, Any],
                     owners: Mapping[str, uuid.UUID | None] | None = None) -> list[FieldIssue]:
    """The rule of a reference record (`customers` … `contracts`) given its column values,
    as pushed or as imported (fieldapp.archive.importer); `owners`: the customer of the
    site a device names."""
    return _REFERENCE_RULES[table](values, dict(owners or {}))


def _slip_issues(session: Session, converted: RecordValues, now: datetime,
                 requests: Mapping[uuid.UUID, Any] | None) -> list[FieldIssue]:
    v = converted.values
    if requests is not None:
        request_id = v.get("request_id")
        request = requests.get(request_id) if isinstance(request_id, uuid.UUID) else None
    else:
        request = session.execute(
            select(ServiceRequest.requested_at, ServiceRequest.channel)
            .where(ServiceRequest.id == v.get("request_id"))).first()
    if request is None:
        return [FieldIssue("request_id", "missing", "档案中没有该服务单所属的请求。",
                           "The archive does not have this slip's request.")]
    signatures = converted.children["signatures"]
    issues = slip_issues(
        channel=request.channel, requested_at=request.requested_at,
        arrived_at=v.get("arrived_at"), started_at=v.get("started_at"),
        solved_at=v.get("solved_at"), departed_at=v.get("departed_at"),
        fault_found=v.get("fault_found") or "", handling=v.get("handling") or "",
        result=v.get("result") or "", now=now,
        amendment_reason=v.get("amendment_reason"), amends=v.get("amends_slip_id") is not None,
        signer_roles=[str(s.get("role", "")) for s in signatures],
        sealed=v.get("seal") is not None, status=v.get("status") or "")
    issues += _fee_line_issues(converted.children["fee_lines"])
    for i, sig in enumerate(signatures):
        strokes = converted.strokes(i)
        if not isinstance(strokes, list) or not all(isinstance(s, list) for s in strokes):
            role = sig.get("role", "")
            issues.append(FieldIssue(f"signature.{role}", "signature_format", "签名数据格式错误。",
                                     "The signature data is malformed."))
            continue
        issues += signature_issues(
            role=sig.get("role", ""), signer_name=sig.get("signer_name") or "",
            strokes=strokes, pad_width=int(sig["pad_width"]), pad_height=int(sig["pad_height"]),
            signed_at=sig["signed_at"], now=now)
    return issues


def _fee_line_issues(lines: list[dict[str, Any]]) -> list[FieldIssue]:
    """The fee lines' rule, and each stored amount being its quantity x price."""
    issues: list[FieldIssue] = []
    inputs = []
    for i, line in enumerate(lines, start=1):
        quantity = Decimal(int(line["quantity_milli"])) / 1000
        price = Decimal(int(line["unit_price_fen"])) / 100
        if int(line["amount_fen"]) != line_amount_fen(quantity, int(line["unit_price_fen"])):
            issues.append(FieldIssue(f"fee_lines[{i}].amount", "wrong_amount",
                                     f"第 {i} 行金额与数量、单价不符。",
                                     f"Fee line {i}: the amount does not match quantity x price."))
        inputs.append(FeeLineInput(line["kind"], line.get("description") or "", quantity, price))
    return issues + fee_line_issues(inputs)
