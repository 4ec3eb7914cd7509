"""Reference data: customers, contacts, sites, devices, engineers and contracts.

Each is checked by its rule (fieldapp.rules.reference) before anything is written."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fieldapp.base.errors import NotFound
from fieldapp.rules.reference import (
    contact_issues,
    contract_issues,
    customer_issues,
    device_issues,
    engineer_issues,
    site_issues,
)
from fieldapp.rules.validation import raise_if
from fieldapp.store.models import Contact, Contract, Customer, Device, Engineer, Site


def create_customer(session: Session, *, code: str, name: str, is_group: bool = False,
                    account_manager: str = "", phone: str = "", address: str = "") -> Customer:
    raise_if(customer_issues(code=code, name=name, account_manager=account_manager,
                             phone=phone, address=address))
    customer = Customer(code=code.strip(), name=name.strip(), is_group=is_group,
                        account_manager=account_manager, phone=phone, address=address)
    session.add(customer)
    session.flush()
    return customer


def add_contact(session: Session, customer: Customer, *, name: str, phone: str = "",
                email: str = "", title: str = "") -> Contact:
    raise_if(contact_issues(name=name, phone=phone, email=email, title=title))
    contact = Contact(customer=customer, name=name, phone=phone, email=email, title=title)
    session.add(contact)
    session.flush()
    return contact


def add_site(session: Session, customer: Customer, *, name: str, address: str = "",
             in_city: bool = True) -> Site:
    raise_if(site_issues(name=name, address=address))
    site = Site(customer=customer, name=name, address=address, in_city=in_city)
    session.add(site)
    session.flush()
    return site


def add_device(session: Session, customer: Customer, *, device_type: str, device_class: str,
               brand: str = "", model: str = "", serial: str = "", asset_tag: str = "",
               site: Site | None = None) -> Device:
    raise_if(device_issues(device_type=device_type, device_class=device_class, brand=brand,
                           model=model, serial=serial, asset_tag=asset_tag,
                           customer_id=customer.id,
                           site_customer_id=site.customer_id if site is not None else None))
    device = Device(customer=customer, site=site, device_type=device_type,
                    device_class=device_class, brand=brand, model=model, serial=serial,
                    asset_tag=asset_tag)
    session.add(device)
    session.flush()
    return device


def create_engineer(session: Session, *, code: str, name: str, phone: str = "",
                    skills: list[str] | None = None) -> Engineer:
    raise_if(engineer_issues(code=code, name=name, phone=phone, skills=",".join(skills or [])))
    engineer = Engineer(code=code, name=name, phone=phone, skills=",".join(skills or []))
    session.add(engineer)
    session.flush()
    return engineer


def create_contract(session: Session, customer: Customer, *, number: str, starts_on: date,
                    ends_on: date, sla_terms: str = "{}",
                    service_calendar: str = "{}") -> Contract:
    raise_if(contract_issues(number=number, starts_on=starts_on, ends_on=ends_on,
                             sla_terms=sla_terms, service_calendar=service_calendar))
    contract = Contract(customer=customer, number=number, starts_on=starts_on, ends_on=ends_on,
                        sla_terms=sla_terms, service_calendar=service_calendar)
    session.add(contract)
    session.flush()
    return contract


def engineer_by_code(session: Session, code: str) -> Engineer:
    engineer = session.scalar(select(Engineer).where(Engineer.code == code))
    if engineer is None:
        raise NotFound(f"找不到工号为 {code} 的工程师。", f"No engineer with code {code}.")
    return engineer


def find_devices(session: Session, scanned: str, customer_id: uuid.UUID | None = None
                 ) -> list[Device]:
    """Devices whose serial or asset tag is what was typed or scanned (exact match first)."""
    code = scanned.strip()
    if not code:
        return []
    query = select(Device).where(or_(Device.serial == code, Device.asset_tag == code))
    if customer_id is not None:
        query = query.where(Device.customer_id == customer_id)
    return list(session.scalars(query))


def active_contract(session: Session, customer_id: uuid.UUID, on: date) -> Contract | None:
    # No autoflush: contracts are flushed when made (create_contract), and taking a request
    # should not push the session's other pending work to the database first.
    with session.no_autoflush:
        return session.scalar(
            select(Contract)
            .where(Contract.customer_id == customer_id, Contract.starts_on <= on,
                   Contract.ends_on >= on)
            .order_by(Contract.starts_on.desc())
        )


def list_customers(session: Session) -> list[Customer]:
    """All customers by name, for pickers (the reference list is small)."""
    return list(session.scalars(select(Customer).order_by(Customer.name)))


def list_engineers(session: Session, *, active_only: bool = True) -> list[Engineer]:
    query = select(Engineer).order_by(Engineer.code)
    if active_only:
        query = query.where(Engineer.active.is_(True))
    return list(session.scalars(query))
