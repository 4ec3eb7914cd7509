"""Devices as services: a device's story, finding one by what is printed on it, a new one
at intake, and attaching one to an open slip's request (R2.1).

A device belongs to one customer, for good: a request, and so a slip, only ever names a
device of the request's customer. Every refusal is one line in zh/en.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fieldapp.base.device_classes import (
    DEVICE_CLASS_LABELS,
    DEVICE_CLASSES,
    device_class_from_text,
)
from fieldapp.base.errors import FieldIssue, NotFound, ValidationError, WorkflowError
from fieldapp.reads.device_history import (
    DeviceHistory,
    device_history,
    device_label,
    find_devices,
    one_device,
)
from fieldapp.records import reference
from fieldapp.records.slips import get_slip
from fieldapp.rules.reference import device_issues
from fieldapp.store import Store
from fieldapp.store.models import Customer, Device, ServiceRequest, Site, Slip

__all__ = ["DeviceChoice", "FoundDevice", "NewDevice", "add_device", "attach_to_slip",
           "device_choice", "find_for_slip", "history", "new_device_issues", "show",
           "wrong_customer"]


@dataclass(frozen=True)
class DeviceChoice:
    """A device as a picker shows it."""

    id: uuid.UUID
    label: str  # 打印机 惠普 LaserJet M404dn
    serial: str
    asset_tag: str
    device_class: str
    site_id: uuid.UUID | None

    @property
    def text(self) -> str:
        """The label with what is printed on it: 打印机 惠普 M404dn · CNB1234567 · ZC-001"""
        return " · ".join(p for p in (self.label, self.serial, self.asset_tag) if p)


@dataclass(frozen=True)
class FoundDevice:
    """A device found by its serial or asset tag from a slip: attachable only when it is
    the request's customer's."""

    choice: DeviceChoice
    customer_name: str
    attachable: bool
    attached: bool  # already the request's device


@dataclass(frozen=True)
class NewDevice:
    """A device first met at intake. `device_class`: a code or a word (打印机); the type
    defaults to the class in words."""

    device_class: str
    brand: str = ""
    model: str = ""
    serial: str = ""
    asset_tag: str = ""
    device_type: str = ""


def device_choice(device: Device) -> DeviceChoice:
    return DeviceChoice(device.id, device_label(device), device.serial, device.asset_tag,
                        device.device_class, device.site_id)


def wrong_customer(device: Device) -> ValidationError:
    """The one-line refusal of another customer's device."""
    shown = device.serial or device.asset_tag or device_label(device)
    return ValidationError([FieldIssue(
        "device_id", "wrong_customer",
        f"设备 {shown} 属于另一客户（{device.customer.name}），不能用于该客户的请求。",
        f"Device {shown} belongs to another customer ({device.customer.name}); it cannot be "
        f"used for this customer's request.")])


# -- the story ------------------------------------------------------------------------------

def show(store: Store, code: str, customer_id: uuid.UUID | None = None) -> DeviceHistory:
    """The story of the device whose serial or asset tag is `code` (a customer's only,
    when given); NotFound in one line for an unknown or ambiguous code."""
    with store.read() as session:
        return device_history(session, one_device(session, code, customer_id).id)


def history(store: Store, device_id: uuid.UUID) -> DeviceHistory:
    with store.read() as session:
        return device_history(session, device_id)


# -- a new device ---------------------------------------------------------------------------

def _class_of(new: NewDevice) -> str:
    return device_class_from_text(new.device_class) if new.device_class.strip() else ""


