"""The service slip's life (R2.2–R2.3): draft, fill in, sign twice, sealed, amended.

Every change is its own short write transaction (drafts save as they are typed).
Once anyone has signed, the content is frozen until the signatures are cleared, so a
signature always confirms exactly what it was put under. The second signature seals.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from fieldapp.base.device_keys import DeviceKey, ephemeral_key
from fieldapp.base.errors import FieldIssue, SealedError, WorkflowError
from fieldapp.base.timeutil import DEFAULT_TIMEZONE, utcnow
from fieldapp.records.attachments import copy_to_amendment
from fieldapp.records.numbering import SLIP, next_number
from fieldapp.rules.slips import signature_issues, slip_issues
from fieldapp.rules.validation import (
    SIGNER_ROLES,
    FeeLineInput,
    fee_line_issues,
    raise_if,
    text_issues,
)
from fieldapp.seal.sealing import seal_document, seal_of
from fieldapp.seal.signatures import render_png_of_json, strokes_to_json
from fieldapp.store.lookup import by_number_or_id
from fieldapp.store.models import Engineer, FeeLine, ServiceRequest, Signature, Slip, SlipPrint
from fieldapp.store.values import RequestStatus, SlipStatus

EDITABLE_FIELDS = (
    "arrived_at", "started_at", "solved_at", "departed_at", "fault_found", "handling", "result",
)
TIME_FIELDS = ("arrived_at", "started_at", "solved_at", "departed_at")
TEXT_FIELDS = ("fault_found", "handling")
STATUS_LABELS: dict[str, tuple[str, str]] = {  # keyed by the members (strings)
    SlipStatus.DRAFT: ("草稿", "Draft"),
    SlipStatus.SEALED: ("已封存", "Sealed"),
}


def _refuse_if_sealed(slip: Slip) -> None:
    if slip.is_sealed:
        raise SealedError(slip.number)


def _refuse_if_signed(slip: Slip) -> None:
    if slip.signatures:
        raise WorkflowError(
            f"服务单 {slip.number} 已有签名；如需修改内容，请先清除签名。",
            f"Slip {slip.number} has a signature; clear the signatures before changing it.",
        )


def start_slip(session: Session, request: ServiceRequest, engineer: Engineer, *,
               now: datetime | None = None, tz: str = DEFAULT_TIMEZONE) -> Slip:
    """Open a new draft slip for this engineer's visit or handling of the request."""
    if request.status in (RequestStatus.CLOSED, RequestStatus.CANCELLED):
        raise WorkflowError(f"请求 {request.number} 已关闭，不能再开服务单。",
                            f"Request {request.number} is closed; no new slip can be started.")
    now = now or utcnow()
    slip = Slip(number=next_number(session, SLIP, engineer.code, now, tz), request=request,
                engineer=engineer, created_at=now, updated_at=now, fee_lines=[], signatures=[])
    session.add(slip)
    # The request row is its taker's: its status and assignee are derived from this slip
    # (fieldapp.workflows.request_state), never written here.
    return slip


