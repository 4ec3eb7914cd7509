"""The archive's countersignature: a receipt for each sealed slip it stores (docs/seal.md).

The first time a sealed slip is stored the archive signs, with its own Ed25519 key, what
it received and when (fieldapp.seal.receipts.receipt_body); the push answers the receipt, a
re-push answers the same one. The key is a PEM file when `receipt_key_file` is set
(several archive processes then share that file), else a row in the database.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.seal_models import ArchiveReceipt, SigningKey
from fieldapp.base.device_keys import key_id_of, write_private_file
from fieldapp.seal.receipts import Receipt, receipt_body
from fieldapp.store.models import Slip


class ArchiveKey:
    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        raw = private.public_key().public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)
        self.public_key = base64.b64encode(raw).decode("ascii")
        self.key_id = key_id_of(self.public_key)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self._private.sign(message)).decode("ascii")


def _pem(private: Ed25519PrivateKey) -> bytes:
    return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())


def _from_pem(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the receipt key is not an Ed25519 key")
    return key


def archive_key(session: Session, settings: ArchiveSettings) -> ArchiveKey:
    """The key receipts are signed with, made on first use."""
    if settings.receipt_key_file:
        path = Path(settings.receipt_key_file).expanduser()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_private_file(path, _pem(Ed25519PrivateKey.generate()))
        return ArchiveKey(_from_pem(path.read_bytes()))
    # the oldest row: two processes making the first key at once agree on one
    oldest = select(SigningKey.private_pem).order_by(SigningKey.created_at, SigningKey.key_id)
    pem = session.scalar(oldest.limit(1))
    if pem is None:
        key = ArchiveKey(Ed25519PrivateKey.generate())
        session.add(SigningKey(key_id=key.key_id, private_pem=_pem(key._private).decode()))
        session.flush()
        pem = session.scalar(oldest.limit(1))
    assert pem is not None
    return ArchiveKey(_from_pem(pem.encode()))


def receipts_for(session: Session, settings: ArchiveSettings, slip_ids: list[uuid.UUID],
                 now: datetime) -> dict[uuid.UUID, Receipt]:
    """The receipt of each of these slips that is sealed: the one given before, or a new
    one for a slip stored now."""
    if not slip_ids:
        return {}
    sealed = session.execute(select(Slip.id, Slip.number, Slip.seal, Slip.seal_key_id,
                                    Slip.sealed_at)
                             .where(Slip.id.in_(slip_ids), Slip.seal.is_not(None))).all()
    if not sealed:
        return {}
    given = {row.slip_id: Receipt(row.body, row.signature) for row in session.scalars(
        select(ArchiveReceipt).where(ArchiveReceipt.slip_id.in_([s.id for s in sealed])))}
    missing = [s for s in sealed if s.id not in given]
    if missing:
        key = archive_key(session, settings)
        for slip in missing:
            body = receipt_body(slip_id=slip.id, number=slip.number, seal=slip.seal,
                                device_key_id=slip.seal_key_id, sealed_at=slip.sealed_at,
                                archived_at=now, archive_key_id=key.key_id)
            given[slip.id] = Receipt(body, key.sign(body.encode("utf-8")))
        # one executemany, not the ORM's unit of work for each receipt of a push
        session.execute(insert(ArchiveReceipt.__table__), [
            {"slip_id": s.id, "body": given[s.id].body, "signature": given[s.id].signature}
            for s in missing])
    return given


def receipt_of(session: Session, slip_id: uuid.UUID) -> Receipt | None:
    row = session.get(ArchiveReceipt, slip_id)
    return None if row is None else Receipt(row.body, row.signature)


def stored_receipts(session: Session, slip_ids: list[uuid.UUID]) -> dict[uuid.UUID, Receipt]:
    """The receipts given for these slips (a pull page's), without making any."""
    if not slip_ids:
        return {}
    return {row.slip_id: Receipt(row.body, row.signature) for row in session.scalars(
        select(ArchiveReceipt).where(ArchiveReceipt.slip_id.in_(slip_ids)))}
