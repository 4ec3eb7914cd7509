"""Sealing a signed slip, and verifying a seal.

When both signatures are on a slip its legal content is written as one canonical JSON
document (format ``fieldapp-seal/2``, see docs/seal.md) and hashed with SHA-256. The slip
stores the document and the hash. `verify_slip` checks both that the document still
hashes to the seal and that the slip's current content still equals the document — so a
changed time, fee line, signer name or stroke is detected, while renaming the customer
later (reference data) is not mistaken for tampering: what was signed is in the document.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from fieldapp.signatures import image_shows_strokes, strokes_from_json
from fieldapp.store.models import Slip
from fieldapp.timeutil import iso_utc

# Format 2 seals each signature image's SHA-256 with its strokes, so checking the image
# is a hash. Format 1 (slips sealed before) checks it by redrawing the strokes, ~0.8 ms a
# signature: verified as they were sealed, for good.
SEAL_FORMAT = "fieldapp-seal/2"
SEAL_FORMAT_1 = "fieldapp-seal/1"


def canonical_bytes(document: dict[str, Any]) -> bytes:
    """UTF-8 JSON with sorted keys and no spaces; values are str, int, bool, None, list."""
    return json.dumps(
        document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def seal_of(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def _time(moment: Any) -> str | None:
    return iso_utc(moment) if moment is not None else None


def seal_document(slip: Slip) -> dict[str, Any]:
    """The legal content of a slip: what the engineer and the customer signed."""
    request = slip.request
    customer = request.customer
    device = request.device
    site = request.site
    return {
        **_signed_content(slip),
        "parties": {
            "customer_code": customer.code,
            "customer_name": customer.name,
            "site_name": site.name if site else "",
            "site_address": site.address if site else "",
            "engineer_code": slip.engineer.code,
            "engineer_name": slip.engineer.name,
        },
        "device": {
            "device_type": device.device_type if device else "",
            "brand": device.brand if device else "",
            "model": device.model if device else "",
            "serial": device.serial if device else "",
            "asset_tag": device.asset_tag if device else "",
        },
    }


def _signed_content(slip: Any, seal_format: str = SEAL_FORMAT) -> dict[str, Any]:
    """The document without its reference parts (`_REFERENCE_PARTS`): all that
    `verify_slip` compares. `slip` is a Slip or anything with the same attributes (the
    archive verifies a pushed slip from its record before storing it)."""
    request = slip.request
    return {
        "format": seal_format,
        "slip": {
            "id": str(slip.id),
            "number": slip.number,
            "amends": slip.amends.number if slip.amends is not None else None,
            "arrived_at": _time(slip.arrived_at),
            "started_at": _time(slip.started_at),
            "solved_at": _time(slip.solved_at),
            "departed_at": _time(slip.departed_at),
            "fault_found": slip.fault_found,
            "handling": slip.handling,
            "result": slip.result,
        },
        "request": {
            "number": request.number,
            "channel": request.channel,
            "requested_at": _time(request.requested_at),
            "fault_reported": request.fault_reported,
            "contact_name": request.contact_name,
            "contact_phone": request.contact_phone,
        },
        "fees": {
            "lines": [
                {
                    "kind": line.kind,
                    "description": line.description,
                    "quantity_milli": line.quantity_milli,
                    "unit_price_fen": line.unit_price_fen,
                    "amount_fen": line.amount_fen,
                }
                for line in slip.fee_lines
            ],
            "total_fen": slip.total_fen,
            "currency": "CNY",
        },
        "signatures": [
            {
                "role": sig.role,
                "signer_name": sig.signer_name,
                "signed_at": _time(sig.signed_at),
                "pad": [sig.pad_width, sig.pad_height],
                "strokes": _strokes(sig),
                **({} if seal_format == SEAL_FORMAT_1 else {
                    "image_sha256": hashlib.sha256(sig.image_png or b"").hexdigest()}),
            }
            for sig in sorted(slip.signatures, key=lambda s: s.role)
        ],
    }


def _strokes(sig: Any) -> list[list[list[int]]]:
    """A stand-in signature may carry its strokes parsed and checked as integers already
    (`parsed_strokes`: the archive's rules parsed them); a Signature has only the JSON."""
    parsed = getattr(sig, "parsed_strokes", None)
    return parsed if parsed is not None else strokes_from_json(sig.strokes)


@dataclass
class Verification:
    number: str
    sealed: bool
    ok: bool
    seal: str | None
    recomputed: str | None
    problems: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)