def _content_of(slip: Slip, changes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The slip as `rules.slips.slip_issues` judges it, with `changes` applied."""
    content = {f: (changes or {}).get(f, getattr(slip, f)) for f in EDITABLE_FIELDS}
    for field in (*TEXT_FIELDS, "result"):
        content[field] = content[field] or ""  # a draft not yet flushed has None
    return {**content, "channel": slip.request.channel,
            "requested_at": slip.request.requested_at}


def update_slip(session: Session, slip: Slip, changes: dict[str, Any], *,
                now: datetime | None = None) -> None:
    """Apply field changes to a draft; all of them or, if any is invalid, none."""
    _refuse_if_sealed(slip)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable slip fields: {sorted(unknown)}")
    _refuse_if_signed(slip)
    raise_if(slip_issues(**_content_of(slip, changes), now=now or utcnow()))
    for field, value in changes.items():
        setattr(slip, field, value.strip() if isinstance(value, str) else value)


def set_fee_lines(session: Session, slip: Slip, lines: Iterable[FeeLineInput]) -> None:
    """Replace the slip's fee lines with `lines` (validated together, exact totals)."""
    _refuse_if_sealed(slip)
    _refuse_if_signed(slip)
    lines = list(lines)
    raise_if(fee_line_issues(lines))
    slip.fee_lines.clear()
    for position, line in enumerate(lines, start=1):
        slip.fee_lines.append(FeeLine(
            position=position, kind=line.kind, description=line.description,
            quantity_milli=line.quantity_milli, unit_price_fen=line.unit_price_fen,
            amount_fen=line.amount_fen,
        ))


def sign_slip(session: Session, slip: Slip, *, role: str, signer_name: str,
              strokes: list[list[list[int]]], pad_width: int, pad_height: int,
              signed_at: datetime | None = None, now: datetime | None = None) -> None:
    """Put one party's signature on a complete slip; the second signature seals it (R2.3)."""
    _refuse_if_sealed(slip)
    now = now or utcnow()
    signed_at = signed_at or now
    issues = signature_issues(role=role, signer_name=signer_name, strokes=strokes,
                              pad_width=pad_width, pad_height=pad_height, signed_at=signed_at,
                              now=now)
    issues += slip_issues(**_content_of(slip), now=now,
                          signer_roles=[*(s.role for s in slip.signatures), role])
    if slip.signature(role) is not None:
        issues.append(FieldIssue(f"signature.{role}", "already_signed", "该方已签名。",
                                 "This party has signed already."))
    raise_if(issues)
    strokes_json = strokes_to_json(strokes)
    slip.signatures.append(Signature(
        role=role, signer_name=signer_name.strip(), signed_at=signed_at,
        pad_width=pad_width, pad_height=pad_height, strokes=strokes_json,
        image_png=render_png_of_json(strokes_json, pad_width, pad_height, scale=0.5),
    ))
    if all(slip.signature(r) is not None for r in SIGNER_ROLES):
        _seal(session, slip, now)


def _seal(session: Session, slip: Slip, now: datetime) -> None:
    # The fee lines and signatures reach the database before the seal does: the sealing
    # triggers refuse children of a sealed slip (one flush orders parent updates first).
    session.flush()
    key = seal_key(session)
    document = seal_document(slip, key_id=key.key_id, public_key=key.public_key)
    slip.seal_document = json.dumps(document, ensure_ascii=False, sort_keys=True,
                                    separators=(",", ":"))
    slip.seal = seal_of(document)
    slip.seal_key_id = key.key_id
    slip.seal_signature = key.sign(slip.seal.encode("utf-8"))
    slip.sealed_at = now
    slip.status = SlipStatus.SEALED  # the request's "resolved" is derived (request_state)


def seal_key(session: Session) -> DeviceKey:
    """The device key of the store this session belongs to (one made in memory for a
    session without a store: its seals verify nowhere else)."""
    store = session.info.get("store")
    return store.device_key() if store is not None else ephemeral_key()


def clear_signatures(session: Session, slip: Slip) -> None:
    """Remove signatures from an unsealed slip so its content can be corrected."""
    _refuse_if_sealed(slip)
    slip.signatures.clear()
    session.flush()


def amend_slip(session: Session, original: Slip, *, reason: str, engineer: Engineer,
               now: datetime | None = None, tz: str = DEFAULT_TIMEZONE) -> Slip:
    """A correction of a sealed slip: a new draft with the same content (its fee lines and
    attachments too), pointing back."""
    if not original.is_sealed:
        raise WorkflowError(f"服务单 {original.number} 尚未封存，可直接修改。",
                            f"Slip {original.number} is not sealed; edit it directly.")
    raise_if(text_issues({"amendment_reason": reason}, required_fields=("amendment_reason",)))
    now = now or utcnow()
    amendment = Slip(
        number=next_number(session, SLIP, engineer.code, now, tz), request=original.request,
        engineer=engineer, amends=original, amendment_reason=reason.strip(), signatures=[],
        **{f: getattr(original, f) for f in EDITABLE_FIELDS},
    )
    for line in original.fee_lines:
        amendment.fee_lines.append(FeeLine(
            position=line.position, kind=line.kind, description=line.description,
            quantity_milli=line.quantity_milli, unit_price_fen=line.unit_price_fen,
            amount_fen=line.amount_fen,
        ))
    session.add(amendment)
    copy_to_amendment(session, original, amendment, actor_code=engineer.code, now=now)
    session.flush()
    return amendment


def record_print(session: Session, slip: Slip, *, copies: int, copy_kind: str, layout: str,
                 destination: str) -> SlipPrint:
    entry = SlipPrint(slip_id=slip.id, copies=copies, copy_kind=copy_kind, layout=layout,
                      destination=destination)
    session.add(entry)
    session.flush()
    return entry


def print_count(session: Session, slip: Slip) -> int:
    rows = session.scalars(select(SlipPrint.copies).where(SlipPrint.slip_id == slip.id))
    return sum(rows)


def get_slip(session: Session, number_or_id: str | uuid.UUID) -> Slip:
    # with its request in the same statement: every check of an edit reads its times
    return by_number_or_id(session, Slip, number_or_id, what_zh="服务单", what_en="slip",
                           options=(joinedload(Slip.request),))
