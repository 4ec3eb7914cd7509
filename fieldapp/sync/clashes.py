"""A pulled record whose code or number another record on this laptop holds.

Codes and numbers are unique (an engineer's code, a customer's code, a contract's,
request's or slip's number). A pulled page that meets a local row with the same code but
another id cannot be stored as it is. `find_clashes` names each such meeting, and what
the local row is:

- a record kept on this laptop only (`fieldapp login --keep-local`): a local engineer,
  customer, contract or loaner gives way — its code gets the suffix `-本机` (this
  laptop's), so the archive's record keeps its own and both are on the laptop
  (`make_room`). Signed documents keep the codes they were sealed with, so a local sealed
  slip still verifies. A numbered work record (request, slip…) never changes its number;
- reference data made here that the archive never accepted (the laptop joined with an
  older version, before `fieldapp login` offered the choice): the user is told to choose;
- a numbered work record (a slip signed here, say): two machines gave one number to two
  records (one slip number used on two computers). A draft or unsent request gives way
  (fieldapp.sync.giving_way); otherwise the pulled record is parked
  (fieldapp.sync.parking) and the pull goes on.

`pull_clash_error` words the case for the user; nothing here logs a row's content.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fieldapp.store import outbox
from fieldapp.store.models import SyncOutbox
from fieldapp.store.tables import SYNC_MODELS
from fieldapp.sync.errors import JoinChoiceNeeded, SyncError
from fieldapp.sync.status import TABLE_LABELS
from fieldapp.sync.wire import Values

UNIQUE_COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(c.name for c in model.__table__.columns if c.unique)
    for table, model in SYNC_MODELS.items()
}
# Reference data whose code may change without touching anything signed.
MOVABLE = ("engineers", "customers", "contracts", "loaners")
LOCAL_SUFFIX = "-本机"


@dataclass(frozen=True)
class Clash:
    table: str
    column: str
    value: str
    local_id: uuid.UUID
    state: str | None  # the local row's outbox state; None: acknowledged or pulled

    @property
    def movable(self) -> bool:
        return self.state == outbox.LOCAL and self.table in MOVABLE

    @property
    def needs_choice(self) -> bool:
        """Reference data made here that the archive never accepted: the user chooses."""
        return self.table in MOVABLE and self.state in (outbox.PENDING, outbox.REFUSED)


def find_clashes(session: Session, records: list[Values]) -> list[Clash]:
    """Every local row holding a code or number of one of these records under another id."""
    incoming: dict[tuple[str, str], dict[str, uuid.UUID]] = {}
    for record in records:
        table, row = record.get("table"), record.get("row") or {}
        for column in UNIQUE_COLUMNS.get(str(table), ()):
            if row.get(column) is not None:
                incoming.setdefault((str(table), column), {})[str(row[column])] = uuid.UUID(
                    str(record["id"]))
    found: list[tuple[str, str, str, uuid.UUID]] = []
    for (table, column), values in incoming.items():
        model_table = SYNC_MODELS[table].__table__
        col = model_table.c[column]
        for start in range(0, len(values), 500):
            chunk = list(values)[start:start + 500]
            for local_id, value in session.execute(
                    select(model_table.c.id, col).where(col.in_(chunk))):
                if values.get(str(value)) != local_id:
                    found.append((table, column, str(value), local_id))
    states = dict(session.execute(select(SyncOutbox.record_id, SyncOutbox.state).where(
        SyncOutbox.record_id.in_({f[3] for f in found}))).all()) if found else {}
    return [Clash(t, c, v, i, states.get(i)) for t, c, v, i in found]


def make_room(session: Session, clashes: list[Clash], records: list[Values]) -> None:
    """Give each local-only holder a free code of its own (`E07` → `E07-本机`)."""
    given: set[str] = set()
    for clash in clashes:
        table = SYNC_MODELS[clash.table].__table__
        column = table.c[clash.column]
        taken = given | {str((r.get("row") or {}).get(clash.column)) for r in records
                         if r.get("table") == clash.table}
        for n in range(1, 1000):
            candidate = f"{clash.value}{LOCAL_SUFFIX}{n if n > 1 else ''}"
            if candidate not in taken and session.scalar(
                    select(table.c.id).where(column == candidate)) is None:
                break
        session.execute(update(table).where(table.c.id == clash.local_id)
                        .values({clash.column: candidate}))
        given.add(candidate)


def pull_clash_error(clashes: list[Clash]) -> SyncError:
    """What to tell the user when a pulled page meets reference data made here that the
    archive never accepted: they choose what becomes of it. (Every other clash parks
    the pulled record and the pull goes on: fieldapp.sync.rounds.)"""
    for clash in clashes:
        if clash.needs_choice:
            zh, en = TABLE_LABELS.get(clash.table, (clash.table, clash.table))
            return JoinChoiceNeeded(
                f"下载已停止：档案中的{zh} {clash.value} 与本机自己建立、档案从未接收的{zh}同号。"
                "这些本机记录（例如演示数据）请重新运行 fieldapp login 并加 --keep-local"
                "（留在本机、不上传）或 --fresh-store（换用新的空数据库）。本机数据未丢失。",
                f"Pull stopped: the archive's {en.lower()} {clash.value} has the same "
                f"{_column_en(clash.column)} as one made on this laptop that the archive "
                "never accepted. Run fieldapp login again with --keep-local (keep "
                "such records, demo data say, on this laptop, unsent) or --fresh-store "
                "(start a clean store). Nothing here was lost.")
    return SyncError(
        "下载已停止：下载的记录无法存入本机数据库。本机数据未丢失，请联系服务中心。",
        "Pull stopped: pulled records could not be stored in this laptop's database. "
        "Nothing here was lost; contact the service centre.")


def _column_en(column: str) -> str:
    return {"asset_tag": "asset tag"}.get(column, column)
