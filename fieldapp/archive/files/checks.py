"""The archive's own check of the files its records name: each present, each hashing to
its name. A file changed on the archive's store (a disk fault, or someone's hand) is
tampered evidence; a missing one has not been uploaded yet (or was lost).

`StoreCheck` lends the file store to the seal's check (`fieldapp.seal.sealing.verify_slip`
re-hashes the files a format-4 seal names); `check_files` walks every attachment the
archive holds, for `fieldapp-archive files verify`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from fieldapp.archive.files.store import FileStore, is_sha256
from fieldapp.store.attachment_models import Attachment, OwnerKind
from fieldapp.store.blobs import BlobState
from fieldapp.store.models import Slip
from fieldapp.store.workflow_models import Complaint, RepairOrder


class StoreCheck:
    """The archive's file store as the seal check's `FileCheck`."""

    def __init__(self, store: FileStore) -> None:
        self.store = store

    def verify(self, sha: str) -> str:
        if not is_sha256(sha):
            raise ValueError("not a SHA-256")
        found = self.store.hash_of(sha)
        if found is None:
            return BlobState.MISSING
        return BlobState.OK if found == sha else BlobState.TAMPERED


@dataclass
class FilesCheck:
    files: int = 0  # distinct files named by attachment rows
    ok: int = 0
    missing: dict[str, list[str]] = field(default_factory=dict)  # hash -> record numbers
    tampered: dict[str, list[str]] = field(default_factory=dict)


_NUMBERS: dict[str, InstrumentedAttribute[str]] = {
    OwnerKind.SLIP: Slip.number, OwnerKind.REPAIR: RepairOrder.number,
    OwnerKind.COMPLAINT: Complaint.number}
_IDS: dict[str, InstrumentedAttribute[uuid.UUID]] = {
    OwnerKind.SLIP: Slip.id, OwnerKind.REPAIR: RepairOrder.id, OwnerKind.COMPLAINT: Complaint.id}


def check_files(session: Session, store: FileStore) -> FilesCheck:
    """Re-hash every file an attachment row (not removed) names: once per file."""
    rows = session.execute(select(Attachment.sha256, Attachment.owner_kind, Attachment.owner_id)
                           .where(Attachment.removed_at.is_(None))).all()
    owners: dict[str, set[tuple[str, uuid.UUID]]] = defaultdict(set)
    for sha, kind, owner_id in rows:
        owners[sha].add((kind, owner_id))
    result = FilesCheck(files=len(owners))
    check = StoreCheck(store)
    for sha in sorted(owners):
        try:
            state = check.verify(sha)
        except ValueError:
            state = BlobState.TAMPERED  # a row naming no hash at all
        if state == BlobState.OK:
            result.ok += 1
            continue
        found = result.missing if state == BlobState.MISSING else result.tampered
        found[sha] = _numbers(session, owners[sha])
    return result


def _numbers(session: Session, owners: set[tuple[str, uuid.UUID]]) -> list[str]:
    numbers = []
    for kind, owner_id in sorted(owners, key=lambda o: (o[0], str(o[1]))):
        number: str | None = session.scalar(
            select(_NUMBERS[kind]).where(_IDS[kind] == owner_id)) if kind in _NUMBERS else None
        numbers.append(number or f"…{str(owner_id)[-6:]}")
    return numbers
