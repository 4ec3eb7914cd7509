"""Users, device tokens and the change log (keyword-only functions on a session)."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from fieldapp.archive.db import lock_device_enrolment
from fieldapp.archive.models import ROLES, Change, DeviceToken, Role, User
from fieldapp.archive.security import hash_password, new_token, token_digest
from fieldapp.base.errors import FieldappError, FieldIssue, NotFound, ValidationError
from fieldapp.base.timeutil import utcnow
from fieldapp.records import numbering

log = logging.getLogger(__name__)


class AuthError(FieldappError):
    """Wrong name or password, or a revoked or unknown token."""


def create_user(session: Session, *, name: str, password: str, role: str,
                engineer_code: str = "", customer_code: str = "") -> User:
    issues = []
    if role not in ROLES:
        issues.append(FieldIssue("role", "invalid_choice", f"角色无效：{role}。",
                                 f"Invalid role {role!r} (one of {', '.join(ROLES)})."))
    if role == Role.ENGINEER and not engineer_code:
        issues.append(FieldIssue("engineer_code", "required", "工程师账号须关联工号。",
                                 "An engineer account needs an engineer code."))
    if role == Role.CUSTOMER and not customer_code:
        issues.append(FieldIssue("customer_code", "required", "客户账号须关联客户编码。",
                                 "A customer account needs a customer code."))
    if len(password) < 8:
        issues.append(FieldIssue("password", "too_short", "密码至少 8 位。",
                                 "The password needs at least 8 characters."))
    if not name.strip():
        issues.append(FieldIssue("name", "required", "请填写用户名。", "Enter a user name."))
    elif session.scalar(select(User).where(User.name == name.strip())) is not None:
        issues.append(FieldIssue("name", "taken", f"用户名 {name} 已存在。",
                                 f"The user name {name} is taken."))
    if issues:
        raise ValidationError(issues)
    user = User(name=name.strip(), password_hash=hash_password(password), role=role,
                engineer_code=engineer_code, customer_code=customer_code)
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, *, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"没有用户 {name}。", f"No user {name}.")
    return user


def set_user_active(session: Session, *, name: str, active: bool) -> User:
    user = get_user(session, name=name)
    user.active = active
    if not active:  # a disabled user's laptops stop at once
        for device in session.scalars(select(DeviceToken).where(DeviceToken.user_id == user.id,
                                                                 DeviceToken.revoked_at.is_(None))):
            device.revoked_at = utcnow()
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def enrol_device(session: Session, *, user: User, label: str) -> tuple[DeviceToken, str]:
    """A new device token for this laptop; the plain token is returned once, never stored."""
    token = new_token()
    device = DeviceToken(user_id=user.id, token_hash=token_digest(token), label=label[:100],
                         number_block=_free_number_block(session, user))
    session.add(device)
    session.flush()
    return device, token


def _free_number_block(session: Session, user: User) -> int:
    """Laptops of the same engineer must not number alike while both are offline: each
    active laptop of an engineer takes its own block (0–8, the lowest free one); staff
    and admin laptops share the service centre's block (9), being online at the centre,
    where a draft that clashes is renumbered by the pull (docs/sync-protocol.md)."""
    if user.role != Role.ENGINEER or not user.engineer_code:
        return numbering.CENTRE_BLOCK
    lock_device_enrolment(session)
    taken = set(session.scalars(
        select(DeviceToken.number_block).join(User, User.id == DeviceToken.user_id)
        .where(User.engineer_code == user.engineer_code, User.role == Role.ENGINEER,
               DeviceToken.revoked_at.is_(None))))
    free = [b for b in range(numbering.CENTRE_BLOCK) if b not in taken]
    if not free:  # more than nine laptops at once: they share, the pull's check still holds
        log.warning("engineer %s has %d active laptops: number blocks shared",
                    user.engineer_code, len(taken))
        return 0
    return free[0]


def device_for_token(session: Session, *, token: str) -> tuple[DeviceToken, User]:
    row = session.execute(
        select(DeviceToken, User).join(User, User.id == DeviceToken.user_id)
        .where(DeviceToken.token_hash == token_digest(token))
    ).first()
    if row is None or row[0].revoked_at is not None or not row[1].active:
        raise AuthError("设备令牌无效或已吊销，请重新登录（fieldapp login）。",
                        "The device token is unknown or revoked; log in again (fieldapp login).")
    return row[0], row[1]


def revoke_device(session: Session, *, device_id: uuid.UUID) -> DeviceToken:
    device = session.get(DeviceToken, device_id)
    if device is None:
        raise NotFound(f"没有设备 {device_id}。", f"No device {device_id}.")
    if device.revoked_at is None:
        device.revoked_at = utcnow()
    session.flush()
    return device


def list_devices(session: Session, *, user_name: str | None = None
                 ) -> list[tuple[DeviceToken, User]]:
    query = select(DeviceToken, User).join(User, User.id == DeviceToken.user_id)
    if user_name:
        query = query.where(User.name == user_name)
    return [(d, u) for d, u in session.execute(query.order_by(DeviceToken.created_at))]


def record_change(session: Session, *, table: str, record_id: uuid.UUID,
                  now: datetime | None = None) -> None:
    """Move the record to the end of the pull feed (caller holds lock_change_log)."""
    record_changes(session, [(table, record_id)], now=now)


def record_changes(session: Session, keys: list[tuple[str, uuid.UUID]],
                   now: datetime | None = None, device_id: uuid.UUID | None = None) -> None:
    """Move these records, in this order, to the end of the pull feed (caller holds
    lock_change_log); a record named twice ends up where it was named last. `device_id`:
    the device whose push this is (its own pulls skip these changes)."""
    last = {key: i for i, key in enumerate(keys)}
    ordered = sorted(last, key=last.__getitem__)
    by_table: dict[str, list[uuid.UUID]] = {}
    for table, record_id in ordered:
        by_table.setdefault(table, []).append(record_id)
    changes = Change.__table__
    for table, ids in by_table.items():
        for start in range(0, len(ids), 500):
            session.execute(delete(changes).where(
                changes.c.table_name == table, changes.c.record_id.in_(ids[start:start + 500])))
    moment = now or utcnow()
    session.execute(insert(changes), [
        {"table_name": table, "record_id": record_id, "changed_at": moment,
         "device_id": device_id} for table, record_id in ordered])
