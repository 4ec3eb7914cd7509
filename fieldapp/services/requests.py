"""Taking a request (R2.1) and assigning it, as services.

The desk's form fills its pickers with `pickers`, then, once a customer is chosen, with
`customer_items` (that customer's sites, devices and contacts); a scanned serial or asset
tag is found with `scan_device`. It checks what is typed with `form_issues` (the core's
own rule, `fieldapp.rules.requests.request_issues`, so the form and the store never
disagree) and saves with `take_request`, which adds a new device or contact in the same
transaction; staff assign with `assign`. A site, device or contact of another customer is
refused in one line.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldIssue, NotFound, ValidationError
from fieldapp.base.i18n import pick
from fieldapp.base.timeutil import utcnow
from fieldapp.reads.device_history import find_devices
from fieldapp.records import reference, service_requests
from fieldapp.rules.requests import request_issues
from fieldapp.rules.validation import raise_if
from fieldapp.services.devices import (
    DeviceChoice,
    NewDevice,
    add_device,
    device_choice,
    new_device_issues,
    wrong_customer,
)
from fieldapp.store import Store
from fieldapp.store.models import Contact, Customer, Device, Engineer, Site

_Item = TypeVar("_Item", Site, Device, Contact)

__all__ = ["Choice", "ContactChoice", "CustomerItems", "DeviceChoice", "Named", "NewDevice",
           "NewRequest", "Pickers", "RequestSummary", "SiteChoice", "assign", "by_names",
           "customer_items", "form_issues", "pickers", "scan_device", "summary", "take_request"]


@dataclass(frozen=True)
class Choice:
    id: uuid.UUID
    label: str  # what a picker shows: a customer's name, an engineer's "E07 刘洋"
    code: str = ""  # an engineer's code


@dataclass(frozen=True)
class Pickers:
    customers: tuple[Choice, ...]
    engineers: tuple[Choice, ...]  # active engineers only


@dataclass(frozen=True)
class SiteChoice:
    id: uuid.UUID
    name: str
    address: str
    in_city: bool  # R1.2's 2-hour arrival promise holds inside the city only


@dataclass(frozen=True)
class ContactChoice:
    id: uuid.UUID
    name: str
    phone: str


@dataclass(frozen=True)
class CustomerItems:
    """What a request of the customer may name: their sites, devices and contacts."""

    customer_id: uuid.UUID
    sites: tuple[SiteChoice, ...]
    devices: tuple[DeviceChoice, ...]
    contacts: tuple[ContactChoice, ...]


@dataclass(frozen=True)
class NewRequest:
    """A request as the desk typed it; times are aware, None when missing.

    `site_id`, `device_id`, `contact_id`: chosen from the customer's own; `new_device`: a
    device first met now (added with the request; `device_id` stays None); `save_contact`:
    keep the typed name and phone as a new contact of the customer."""

    customer_id: uuid.UUID | None
    fault_reported: str
    contact_name: str
    contact_phone: str
    requested_at: datetime | None
    answered_at: datetime | None = None
    engineer_id: uuid.UUID | None = None  # None: left open for staff to assign
    # how it came in (IntakeChannel) and what it asks (ServiceKind) choose its clocks (R1);
    # a hardware fault is held to R1.4's 4 hours on site too
    intake_channel: str | None = None
    service_kind: str | None = None
    hardware_fault: bool = False
    channel: str | None = None  # the old single channel, alone: maps to both
    site_id: uuid.UUID | None = None
    device_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    new_device: NewDevice | None = None
    save_contact: bool = False


def pickers(store: Store) -> Pickers:
    with store.read() as session:
        return Pickers(
            tuple(Choice(c.id, c.name) for c in reference.list_customers(session)),
            tuple(Choice(e.id, f"{e.code} {e.name}", e.code)
                  for e in reference.list_engineers(session)))


def customer_items(store: Store, customer_id: uuid.UUID) -> CustomerItems:
    """The customer's sites, devices and contacts, for the intake's pickers."""
    with store.read() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound("找不到该客户。", "No such customer.")
        sites = session.scalars(select(Site).where(Site.customer_id == customer_id)
                                .order_by(Site.name, Site.id))
        devices = session.scalars(select(Device).where(Device.customer_id == customer_id)
                                  .order_by(Device.device_type, Device.brand, Device.model,
                                            Device.serial, Device.id).limit(2000))
        contacts = session.scalars(select(Contact).where(Contact.customer_id == customer_id)
                                   .order_by(Contact.name, Contact.id))
        return CustomerItems(
            customer_id,
            tuple(SiteChoice(s.id, s.name, s.address, s.in_city) for s in sites),
            tuple(device_choice(d) for d in devices),
            tuple(ContactChoice(c.id, c.name, c.phone) for c in contacts))


def scan_device(store: Store, customer_id: uuid.UUID | None, code: str) -> DeviceChoice:
    """The customer's device whose serial or asset tag was scanned or typed. Refused in
    one line: an unknown code (NotFound), another customer's device (ValidationError)."""
    shown = code.strip()[:60]
    with store.read() as session:
        found = find_devices(session, code)
        own = [d for d in found if customer_id is None or d.customer_id == customer_id]
        if own:
            return device_choice(own[0])
        if found:
            raise wrong_customer(found[0])
    raise NotFound(f"找不到序列号或资产编号为 {shown} 的设备。",
                   f"No device with serial number or asset tag {shown}.")


