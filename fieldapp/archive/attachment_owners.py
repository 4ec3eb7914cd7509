"""Whose record an attachment is added to (issue 21): an engineer's push may attach a
picture or file only to a slip, repair order or complaint the engineer may write.

The rule is the one the archive applies to the owning record itself, not one of its own:
`rules.may_push` (a slip or repair order of theirs, a complaint they recorded) and
`ownership.Assignments` (work on a request assigned to them). Staff and admins, who may
push any record, attach to any. The attachment row's own `added_by` is checked by
`may_push` as before.

The owner is judged as the archive holds it, else as the same batch brings it
(attachments travel before their owners, `fieldapp.store.tables.SYNC_MODELS`, so a new
slip's pictures come first). An owner in neither — a laptop's next batch — is not judged
here: its own push is, and a slip whose pictures an engineer cannot see cannot be named
by them (ids are random). A stored attachment never moves to another record. On a
sealed slip, for anyone, a row must be as the slip's seal lists it
(`fieldapp.archive.sealed_attachments`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from fieldapp.archive.ownership import Assignments
from fieldapp.archive.rules import Actor, Reason, may_push, uuid_or_none
from fieldapp.archive.sealed_attachments import SealedAttachments
from fieldapp.store.attachment_models import OwnerKind
from fieldapp.store.models import Slip
from fieldapp.store.workflow_models import Complaint, RepairOrder

OWNER_TABLES: dict[str, str] = {OwnerKind.SLIP: "slips", OwnerKind.REPAIR: "repair_orders",
                                OwnerKind.COMPLAINT: "complaints"}
_MODELS = {"slips": Slip, "repair_orders": RepairOrder, "complaints": Complaint}
# what may_push and Assignments read of an owner, and its number for the reason
_COLUMNS = ("id", "number", "engineer_id", "request_id")
_RECORDED_BY = {"complaints": "recorded_by"}
_NAMES = {"slips": ("服务单", "slip"), "repair_orders": ("送修单", "repair order"),
          "complaints": ("投诉", "complaint")}
_CHUNK = 500


def _owner(row: dict[str, Any]) -> tuple[str | None, uuid.UUID | None]:
    return OWNER_TABLES.get(str(row.get("owner_kind"))), uuid_or_none(row.get("owner_id"))


class AttachmentOwners:
    """The owners a batch's attachment rows name, read once a batch (nothing for staff)."""

    def __init__(self, session: Session, actor: Actor, assignments: Assignments) -> None:
        self.session, self.actor, self.assignments = session, actor, assignments
        self.stored: dict[tuple[str, uuid.UUID], dict[str, Any]] = {}
        self.batch: dict[tuple[str, uuid.UUID], dict[str, Any]] = {}
        self.sealed = SealedAttachments(session)  # what sealed slips' pictures must stay

    def load(self, rows: Iterable[tuple[str, Any]]) -> None:
        """The batch's (table, row) pairs: its owners as the archive holds them, and the
        owner rows the batch itself brings; the sealed slips they name, for anyone."""
        rows = list(rows)
        self.sealed.load(rows)
        if self.actor.sees_everything:
            return
        wanted: dict[str, set[uuid.UUID]] = {}
        for table, row in rows:
            if not isinstance(row, dict):
                continue
            if table == "attachments":
                owner_table, owner_id = _owner(row)
                if owner_table is not None and owner_id is not None:
                    wanted.setdefault(owner_table, set()).add(owner_id)
            elif table in _MODELS and (row_id := uuid_or_none(row.get("id"))) is not None:
                self.batch[(table, row_id)] = row
        for table, ids in wanted.items():
            columns = _table(table).c
            chosen = [columns[name] for name in (*_COLUMNS, *(
                [_RECORDED_BY[table]] if table in _RECORDED_BY else []))]
            ordered = sorted(ids)
            for start in range(0, len(ordered), _CHUNK):
                for found in self.session.execute(select(*chosen).where(
                        columns.id.in_(ordered[start:start + _CHUNK]))).mappings():
                    self.stored[(table, found["id"])] = dict(found)
        self.assignments.want(uuid_or_none(owner.get("request_id"))
                              for owner in [*self.stored.values(), *self.batch.values()])

    def refusal(self, row: dict[str, Any], existing: dict[str, Any] | None) -> Reason | None:
        """None if this actor may add (or change) this attachment on the record it names
        and, on a sealed slip, it is as the seal lists it; else why not."""
        owner_table, owner_id = _owner(row)
        if existing is not None and _owner(existing["row"]) != (owner_table, owner_id):
            return ("attachment_moved", "附件不能转到另一条记录上。",
                    "An attachment cannot move to another record.")
        return self._not_theirs(owner_table, owner_id) or self.sealed.refusal(row)

    def _not_theirs(self, owner_table: str | None, owner_id: uuid.UUID | None
                    ) -> Reason | None:
        if self.actor.sees_everything:
            return None
        if owner_table is None or owner_id is None:
            return ("invalid", "附件所属记录无效（应为服务单、送修单或投诉）。",
                    "The attachment's record is not valid (a slip, repair order or "
                    "complaint).")
        key = (owner_table, owner_id)
        owner = self.stored.get(key) or self.batch.get(key)
        if owner is None:
            return None  # not here yet: see the module's docstring
        name_zh, name_en = _NAMES[owner_table]
        number = str(owner.get("number") or owner_id)
        code = self.actor.user.engineer_code
        if may_push(self.actor, owner_table, owner, None) is not None:
            return ("owner_not_yours",
                    f"附件所属的{name_zh} {number} 不是您的记录，{code} 不能为它添加图片或文件。",
                    f"The {name_en} {number} this attachment belongs to is not yours; {code} "
                    "may not add pictures or files to it.")
        assigned = self.assignments.refusal(owner_table, owner)
        if assigned is not None:
            return (assigned[0], f"附件所属的{name_zh} {number}：{assigned[1]}",
                    f"The {name_en} {number} this attachment belongs to: {assigned[2]}")
        return None


def _table(name: str) -> Table:
    table = _MODELS[name].__table__
    assert isinstance(table, Table)
    return table
