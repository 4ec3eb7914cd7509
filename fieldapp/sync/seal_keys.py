"""The laptop's side of device-signed seals in sync (docs/seal.md).

`register_device_key`: the archive learns this laptop's public key (at login and at the
first sync round of each client), and the laptop learns the archive's receipt key and
the revoked keys. `keep_receipts`: the receipts a push answered for sealed slips are
kept beside the slips (`seal_receipts`), where `verify` finds them.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from fieldapp.base.device_keys import DeviceKey
from fieldapp.seal.receipts import remember_archive_key
from fieldapp.seal.seal_trust import remember_revoked
from fieldapp.store.models import SealReceipt, Slip
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.errors import ServerError

log = logging.getLogger("fieldapp.sync")


def register_device_key(data_dir: Path | None, key: DeviceKey,
                        client: ArchiveClient) -> None:
    """Once per client (the archive's answer is the same until a key is revoked)."""
    if key.key_id in client.registered_keys:
        return
    try:
        answer = client.register_seal_key(key.public_key)
    except ServerError as exc:  # an archive older than device keys, or a revoked key:
        # the round goes on; the archive refuses what this key sealed, with its reason
        log.warning("device key not registered: HTTP %s", exc.status)
        client.registered_keys.add(key.key_id)
        return
    client.registered_keys.add(key.key_id)
    if not isinstance(answer, dict) or "archive_public_key" not in answer:
        log.warning("device key registration: an answer without the archive's key")
        return
    if data_dir is not None:
        remember_archive_key(data_dir, str(answer["archive_key_id"]),
                             str(answer["archive_public_key"]))
        remember_revoked(data_dir, answer.get("revoked_keys") or {})


def keep_receipts(session: Session, answered: list[tuple[Any, dict[str, Any]]]) -> None:
    """Store each receipt answered for a slip this laptop holds (a receipt is never
    replaced: the first one is the archive's word on when it received the seal)."""
    for entry, result in answered:
        receipt = result.get("receipt")
        if entry.table != "slips" or not isinstance(receipt, dict):
            continue
        slip_id = uuid.UUID(str(entry.record_id))
        if _without_receipt(session, slip_id):
            session.add(SealReceipt(slip_id=slip_id, body=str(receipt.get("body", "")),
                                    signature=str(receipt.get("signature", ""))))


def take_receipts(records: list[dict[str, Any]]) -> dict[uuid.UUID, dict[str, Any]]:
    """The receipts a pull page carries (taken out: they are not part of the records)."""
    found: dict[uuid.UUID, dict[str, Any]] = {}
    for record in records:
        receipt = record.pop("receipt", None)
        if record.get("table") == "slips" and isinstance(receipt, dict):
            found[uuid.UUID(str(record["id"]))] = receipt
    return found


def keep_pulled_receipts(session: Session, receipts: dict[uuid.UUID, dict[str, Any]]) -> None:
    """A pulled slip's receipt is kept like one answered to a push (the first one)."""
    for slip_id, receipt in receipts.items():
        if _without_receipt(session, slip_id):
            session.add(SealReceipt(slip_id=slip_id, body=str(receipt.get("body", "")),
                                    signature=str(receipt.get("signature", ""))))


def _without_receipt(session: Session, slip_id: uuid.UUID) -> bool:
    """A slip this laptop holds that has no receipt yet."""
    if session.get(SealReceipt, slip_id) is not None:
        return False
    return session.get(Slip, slip_id) is not None