@dataclass(frozen=True)
class Named:
    """The ids of what a command named: the customer by code or name, the site and contact
    by name (the customer's first), the device by serial or asset tag."""

    customer_id: uuid.UUID
    site_id: uuid.UUID | None = None
    device_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None


def by_names(store: Store, customer: str, *, site: str = "", device: str = "",
             contact: str = "") -> Named:
    """Look up what a command names. A name or code only another customer has is passed
    on as that item (`take_request` then refuses it, naming whose it is); one nobody has
    is refused here in one line."""
    with store.read() as session:
        found = session.scalars(select(Customer).where(
            (Customer.code == customer.strip()) | (Customer.name == customer.strip()))).first()
        if found is None:
            raise NotFound(f"找不到客户 {customer.strip()}（客户编码或名称）。",
                           f"No customer {customer.strip()} (customer code or name).")

        def one(model: type[Site] | type[Contact], name: str, what: tuple[str, str]
                 ) -> uuid.UUID | None:
            if not name.strip():
                return None
            rows: list[Site | Contact] = list(session.scalars(
                select(model).where(model.name == name.strip())))
            own = [r for r in rows if r.customer_id == found.id]
            if own or rows:
                return (own or rows)[0].id
            raise NotFound(f"客户 {found.name} 没有{what[0]}“{name.strip()}”。",
                           f"{found.name} has no {what[1]} “{name.strip()}”.")

        device_id = None
        if device.strip():
            devices = find_devices(session, device)
            own = [d for d in devices if d.customer_id == found.id]
            if not (own or devices):
                shown = device.strip()[:60]
                raise NotFound(f"找不到序列号或资产编号为 {shown} 的设备。",
                               f"No device with serial number or asset tag {shown}.")
            device_id = (own or devices)[0].id
        return Named(found.id, one(Site, site, ("地点", "site")), device_id,
                     one(Contact, contact, ("联系人", "contact")))


def _item_issues(new: NewRequest) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    if new.new_device is not None:
        issues += new_device_issues(None, new.customer_id, new.new_device)
    if new.save_contact and new.contact_id is None and not new.contact_name.strip():
        issues.append(FieldIssue("contact_name", "required", "新联系人须填写姓名。",
                                 "A new contact needs a name."))
    return issues


def form_issues(new: NewRequest, *, now: datetime | None = None,
                owners: Mapping[str, uuid.UUID | None] | None = None) -> list[FieldIssue]:
    """Everything wrong with the request as typed, all at once, each naming its field;
    `owners`: the customer of each chosen item (the store's `take_request` knows them)."""
    return request_issues(
        customer_id=new.customer_id, channel=new.channel, intake_channel=new.intake_channel,
        service_kind=new.service_kind, fault_reported=new.fault_reported,
        contact_name=new.contact_name, contact_phone=new.contact_phone,
        requested_at=new.requested_at, answered_at=new.answered_at, now=now or utcnow(),
        owners=owners) + _item_issues(new)


def _wrong_customer_issue(item: Site | Device | Contact) -> FieldIssue:
    """Names the device or site and whose it is; a contact (a person) is not named."""
    if isinstance(item, Device):
        return wrong_customer(item).issues[0]
    owner = item.customer.name
    if isinstance(item, Site):
        return FieldIssue("site_id", "wrong_customer",
                          f"地点“{item.name}”属于另一客户（{owner}），不能用于该客户的请求。",
                          f"Site “{item.name}” belongs to another customer ({owner}); it "
                          f"cannot be used for this customer's request.")
    return FieldIssue("contact_id", "wrong_customer",
                      f"所选联系人属于另一客户（{owner}），不能用于该客户的请求。",
                      f"The chosen contact belongs to another customer ({owner}); they "
                      f"cannot be named on this customer's request.")


