"""The archive's receipt for a sealed slip: when it first stored which seal, signed by
which device key, countersigned with the archive's own Ed25519 key (docs/seal.md).

The archive makes it (`make_receipt`) and answers it with the push; the laptop keeps it
(`SealReceipt`) and checks it (`receipt_problem`) against the archive key it learned when
it registered its device key (`archive_key.json` in the data folder). A receipt proves
that the archive held this exact seal at its own clock's time — a laptop's clock cannot.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fieldapp.base.device_keys import signature_ok
from fieldapp.base.files import write_file
from fieldapp.base.timeutil import iso_utc
from fieldapp.seal.sealing import canonical_bytes

RECEIPT_FORMAT = "fieldapp-receipt/1"
ARCHIVE_KEY_FILE = "archive_key.json"


@dataclass(frozen=True)
class Receipt:
    body: str  # canonical JSON (see `receipt_body`)
    signature: str  # the archive key's Ed25519 signature of `body`, base64

    @property
    def fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = json.loads(self.body)
        return fields

    def as_wire(self) -> dict[str, str]:
        return {"body": self.body, "signature": self.signature}


def receipt_body(*, slip_id: uuid.UUID, number: str, seal: str, device_key_id: str | None,
                 sealed_at: datetime | None, archived_at: datetime,
                 archive_key_id: str) -> str:
    return canonical_bytes({
        "format": RECEIPT_FORMAT, "slip_id": str(slip_id), "number": number, "seal": seal,
        "device_key_id": device_key_id,
        "sealed_at": iso_utc(sealed_at) if sealed_at is not None else None,
        "archived_at": iso_utc(archived_at), "archive_key_id": archive_key_id,
    }).decode("utf-8")


def sealing_gap_seconds(fields: dict[str, Any]) -> int | None:
    """Archive time minus the laptop's sealing time: how long the seal stood on the
    laptop's word alone (negative: the laptop's clock ran ahead)."""
    if not fields.get("sealed_at"):
        return None
    archived = datetime.fromisoformat(fields["archived_at"])
    return int((archived - datetime.fromisoformat(fields["sealed_at"])).total_seconds())


def gap_label(seconds: int) -> tuple[str, str]:
    """The sealing-to-receipt gap in words (zh, en)."""
    if seconds < 0:
        return (f"笔记本时钟比档案快 {-seconds} 秒", f"the laptop's clock ran {-seconds} s ahead")
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "天", "d"), (hours, "小时", "h"), (minutes, "分", "min"), (secs, "秒", "s")]
    shown = [(n, zh, en) for n, zh, en in parts if n][:2] or [(0, "秒", "s")]
    return ("封存后 " + " ".join(f"{n} {zh}" for n, zh, _ in shown),
            " ".join(f"{n} {en}" for n, _, en in shown) + " after sealing")


def receipt_problem(receipt: Receipt, slip: Any,
                    archive_keys: dict[str, str]) -> tuple[str, str] | None:
    """Why this receipt does not vouch for `slip` as sealed (zh, en), or None.
    `archive_keys`: key id → public key of the archive keys this laptop knows."""
    try:
        fields = receipt.fields
    except ValueError:
        fields = None
    if not isinstance(fields, dict) or fields.get("format") != RECEIPT_FORMAT:
        return ("存档回执已损坏。", "The archive's receipt is damaged.")
    public_key = archive_keys.get(str(fields.get("archive_key_id")))
    if public_key is None or not signature_ok(public_key, receipt.body.encode("utf-8"),
                                              receipt.signature):
        return ("存档回执的签名无效（不是存档服务器签发的）。",
                "The archive's receipt is not validly signed by the archive.")
    if (fields.get("slip_id") != str(slip.id) or fields.get("seal") != slip.seal
            or fields.get("device_key_id") != getattr(slip, "seal_key_id", None)):
        return ("存档回执不属于这张服务单或这个封存码（回执被挪用）。",
                "The archive's receipt is for another slip or seal (a replayed receipt).")
    return None


def read_archive_keys(data_dir: Path) -> dict[str, str]:
    """The archive keys this laptop learned (key id → base64 public key)."""
    try:
        keys = json.loads((data_dir / ARCHIVE_KEY_FILE).read_text("utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {}


def remember_archive_key(data_dir: Path, key_id: str, public_key: str) -> None:
    keys = read_archive_keys(data_dir)
    if keys.get(key_id) == public_key:
        return
    keys[key_id] = public_key
    write_file(data_dir / ARCHIVE_KEY_FILE,
               json.dumps(keys, ensure_ascii=False, indent=1).encode("utf-8"))