def new_device_issues(session: Session | None, customer_id: uuid.UUID | None,
                      new: NewDevice, *, prefix: str = "new_device.") -> list[FieldIssue]:
    """What is wrong with a device about to be added for the customer: its texts (the
    core's `device_issues`), a class, and (with a session) a serial or asset tag already
    on a device — another customer's is refused; the customer's own should be chosen."""
    cls = _class_of(new)
    issues = [FieldIssue(prefix + i.field, i.code, i.zh, i.en) for i in device_issues(
        device_type=new.device_type.strip() or cls or "-", device_class=cls,
        brand=new.brand, model=new.model, serial=new.serial, asset_tag=new.asset_tag)]
    if not cls:
        issues.append(FieldIssue(prefix + "device_class", "required", "请选择设备类别。",
                                 "Choose the device class."))
    elif cls not in DEVICE_CLASSES:
        issues.append(FieldIssue(prefix + "device_class", "choice", "请从列表中选择设备类别。",
                                 "Choose the device class from the list."))
    if session is None:
        return issues
    for field, value in (("serial", new.serial.strip()), ("asset_tag", new.asset_tag.strip())):
        if not value:
            continue
        held = session.scalars(select(Device).where(or_(
            func.lower(Device.serial) == value.lower(),
            func.lower(Device.asset_tag) == value.lower())).limit(1)).first()
        if held is None:
            continue
        if customer_id is not None and held.customer_id == customer_id:
            issues.append(FieldIssue(
                prefix + field, "known", f"{value} 已是该客户的设备，请直接选择它。",
                f"{value} is already one of this customer's devices; choose it."))
        else:
            issues.append(FieldIssue(
                prefix + field, "wrong_customer",
                f"{value} 已登记为另一客户（{held.customer.name}）的设备。",
                f"{value} is registered to another customer ({held.customer.name})."))
    return issues


def add_device(session: Session, customer: Customer, new: NewDevice,
               site: Site | None = None) -> Device:
    """Add the customer's new device in the caller's transaction (refused whole)."""
    issues = new_device_issues(session, customer.id, new)
    if issues:
        raise ValidationError(issues)
    cls = _class_of(new)
    device_type = new.device_type.strip() or DEVICE_CLASS_LABELS[cls][0]
    return reference.add_device(session, customer, device_type=device_type, device_class=cls,
                                brand=new.brand.strip(), model=new.model.strip(),
                                serial=new.serial.strip(), asset_tag=new.asset_tag.strip(),
                                site=site if site is not None and site.customer_id == customer.id
                                else None)


# -- from a slip ----------------------------------------------------------------------------

def _slip(session: Session, slip_id: uuid.UUID | str) -> Slip:
    return get_slip(session, slip_id)


def find_for_slip(store: Store, slip_id: uuid.UUID | str, code: str
                  ) -> tuple[FoundDevice, ...]:
    """Devices whose serial or asset tag is what was scanned, each saying whether it can
    be attached to the slip's request (the request's customer's only)."""
    with store.read() as session:
        request = _slip(session, slip_id).request
        return tuple(FoundDevice(device_choice(d), d.customer.name,
                                 d.customer_id == request.customer_id,
                                 d.id == request.device_id)
                     for d in find_devices(session, code))


def attach_to_slip(store: Store, slip_id: uuid.UUID | str, device_id: uuid.UUID) -> str:
    """Make the device the one the slip's request is about (its site too, when the request
    names none); the device's label. Refused in one line for another customer's device, a
    sealed slip, or a request another sealed slip already vouches for (its seal names the
    device)."""
    with store.write() as session:
        slip = _slip(session, slip_id)
        request: ServiceRequest = slip.request
        device = session.get(Device, device_id)
        if device is None:
            raise NotFound("找不到该设备。", "No such device.")
        if device.customer_id != request.customer_id:
            raise wrong_customer(device)
        if slip.seal is not None:
            raise WorkflowError(f"服务单 {slip.number} 已封存，不能再关联设备。",
                                f"Slip {slip.number} is sealed; no device can be attached.")
        if request.device_id != device.id and any(
                s.seal is not None for s in request.slips if s.id != slip.id):
            raise WorkflowError(
                f"请求 {request.number} 已有封存的服务单，设备不能再更改。",
                f"Request {request.number} already has a sealed slip; its device cannot change.")
        request.device = device
        if request.site is None and device.site is not None:
            request.site = device.site
        return device_label(device)
