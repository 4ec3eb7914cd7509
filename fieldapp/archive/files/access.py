"""Whose files: a file may be sent, fetched or shown only through an attachment row the
archive holds whose owner (slip, repair order, complaint) is in the user's scope, the same
scope as the pull (fieldapp.archive.visibility). A hash no such row names is unknown to
this user, whether or not the archive has the file (existence is not confirmed).
An engineer uploads only the files of attachments they added (docs/sync-protocol.md)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.rules import Actor
from fieldapp.archive.visibility import Visibility
from fieldapp.store.attachment_models import Attachment, OwnerKind

OWNER_TABLES = {OwnerKind.SLIP: "slips", OwnerKind.REPAIR: "repair_orders",
                OwnerKind.COMPLAINT: "complaints"}
_CHUNK = 500


@dataclass(frozen=True)
class Named:
    """A file as the attachment rows in the user's scope name it."""

    sha256: str
    size: int  # the row's size: the upload's length
    media_type: str


def named_files(session: Session, actor: Actor, shas: Iterable[str], *,
                uploading: bool = False) -> dict[str, Named]:
    """Of these hashes, those an attachment row in the actor's scope names. `uploading`:
    an engineer sends only the files of attachments they added themselves (rows they
    pushed), not those of another engineer's slip they can see."""
    wanted = sorted(set(shas))
    rows: list[Attachment] = []
    for start in range(0, len(wanted), _CHUNK):
        rows += session.scalars(select(Attachment).where(
            Attachment.sha256.in_(wanted[start:start + _CHUNK]))).all()
    if not actor.sees_everything:
        if uploading:
            rows = [r for r in rows if r.added_by == actor.user.engineer_code]
        visibility = Visibility(session, actor)
        seen: set[tuple[str, uuid.UUID]] = set()
        for kind, table in OWNER_TABLES.items():
            ids = {r.owner_id for r in rows if r.owner_kind == kind}
            seen.update((kind, i) for i in visibility.visible_ids(table, ids))
        rows = [r for r in rows if (r.owner_kind, r.owner_id) in seen]
    return {r.sha256: Named(r.sha256, r.size, r.media_type) for r in rows}
