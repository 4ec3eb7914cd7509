"""A customer's new service request or complaint from the portal, stored as a laptop's
record would be: made by the core through the same services as the desktop's
(fieldapp.services.portal, same validation), checked again by the archive's rules for
pushed records, and put on the change feed in the same transaction so the service
centre's laptops pull it (docs/sync-protocol.md)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from fieldapp.archive import crud
from fieldapp.archive.db import Database, lock_change_log
from fieldapp.archive.models import Received, User
from fieldapp.archive.rules import check_record
from fieldapp.base.errors import FieldIssue, ValidationError
from fieldapp.services import portal
from fieldapp.services.portal import PORTAL_OPERATOR, PortalComplaint, PortalRequest
from fieldapp.sync.wire import read_record

__all__ = ["PORTAL_OPERATOR", "publish", "submit_complaint", "submit_request"]


def publish(session: Session, *, table: str, record_id: uuid.UUID, user: User,
            now: datetime) -> None:
    """Log the record as received from the portal and move it to the end of the feed."""
    session.flush()
    record = read_record(session, table, record_id)
    assert record is not None
    reason = check_record(session, table, record, now)
    if reason is not None:  # the core refused nothing, so this would be a defect
        raise ValidationError([FieldIssue(table, reason[0], reason[1], reason[2])])
    lock_change_log(session)
    session.execute(insert(Received).values(
        table_name=table, record_id=record_id, content_hash=record["hash"], received_at=now,
        laptop_time=None, record_updated_at=now, clock_skew_seconds=0, device_id=None,
        user_id=user.id))
    crud.record_change(session, table=table, record_id=record_id, now=now)


def _publishing(table: str, user: User, now: datetime) -> Callable[[Session, uuid.UUID], None]:
    return lambda session, record_id: publish(session, table=table, record_id=record_id,
                                              user=user, now=now)


def submit_request(db: Database, *, user: User, customer_id: uuid.UUID, fault: str,
                   contact_name: str, contact_phone: str, device_id: str,
                   now: datetime) -> uuid.UUID:
    """The customer's request, taken by the core (services.portal) and published in the
    same transaction; its id."""
    return portal.submit_request(
        db, customer_id, PortalRequest(fault, contact_name, contact_phone, device_id),
        now=now, then=_publishing("service_requests", user, now))


def submit_complaint(db: Database, *, user: User, customer_id: uuid.UUID, about: str,
                     description: str, subject_name: str, slip_number: str,
                     now: datetime) -> str:
    """The customer's complaint, recorded and routed by the core (services.portal) and
    published in the same transaction; its number."""
    return portal.submit_complaint(
        db, customer_id, PortalComplaint(about, description, subject_name, slip_number),
        now=now, then=_publishing("complaints", user, now))
