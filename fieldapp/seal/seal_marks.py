"""Which slips of a list page fail their seal check: the lists mark them (principle 3).

One read of the page's sealed slips with everything their seals cover, receipts and
attachments included (one query each, not one a slip), then `verify_slip` with this
laptop's keys: ~0.7 ms a sealed slip, on the worker that read the page (off the GUI
thread, but its Python competes with the list's paint for the interpreter lock).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from fieldapp.seal.seal_trust import laptop_keys
from fieldapp.seal.sealing import verify_slip
from fieldapp.store import Store
from fieldapp.store.attachment_models import Attachment, OwnerKind
from fieldapp.store.models import SealReceipt, ServiceRequest, Slip


def tampered_among(store: Store, session: Session, slip_ids: Sequence[uuid.UUID]
                   ) -> dict[uuid.UUID, list[tuple[str, str]]]:
    """The slips among these whose seal check fails, with why (zh, en)."""
    if not slip_ids:
        return {}
    found = session.scalars(
        select(Slip).where(Slip.id.in_(slip_ids), Slip.seal.is_not(None))
        .options(joinedload(Slip.request).joinedload(ServiceRequest.customer),
                 joinedload(Slip.amends), selectinload(Slip.fee_lines),
                 selectinload(Slip.signatures))).unique().all()
    if not found:
        return {}
    ids = [slip.id for slip in found]
    keys = laptop_keys(store, session)
    keys.preload_receipts({row.slip_id: row for row in session.scalars(
        select(SealReceipt).where(SealReceipt.slip_id.in_(ids)))})
    attachments: dict[uuid.UUID, list[Attachment]] = {slip_id: [] for slip_id in ids}
    for row in session.scalars(select(Attachment).where(
            Attachment.owner_kind == OwnerKind.SLIP, Attachment.owner_id.in_(ids),
            Attachment.removed_at.is_(None))):
        attachments[row.owner_id].append(row)
    results = {slip.id: verify_slip(slip, keys, attachments=attachments[slip.id])
               for slip in found}
    return {slip_id: result.problems for slip_id, result in results.items() if not result.ok}