def _differences(stored: Any, current: Any, path: str = "") -> list[str]:
    if isinstance(stored, dict) and isinstance(current, dict):
        out: list[str] = []
        for key in sorted(set(stored) | set(current)):
            out += _differences(stored.get(key), current.get(key), f"{path}.{key}".lstrip("."))
        return out
    if isinstance(stored, list) and isinstance(current, list) and len(stored) == len(current):
        out = []
        for i, (a, b) in enumerate(zip(stored, current, strict=True)):
            out += _differences(a, b, f"{path}[{i}]")
        return out
    return [] if stored == current else [path or "(document)"]


# Parts of the document that come from reference data and may be renamed after signing.
_REFERENCE_PARTS = ("parties", "device")


def verify_slip(slip: Slip | Any) -> Verification:
    """Whether the slip is sealed and its seal holds. `slip` may also be a stand-in with
    a Slip's attributes (see `_signed_content`); parties and device are not read."""
    if slip.seal is None:
        return Verification(slip.number, sealed=False, ok=False, seal=None, recomputed=None,
                            problems=[("服务单尚未封存。", "The slip is not sealed.")])
    problems: list[tuple[str, str]] = []
    try:
        stored = json.loads(slip.seal_document or "")
    except ValueError:
        stored = None
    if not isinstance(stored, dict):
        problems.append(("封存内容缺失或损坏。", "The sealed document is missing or damaged."))
        return Verification(slip.number, True, False, slip.seal, None, problems)
    # The stored text is the canonical encoding as written: its own hash is the seal's
    # unless it was changed (or re-encoded, which the canonical form then decides).
    recomputed = hashlib.sha256(slip.seal_document.encode("utf-8")).hexdigest()
    if recomputed != slip.seal:
        recomputed = seal_of(stored)
    if recomputed != slip.seal:
        problems.append(("封存内容与封存码不符（内容被改动）。",
                         "The sealed document does not match its seal (it was changed)."))
    seal_format = SEAL_FORMAT_1 if stored.get("format") == SEAL_FORMAT_1 else SEAL_FORMAT
    try:
        current = _signed_content(slip, seal_format)
    except (ValueError, TypeError, KeyError, AttributeError):  # e.g. damaged stroke data
        problems.append(("服务单数据已损坏（如签名笔迹），无法与封存内容比对。",
                         "The slip's data is damaged (e.g. its signature strokes) and cannot "
                         "be compared with the sealed document."))
        return Verification(slip.number, True, False, slip.seal, recomputed, problems)
    for part in _REFERENCE_PARTS:  # renamed reference data is not tampering
        current[part] = stored.get(part)
    # equal documents (the usual case) need no walk: dict equality runs in C
    for path in [] if stored == current else _differences(stored, current):
        problems.append((f"封存后被改动：{path}", f"Changed after sealing: {path}"))
    # the picture shown and sent must be the signed strokes: format 2 sealed its hash above
    for sig in slip.signatures if seal_format == SEAL_FORMAT_1 else ():
        if not image_shows_strokes(sig.image_png, sig.strokes, sig.pad_width, sig.pad_height):
            problems.append((f"签名图像与签名笔迹不符：{sig.role}",
                             f"The signature image differs from the signed strokes: {sig.role}"))
    return Verification(slip.number, True, not problems, slip.seal, recomputed, problems)
