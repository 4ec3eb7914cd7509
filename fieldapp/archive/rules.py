"""Who may push what, and the core's rules (fieldapp.rules) applied to records on the wire.

The laptop validated these records with the same functions; the archive checks again
because a laptop can be old, buggy or hostile. Nothing here is a rule of its own: a
record's values are handed to its kind's `*_issues()` function.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.models import DeviceToken, Role, User
from fieldapp.base.errors import FieldIssue
from fieldapp.records.events import REVIEW_KINDS
from fieldapp.rules.stored import (
    REFERENCE_KINDS,
    question_record_issues,
    reference_issues,
    repair_order_record_issues,
    request_record_issues,
    slip_record_issues,
    texts,
)
from fieldapp.store.models import Contact, Device, Engineer, ServiceRequest, Site
from fieldapp.store.tables import REFERENCE_TABLES
from fieldapp.sync.wire import RecordValues, record_values
from fieldapp.workflows.complaints import complaint_issues, route_complaint
from fieldapp.workflows.dossier import problem_set_issues, suggestion_issues
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


def uuid_or_none(value: Any) -> uuid.UUID | None:
    """A pushed row's id as a UUID; None when missing or not one (the row is refused)."""
    try:
        return uuid.UUID(str(value)) if value is not None else None
    except ValueError:
        return None


# What an engineer meets at a customer's and may register there (R2.1): a new device or a
# new contact of an existing customer. Changing one already in the archive stays the
# service centre's work, like every other piece of reference data.
FOUND_ON_SITE = ("devices", "contacts")
OWNED_ITEMS = ("devices", "contacts", "sites")


def may_push(actor: Actor, table: str, row: dict[str, Any], existing: dict[str, Any] | None
             ) -> Reason | None:
    """None if this user may write this record; else why not."""
    if (table in OWNED_ITEMS and existing is not None
            and str(existing["row"].get("customer_id")) != str(row.get("customer_id"))):
        return ("other_customer", "设备、联系人和地点不能转到其他客户名下。",
                "A device, contact or site cannot move to another customer.")
    if actor.sees_everything:
        return None
    if table == "events" and row.get("kind") in REVIEW_KINDS:
        return ("forbidden", "只有服务中心可以审核客户档案。",
                "Only the service centre reviews the dossier.")
    if actor.user.role != Role.ENGINEER:
        return ("forbidden", "此账号不能上传记录。", "This account may not push records.")
    if table in FOUND_ON_SITE and existing is None:
        return None  # a device or contact met on site: its customer is checked with its rule
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
            return uuid_or_none(r.get("assigned_engineer_id")) == me or r.get("taken_by") == code
        if table == "events":  # whoever recorded it (a reassignment by engineer A too)
            return r.get("actor_code") == code
        if table in ("complaints", "open_questions"):
            return r.get("recorded_by") == code
        if table in _AUTHOR_COLUMNS:
            return r.get(_AUTHOR_COLUMNS[table]) == code
        return uuid_or_none(r.get("engineer_id")) == me

    if not owns(row) or (existing is not None and not owns(existing["row"])):
        return ("not_yours", "只能上传本人的记录。", "You may only push your own records.")
    return None


_AUTHOR_COLUMNS = {"archive_entries": "author_code", "problem_sets": "raised_by",
                   "service_suggestions": "proposed_by",
                   "attachments": "added_by"}  # pictures: whoever attached them (issue 21)


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
    if table not in REFERENCE_KINDS and table not in _WORK_TABLES:
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
    if table in REFERENCE_KINDS:
        return reference_issues(table, v, _owners(session, v, owners))
    if table == "service_requests":
        return request_record_issues(v, now, _owners(session, v, owners))
    if table == "slips":
        return _slip_issues(session, converted, now, requests)
    if table == "complaints":
        issues = complaint_issues(
            **texts(v, "about", "received_via", "description", "subject_name"),
            received_at=v["received_at"], response_hours=int(v.get("response_hours") or 0),
            names_engineer=v.get("engineer_id") is not None, now=now)
        if not issues and v.get("routed_to") != route_complaint(v["about"]).target:
            issues.append(FieldIssue("routed_to", "wrong_route", "投诉流向与投诉对象不符。",
                                     "The complaint is routed to the wrong place."))
        return issues
    if table == "archive_entries":
        return archive_entry_issues(
            **texts(v, "kind", "text"), noted_at=v["noted_at"], now=now,
            customer_id=v.get("customer_id"),
            device_customer_id=_owners(session, v, owners).get("device_id"))
    if table in ("problem_sets", "service_suggestions"):
        return _dossier_issues(session, table, v, now, owners)
    if table == "open_questions":
        return question_record_issues(v, now)
    if table == "repair_orders":
        request = _request_facts(session, v.get("request_id"), requests)
        if request is None:
            return [_NO_REQUEST]
        return repair_order_record_issues(v, requested_at=request.requested_at, now=now)
    return []


_WORK_TABLES = ("service_requests", "slips", "complaints", "archive_entries",
                "open_questions", "repair_orders", "problem_sets", "service_suggestions")
_NO_REQUEST = FieldIssue("request_id", "missing", "档案中没有该记录所属的请求。",
                         "The archive does not have this record's request.")


def _dossier_issues(session: Session, table: str, v: Mapping[str, Any], now: datetime,
                    owners: Mapping[uuid.UUID, uuid.UUID] | None) -> list[FieldIssue]:
    """A problem set's or suggestion's rule, given whose its device and request are."""
    request_customer = session.scalar(select(ServiceRequest.customer_id).where(
        ServiceRequest.id == v["request_id"])) if v.get("request_id") else None
    customer, device = v.get("customer_id"), _owners(session, v, owners).get("device_id")
    if table == "problem_sets":
        return problem_set_issues(
            **texts(v, "title", "description"), raised_at=v["raised_at"], now=now,
            customer_id=customer, device_customer_id=device,
            request_customer_id=request_customer)
    return suggestion_issues(**texts(v, "suggestion"), proposed_at=v["proposed_at"], now=now,
                             customer_id=customer, device_customer_id=device,
                             request_customer_id=request_customer)


def _request_facts(session: Session, request_id: Any,
                   requests: Mapping[uuid.UUID, Any] | None) -> Any:
    """The request's `requested_at` and `channel`: from the batch's, else the archive's."""
    if requests is not None and isinstance(request_id, uuid.UUID) and request_id in requests:
        return requests[request_id]
    return session.execute(select(ServiceRequest.requested_at, ServiceRequest.channel)
                           .where(ServiceRequest.id == request_id)).first()
ITEM_TABLES = ("contacts", "sites", "devices")


def load_owners(session: Session, rows: list[Any]) -> dict[uuid.UUID, uuid.UUID]:
    """The customer of every contact, site and device these raw rows name, in a query per
    kind of item and 500 ids: what `check_record` needs for a batch."""
    wanted: dict[str, set[uuid.UUID]] = {field: set() for field in ITEM_MODELS}
    for row in rows:
        if isinstance(row, dict):
            for field, ids in wanted.items():
                item = uuid_or_none(row.get(field))
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
    return slip_record_issues(v, channel=request.channel, requested_at=request.requested_at,
                              signatures=converted.children["signatures"],
                              fee_lines=converted.children["fee_lines"], now=now,
                              strokes=converted.strokes)
