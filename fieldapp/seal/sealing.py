"""Sealing a signed slip, and verifying a seal.

When both signatures are on a slip its legal content is written as one canonical JSON
document (format ``fieldapp-seal/4``, see docs/seal.md) and hashed with SHA-256; the
laptop's device key (fieldapp.base.device_keys) signs the hash. The slip stores the document,
the hash, the key's id and the signature. `verify_slip` checks that the document still
hashes to the seal, that the slip's current content still equals the document — so a
changed time, fee line, signer name, stroke or party (the records the slip links to) is
detected, while renaming the customer later (reference data) is not mistaken for
tampering: what was signed is in the document — and that the signature is the key's and
the key one to trust (`KeyTrust`: this laptop's own, or vouched for by the archive).
Format 4 names the slip's attachments (hash, size, type, kind, caption, capture time);
given a `FileCheck` (the laptop's or the archive's file store), verify also re-hashes
the files the document names and reports one missing or changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from fieldapp.base.device_keys import key_id_of, signature_ok
from fieldapp.base.timeutil import iso_utc
from fieldapp.seal.signatures import image_shows_strokes, json_value, strokes_from_json
from fieldapp.store.attachment_models import Attachment, OwnerKind
from fieldapp.store.models import Slip

# Format 2 seals each signature image's SHA-256 with its strokes, so checking the image
# is a hash. Format 1 (slips sealed before) checks it by redrawing the strokes, ~0.8 ms a
# signature: verified as they were sealed, for good.
# Format 3 adds the ids of the records the slip links to (compared, so a slip moved to
# another customer, engineer, site or device is caught) and the device key that signed.
# Format 4 adds the attachments and the request's intake channel and service kind (0009).
SEAL_FORMAT = "fieldapp-seal/4"
SEAL_FORMAT_3 = "fieldapp-seal/3"
SEAL_FORMAT_2 = "fieldapp-seal/2"
SEAL_FORMAT_1 = "fieldapp-seal/1"
# Formats with links, parties as signed and a device signature.
SIGNED_FORMATS = (SEAL_FORMAT, SEAL_FORMAT_3)
FORMAT_LABELS = {  # (zh, en): older formats are labelled for what they cannot show
    SEAL_FORMAT: ("第4版：含当事方、附件与设备签名",
                  "format 4: parties, attachments and device signature"),
    SEAL_FORMAT_3: ("第3版：含当事方与设备签名，不含附件与受理渠道",
                    "format 3: parties and device signature; no attachments or intake "
                    "channel"),
    SEAL_FORMAT_2: ("第2版（旧）：不含当事方，无设备签名",
                    "format 2 (older): parties not checked, no device signature"),
    SEAL_FORMAT_1: ("第1版（旧）：不含当事方，无设备签名",
                    "format 1 (older): parties not checked, no device signature"),
}


class FileCheck(Protocol):
    """A file store that re-hashes a file by its SHA-256 (fieldapp.store.blobs.BlobStore;
    the archive's file store): "ok", "missing" or "tampered"."""

    def verify(self, sha: str) -> str:
        ...


class KeyTrust(Protocol):
    """Whom a verifier trusts to have sealed: the laptop trusts its own keys and keys
    the archive vouched for in a receipt; the archive trusts keys registered and not
    revoked. Returns why the key is not trusted (zh, en), or None."""

    def key_problem(self, slip: Any, key_id: str, public_key: str) -> tuple[str, str] | None:
        ...


def canonical_bytes(document: dict[str, Any]) -> bytes:
    """UTF-8 JSON with sorted keys and no spaces; values are str, int, bool, None, list."""
    return json.dumps(
        document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def seal_of(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def _time(moment: Any) -> str | None:
    return iso_utc(moment) if moment is not None else None


def seal_document(slip: Slip, *, key_id: str, public_key: str) -> dict[str, Any]:
    """The legal content of a slip: what the engineer and the customer signed, and the
    device key that seals it (its id is also in `slips.seal_key_id`)."""
    request = slip.request
    customer = request.customer
    device = request.device
    site = request.site
    return {
        **_signed_content(slip),
        "signed_by": {"key_id": key_id, "public_key": public_key},
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


def _signed_content(slip: Any, seal_format: str = SEAL_FORMAT,
                    attachments: Sequence[Any] | None = None) -> dict[str, Any]:
    """The document without its reference parts (`_REFERENCE_PARTS`): all that
    `verify_slip` compares. `slip` is a Slip or anything with the same attributes (the
    archive verifies a pushed slip from its record before storing it)."""
    request = slip.request
    return {
        "format": seal_format,
        **({"links": _links(slip)} if seal_format in SIGNED_FORMATS else {}),
        **({"attachments": _attachments(slip, attachments)}
           if seal_format == SEAL_FORMAT else {}),
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
            **({"intake_channel": request.intake_channel,
                "service_kind": request.service_kind} if seal_format == SEAL_FORMAT else {}),
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


def _links(slip: Any) -> dict[str, str | None]:
    """The records the slip belongs to, by id: what the copy names as parties."""
    request = slip.request

    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    return {"request_id": text(slip.request_id), "engineer_id": text(slip.engineer_id),
            "customer_id": text(request.customer_id), "site_id": text(request.site_id),
            "device_id": text(request.device_id)}


def _attachments(slip: Any, rows: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    """The slip's attachments as sealed, in their order: `rows` when the caller read them
    already; a stand-in slip (the archive's ingest) lists them as `attachments`; a Slip's
    are read from its session's store."""
    rows = getattr(slip, "attachments", None) if rows is None else rows
    if rows is None:
        from sqlalchemy import select
        from sqlalchemy.orm import object_session

        session = object_session(slip) if isinstance(slip, Slip) else None
        rows = [] if session is None else session.scalars(
            select(Attachment).where(Attachment.owner_kind == OwnerKind.SLIP,
                                     Attachment.owner_id == slip.id,
                                     Attachment.removed_at.is_(None))
            .order_by(Attachment.position, Attachment.id)).all()
    return sealed_attachments(rows)


def sealed_attachments(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Attachment rows (or stand-ins) as a format-4 seal lists them: those not removed, in
    their order (position, id), each by hash, size, type, kind, caption and capture time.
    The archive's ingest compares a pushed row of a sealed slip with this
    (fieldapp.archive.sealed_attachments)."""
    return [{"sha256": a.sha256, "size": a.size, "media_type": a.media_type, "kind": a.kind,
             "caption": a.caption, "captured_at": _time(a.captured_at)}
            for a in sorted((a for a in rows if a.removed_at is None),
                            key=lambda a: (a.position, str(a.id)))]


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
    seal_format: str | None = None
    key_id: str | None = None  # the device key that signed (format 3)

    @property
    def older_format(self) -> bool:
        """Sealed before format 3: the parties are not checked and no device signed."""
        return self.seal_format in (SEAL_FORMAT_1, SEAL_FORMAT_2)

    @property
    def format_label(self) -> tuple[str, str] | None:
        return FORMAT_LABELS.get(self.seal_format or "")

    @property
    def tampered(self) -> bool:
        return self.sealed and not self.ok


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


class _SignatureOnly:
    """Trust any key whose signature holds: an import checks the file's integrity; whose
    key signed is for `verify` on this laptop to say (fieldapp.tools.exchange)."""

    def key_problem(self, slip: Any, key_id: str, public_key: str) -> tuple[str, str] | None:
        return None


SIGNATURE_ONLY = _SignatureOnly()


def verify_slip(slip: Slip | Any, keys: KeyTrust | None = None,
                files: FileCheck | None = None, *,
                attachments: Sequence[Any] | None = None) -> Verification:
    """Whether the slip is sealed and its seal holds. `slip` may also be a stand-in with
    a Slip's attributes (see `_signed_content`); parties and device are not read.
    `keys` says whose device keys to trust; without it a Slip in a laptop's store is
    checked against that laptop's keys and receipts (fieldapp.seal.seal_trust).
    `files`: re-hash the attached files the sealed document names (`verify`, one slip
    shown); without it the files are not read (lists check hundreds of slips).
    `attachments`: the slip's attachment rows, removed ones included, when the caller read
    a page's in one query (fieldapp.seal.seal_marks); without it a Slip's are read."""
    if slip.seal is None:
        return Verification(slip.number, sealed=False, ok=False, seal=None, recomputed=None,
                            problems=[("服务单尚未封存。", "The slip is not sealed.")])
    problems: list[tuple[str, str]] = []
    document = slip.seal_document or ""
    # a stand-in may carry its document parsed from exactly this text already (the
    # archive's ingest, from a push that sent the strokes once: fieldapp.sync.wire)
    stored = getattr(slip, "parsed_seal_document", None)
    try:
        stored = json_value(document) if stored is None else stored
    except ValueError:
        stored = None
    if not isinstance(stored, dict):
        problems.append(("封存内容缺失或损坏。", "The sealed document is missing or damaged."))
        return Verification(slip.number, True, False, slip.seal, None, problems)
    # The stored text is the canonical encoding as written: its own hash is the seal's
    # unless it was changed (or re-encoded, which the canonical form then decides).
    recomputed = hashlib.sha256(document.encode("utf-8")).hexdigest()
    if recomputed != slip.seal:
        recomputed = seal_of(stored)
    if recomputed != slip.seal:
        problems.append(("封存内容与封存码不符（内容被改动）。",
                         "The sealed document does not match its seal (it was changed)."))
    seal_format = stored.get("format")
    if seal_format not in FORMAT_LABELS:
        problems.append(("封存格式未知。", "Unknown seal format."))
        return Verification(slip.number, True, False, slip.seal, recomputed, problems)
    try:
        current = _signed_content(slip, seal_format, attachments)
    except (ValueError, TypeError, KeyError, AttributeError):  # e.g. damaged stroke data
        problems.append(("服务单数据已损坏（如签名笔迹），无法与封存内容比对。",
                         "The slip's data is damaged (e.g. its signature strokes) and cannot "
                         "be compared with the sealed document."))
        return Verification(slip.number, True, False, slip.seal, recomputed, problems,
                            seal_format)
    for part in _REFERENCE_PARTS:  # renamed reference data is not tampering
        current[part] = stored.get(part)
    key_id = None
    if seal_format in SIGNED_FORMATS:
        current["signed_by"] = stored.get("signed_by")
        key_id = getattr(slip, "seal_key_id", None)
        problems += _signature_problems(slip, stored.get("signed_by"), key_id, keys)
    # equal documents (the usual case) need no walk: dict equality runs in C
    for path in [] if stored == current else _differences(stored, current):
        problems.append((f"封存后被改动：{path}", f"Changed after sealing: {path}"))
    if files is not None:
        problems += file_problems(stored, files)
    # the picture shown and sent must be the signed strokes: format 2 sealed its hash above
    for sig in slip.signatures if seal_format == SEAL_FORMAT_1 else ():
        if not image_shows_strokes(sig.image_png, sig.strokes, sig.pad_width, sig.pad_height):
            problems.append((f"签名图像与签名笔迹不符：{sig.role}",
                             f"The signature image differs from the signed strokes: {sig.role}"))
    return Verification(slip.number, True, not problems, slip.seal, recomputed, problems,
                        seal_format, key_id)


def file_problems(document: dict[str, Any], files: FileCheck) -> list[tuple[str, str]]:
    """Each attached file the sealed document names, re-hashed: one line for a file that
    is missing and one for a file whose content no longer has its sealed hash."""
    problems: list[tuple[str, str]] = []
    entries = document.get("attachments")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        sha = entry.get("sha256") if isinstance(entry, dict) else None
        name = f"#{i + 1}" + (f"（{entry.get('caption')}）" if isinstance(entry, dict)
                              and entry.get("caption") else "")
        name_en = f"#{i + 1}" + (f" ({entry.get('caption')})" if isinstance(entry, dict)
                                 and entry.get("caption") else "")
        try:
            state = files.verify(sha) if isinstance(sha, str) else "tampered"
        except ValueError:  # not a hash: the document was damaged (reported above)
            state = "tampered"
        if state == "missing":
            problems.append((f"附件文件缺失：{name}，{str(sha)[:12]}",
                             f"An attached file is missing: {name_en}, {str(sha)[:12]}"))
        elif state != "ok":
            problems.append((f"附件文件被改动（内容与封存的校验码不符）：{name}",
                             f"An attached file was changed (its content no longer has the "
                             f"sealed hash): {name_en}"))
    return problems


def _signature_problems(slip: Any, signed_by: Any, key_id: str | None,
                        keys: KeyTrust | None) -> list[tuple[str, str]]:
    """The device signature of a format-3 seal: the sealed key is the slip's, the
    signature is that key's over the seal, and the key is one the verifier trusts."""
    public_key = signed_by.get("public_key") if isinstance(signed_by, dict) else None
    if (not isinstance(public_key, str) or not key_id or signed_by.get("key_id") != key_id
            or key_id_of_text(public_key) != key_id):
        return [("封存的设备密钥与服务单记录的不符。",
                 "The sealed device key differs from the slip's.")]
    if not signature_ok(public_key, slip.seal.encode("utf-8"),
                        getattr(slip, "seal_signature", None) or ""):
        return [("设备签名无效（封存码不是由该设备密钥签署的）。",
                 "The device signature is not valid (the seal was not signed by its key).")]
    if keys is None:
        from fieldapp.seal.seal_trust import laptop_keys_for

        keys = laptop_keys_for(slip)
    problem = keys.key_problem(slip, key_id, public_key)
    return [] if problem is None else [problem]


def key_id_of_text(public_key: str) -> str | None:
    try:
        return key_id_of(public_key)
    except ValueError:
        return None
