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
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fieldapp.base.device_keys import DeviceKey
from fieldapp.seal.receipts import remember_archive_key
from fieldapp.seal.seal_trust import remember_revoked
from fieldapp.store.models import SealReceipt, Slip
from fieldapp.sync.errors import ServerError

if TYPE_CHECKING:  # httpx: imported where a round runs, not with the desktop's start
    from fieldapp.sync.client import ArchiveClient

log = logging.getLogger("fieldapp.sync")

_CHUNK = 500  # ids per IN (...) query


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
    found: dict[uuid.UUID, dict[str, Any]] = {}
    for entry, result in answered:
        receipt = result.get("receipt")
        if entry.table == "slips" and isinstance(receipt, dict):
            found.setdefault(uuid.UUID(str(entry.record_id)), receipt)
    _keep(session, found)


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
    _keep(session, receipts)


def _keep(session: Session, receipts: dict[uuid.UUID, dict[str, Any]]) -> None:
    """The receipts of slips this laptop holds that have none yet, in one insert. Two
    queries per batch, not an ORM load of every slip with its children (that was ~9 ms
    a slip, a third of a push's time on the laptop)."""
    ids = list(receipts)
    if not ids:
        return
    held: set[uuid.UUID] = set()
    kept: set[uuid.UUID] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        held.update(session.scalars(select(Slip.id).where(Slip.id.in_(chunk))))
        kept.update(session.scalars(select(SealReceipt.slip_id)
                                    .where(SealReceipt.slip_id.in_(chunk))))
    new = held - kept
    rows = [{"slip_id": slip_id, "body": str(receipt.get("body", "")),
             "signature": str(receipt.get("signature", ""))}
            for slip_id, receipt in receipts.items() if slip_id in new]
    if rows:
        session.execute(insert(SealReceipt.__table__), rows)
