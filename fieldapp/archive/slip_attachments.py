"""A push batch's view of each sealed slip's attachments, for the seal's recomputation
(format 4 names them: `fieldapp.seal.sealing`): the rows the archive holds, with those
accepted earlier in the same batch over them (attachments travel before their slips,
`fieldapp.store.tables.SYNC_MODELS`). Read once a batch, not a flush per slip."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.store.attachment_models import Attachment, OwnerKind

_CHUNK = 500


class SlipAttachments:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_slip: dict[uuid.UUID, dict[uuid.UUID, Any]] = {}

    def load(self, slip_ids: Iterable[uuid.UUID]) -> None:
        """The stored attachments of these slips (those of the batch come by `remember`)."""
        ids = sorted(set(slip_ids))
        table = Attachment.__table__
        for start in range(0, len(ids), _CHUNK):
            for row in self.session.execute(select(table).where(
                    table.c.owner_kind == OwnerKind.SLIP,
                    table.c.owner_id.in_(ids[start:start + _CHUNK]))).mappings():
                self.remember(dict(row))

    def remember(self, values: Mapping[str, Any]) -> None:
        """An attachment row as it will be stored (an accepted record's values)."""
        if values.get("owner_kind") == OwnerKind.SLIP and values.get("owner_id") is not None:
            self.by_slip.setdefault(values["owner_id"], {})[values["id"]] = SimpleNamespace(
                **values)

    def of(self, slip_id: uuid.UUID | None) -> list[Any]:
        return list(self.by_slip.get(slip_id, {}).values()) if slip_id is not None else []
