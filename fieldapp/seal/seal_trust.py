"""Whose device keys a laptop trusts when it verifies a seal (`sealing.KeyTrust`).

A laptop trusts its own keys (current and earlier, fieldapp.base.device_keys) unless the
archive said they were revoked, and any key the archive vouched for in a valid receipt
of exactly this slip and seal (fieldapp.seal.receipts). Everything else — a seal recomputed
with a key made for the purpose, another laptop's key without a receipt, a receipt of
another slip — is reported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import object_session

from fieldapp.base.device_keys import DeviceKey
from fieldapp.base.files import write_file
from fieldapp.seal.receipts import Receipt, read_archive_keys, receipt_problem
from fieldapp.store.models import SealReceipt

REVOKED_FILE = "revoked_keys.json"


class LaptopKeys:
    def __init__(self, device_key: DeviceKey | None, archive_keys: dict[str, str],
                 revoked: dict[str, str], session: Any = None) -> None:
        self.device_key = device_key
        self.archive_keys = archive_keys
        self.revoked = revoked  # key id → when the archive revoked it (ISO UTC)
        self.session = session
        self._receipts: dict[Any, SealReceipt] | None = None  # preloaded for a page

    def preload_receipts(self, rows: dict[Any, SealReceipt]) -> None:
        """The receipts of a batch of slips, read at once (fieldapp.seal.seal_marks)."""
        self._receipts = rows

    def receipt_of(self, slip: Any) -> Receipt | None:
        if self._receipts is not None:
            row = self._receipts.get(slip.id)
        else:
            row = self.session.get(SealReceipt, slip.id) if self.session is not None else None
        return None if row is None else Receipt(row.body, row.signature)

    def key_problem(self, slip: Any, key_id: str, public_key: str) -> tuple[str, str] | None:
        receipt = self.receipt_of(slip)
        if receipt is not None:  # the archive vouched for this seal before any revocation
            return receipt_problem(receipt, slip, self.archive_keys)
        own = self.device_key.own_public_key(key_id) if self.device_key else None
        if own is None or own != public_key:
            return ("封存不是本机设备密钥签署的，也没有存档回执（可能是伪造的封存）。",
                    "The seal was not signed by this laptop's device key and has no "
                    "archive receipt (it may be forged).")
        if key_id in self.revoked:
            return ("签署封存的设备密钥已被吊销，且该服务单没有吊销前的存档回执。",
                    "The device key that signed the seal was revoked, and the slip has no "
                    "archive receipt from before that.")
        return None


class _NoKeys:
    def key_problem(self, slip: Any, key_id: str, public_key: str) -> tuple[str, str] | None:
        return ("无法核实签署封存的设备密钥。", "The device key that signed the seal "
                "cannot be checked here.")


def laptop_keys(store: Any, session: Any = None) -> LaptopKeys:
    folder: Path | None = store.data_dir
    return LaptopKeys(store.device_key(),
                      read_archive_keys(folder) if folder is not None else {},
                      read_revoked(folder) if folder is not None else {}, session)


def laptop_keys_for(slip: Any) -> LaptopKeys | _NoKeys:
    """The trust of the laptop store the slip was read from."""
    session = object_session(slip) if hasattr(slip, "_sa_instance_state") else None
    store = session.info.get("store") if session is not None else None
    return _NoKeys() if store is None else laptop_keys(store, session)


def read_revoked(data_dir: Path) -> dict[str, str]:
    try:
        revoked = json.loads((data_dir / REVOKED_FILE).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in revoked.items()} if isinstance(revoked, dict) else {}


def remember_revoked(data_dir: Path, revoked: dict[str, str]) -> None:
    """What the archive says is revoked (it only ever grows)."""
    known = read_revoked(data_dir)
    if all(known.get(k) == v for k, v in revoked.items()):
        return
    write_file(data_dir / REVOKED_FILE,
               json.dumps({**known, **revoked}, indent=1).encode("utf-8"))