def _chosen(session: Session, model: type[_Item], item_id: uuid.UUID | None) -> _Item | None:
    if item_id is None:
        return None
    item = session.get(model, item_id)
    if item is None:
        raise NotFound("找不到所选的地点、设备或联系人。",
                       "The chosen site, device or contact does not exist.")
    return item


def _engineer(session: Session, engineer_id: uuid.UUID) -> Engineer:
    engineer = session.get(Engineer, engineer_id)
    if engineer is None:
        raise NotFound("找不到该工程师。", "No such engineer.")
    return engineer


def take_request(store: Store, new: NewRequest, operator_code: str, *,
                 now: datetime | None = None) -> uuid.UUID:
    """Record the request (refused with every issue at once, nothing written); its id."""
    if new.customer_id is None or new.requested_at is None:
        raise_if(form_issues(new, now=now))  # says "required" for them, and all else
    assert new.customer_id is not None and new.requested_at is not None
    with store.write() as session:
        customer = session.get(Customer, new.customer_id)
        if customer is None:
            raise NotFound("找不到该客户。", "No such customer.")
        site = _chosen(session, Site, new.site_id)
        device = _chosen(session, Device, new.device_id)
        contact = _chosen(session, Contact, new.contact_id)
        owners = {field: item.customer_id for field, item in (
            ("site_id", site), ("device_id", device), ("contact_id", contact))
            if item is not None}
        requested_at = new.requested_at
        if contact is not None:  # the chosen contact's name and phone, unless typed
            new = replace(new, contact_name=new.contact_name or contact.name,
                          contact_phone=new.contact_phone or contact.phone)
        # another customer's item: named, with whose it is, instead of the rule's words
        named = [_wrong_customer_issue(item) for item in (site, device, contact)
                 if item is not None and item.customer_id != customer.id]
        issues = [i for i in form_issues(new, now=now, owners=owners)
                  if i.code != "wrong_customer"] + named
        if new.new_device is not None:  # a serial already on a device: the store knows
            issues = [i for i in issues if not i.field.startswith("new_device.")]
            issues += new_device_issues(session, customer.id, new.new_device)
        if issues:
            raise ValidationError(issues)
        if new.new_device is not None:
            device = add_device(session, customer, new.new_device, site)
        if contact is None and new.save_contact and new.contact_name.strip():
            contact = reference.add_contact(session, customer, name=new.contact_name.strip(),
                                            phone=new.contact_phone.strip())
        engineer = _engineer(session, new.engineer_id) if new.engineer_id else None
        request = service_requests.take_request(
            session, operator_code=operator_code, customer=customer,
            channel=new.channel, intake_channel=new.intake_channel,
            service_kind=new.service_kind, hardware_fault=new.hardware_fault,
            fault_reported=new.fault_reported,
            requested_at=requested_at, answered_at=new.answered_at,
            contact_name=new.contact_name, contact_phone=new.contact_phone,
            contact=contact, site=site, device=device, engineer=engineer, now=now)
        session.flush()
        return request.id


@dataclass(frozen=True)
class RequestSummary:
    number: str
    customer_name: str
    site: str  # 信息中心机房（市内）
    device: str  # 打印机 惠普 LaserJet M404dn · CNB1234567


def summary(store: Store, request_id: uuid.UUID) -> RequestSummary:
    """What a taken request names, to confirm it."""
    with store.read() as session:
        request = service_requests.get_request(session, request_id)
        site = ""
        if request.site is not None:
            where = pick("市内", "in the city") if request.site.in_city else pick(
                "市外", "out of the city")
            site = f"{request.site.name}（{where}）"
        device = device_choice(request.device).text if request.device is not None else ""
        return RequestSummary(request.number, request.customer.name, site, device)


def assign(store: Store, request_id: uuid.UUID | str, engineer_id: uuid.UUID) -> None:
    """Assign an open request to an engineer (refused once it is finished)."""
    with store.write() as session:
        request = service_requests.get_request(session, request_id)
        service_requests.assign_request(session, request, _engineer(session, engineer_id))
