"""Laptops' seal-signing keys as the archive knows them: registered, trusted, revoked.

A laptop registers its public key when it logs in and at its first sync of a session
(`register_key`); a seal it pushes verifies only under a key registered by the same user
and not revoked (`ArchiveKeys`). A lost laptop's keys are revoked with its token
(`fieldapp-archive devices revoke`): what it sealed and the archive received before
stays genuine (it has a receipt), anything pushed after is refused.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.models import DeviceToken, User
from fieldapp.archive.seal_models import ArchiveReceipt, SealKey
from fieldapp.base.device_keys import key_id_of
from fieldapp.base.errors import FieldIssue, NotFound, ValidationError
from fieldapp.base.timeutil import utcnow


def _refusal(field: str, code: str, zh: str, en: str) -> ValidationError:
    return ValidationError([FieldIssue(field, code, zh, en)])


def _checked_public_key(public_key: str) -> str:
    try:
        raw = base64.b64decode(public_key, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise _refusal("public_key", "invalid", "设备公钥格式不正确。",
                                     "The device's public key is malformed.")
    return public_key


def register_key(session: Session, *, user: User, device: DeviceToken | None,
                 public_key: str, now: datetime | None = None) -> SealKey:
    """Idempotent for the same user; a key of another user is refused. A revoked key
    stays revoked (the answer's revoked list tells the laptop: `fieldapp keys renew`)."""
    key_id = key_id_of(_checked_public_key(public_key))
    known = session.get(SealKey, key_id)
    if known is not None and known.user_id != user.id:
        raise _refusal("public_key", "taken", "该设备密钥已登记在另一个账号下。",
                       "This device key is registered to another account.")
    if known is None:
        known = SealKey(key_id=key_id, public_key=public_key, user_id=user.id,
                        device_id=device.id if device else None,
                        registered_at=now or utcnow())
        session.add(known)
        session.flush()
    return known


def revoke_device_keys(session: Session, *, device_id: uuid.UUID,
                       now: datetime | None = None) -> int:
    """Revoke the keys registered through this enrolment; how many were still active."""
    keys = session.scalars(select(SealKey).where(SealKey.device_id == device_id,
                                                 SealKey.revoked_at.is_(None))).all()
    for key in keys:
        key.revoked_at = now or utcnow()
    return len(keys)


def revoke_key(session: Session, *, key_id: str, now: datetime | None = None) -> SealKey:
    key = session.get(SealKey, key_id)
    if key is None:
        raise NotFound(f"没有设备密钥 {key_id}。", f"No device key {key_id}.")
    if key.revoked_at is None:
        key.revoked_at = now or utcnow()
    return key


def list_keys(session: Session) -> list[tuple[SealKey, User]]:
    rows = session.execute(select(SealKey, User).join(User, SealKey.user_id == User.id)
                           .order_by(SealKey.registered_at))
    return [(key, user) for key, user in rows]


def revoked_keys(session: Session) -> dict[str, str]:
    """Every revoked key and when (ISO UTC): laptops keep the list (fieldapp.seal.seal_trust)."""
    rows = session.execute(select(SealKey.key_id, SealKey.revoked_at)
                           .where(SealKey.revoked_at.is_not(None)))
    return {key_id: at.isoformat() for key_id, at in rows if at is not None}


@dataclass(frozen=True)
class _KeyFacts:
    """What a seal check reads of a registered key: plain values, so a batch's ORM
    expiry (ingest writes between records) does not send each read back to the database."""

    public_key: str
    user_id: uuid.UUID
    revoked_at: datetime | None


class ArchiveKeys:
    """`sealing.KeyTrust` of the archive. Pushed seals (`pusher` given): the key must be
    registered by the pushing user and not revoked. Stored seals: a receipt for exactly
    this seal means it was trusted when received (later revocation does not undo that).
    One instance serves a whole pushed batch (one transaction): each key is read once."""

    def __init__(self, session: Session, pusher: User | None = None) -> None:
        self.session = session
        self.pusher = pusher
        self._keys: dict[str, _KeyFacts | None] = {}
        self._first_registered: tuple[datetime | None] | None = None

    def key(self, key_id: str) -> _KeyFacts | None:
        if key_id not in self._keys:
            row = self.session.execute(
                select(SealKey.public_key, SealKey.user_id, SealKey.revoked_at)
                .where(SealKey.key_id == key_id)).first()
            self._keys[key_id] = None if row is None else _KeyFacts(*row)
        return self._keys[key_id]

    def key_problem(self, slip: Any, key_id: str, public_key: str) -> tuple[str, str] | None:
        if self.pusher is None:
            receipt = self.session.get(ArchiveReceipt, slip.id)
            if receipt is not None and f'"seal":"{slip.seal}"' in receipt.body:
                return None
        key = self.key(key_id)
        if key is None or key.public_key != public_key:
            return ("签署封存的设备密钥未在档案中登记（可能是伪造的封存）。",
                    "The device key that signed the seal is not registered with the archive "
                    "(the seal may be forged).")
        if self.pusher is not None and key.user_id != self.pusher.id:
            return ("封存由另一账号的设备密钥签署。",
                    "The seal was signed by a device key of another account.")
        if key.revoked_at is not None:
            return ("签署封存的设备密钥已被吊销。", "The device key that signed the seal was "
                    "revoked.")
        return None

    def older_format_problem(self, sealed_at: datetime | None) -> tuple[str, str] | None:
        """A seal without a device signature from a user whose laptop registered a key
        before it was sealed: a downgrade (format 3 could have been used), refused."""
        if self.pusher is None:
            return None
        if self._first_registered is None:
            self._first_registered = (self.session.scalar(
                select(SealKey.registered_at).where(SealKey.user_id == self.pusher.id)
                .order_by(SealKey.registered_at).limit(1)),)
        first = self._first_registered[0]
        if first is not None and (sealed_at is None or sealed_at >= first):
            return ("该服务单以旧格式封存（无设备签名），但本机已登记设备密钥。",
                    "The slip was sealed in an older format (no device signature) after "
                    "this account registered a device key.")
        return None
