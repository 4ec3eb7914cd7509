"""Do a laptop and the archive agree? Counts and hashes per table, within the user's scope.

The laptop sends (table, id, hash) of every synchronised record it holds that is not
waiting in its outbox (`fieldapp sync --check`). The archive answers per table how many
it holds in the user's scope, how many of the laptop's records match, and names the
records that differ, that the archive does not have, and that the laptop lacks. A record
outside the user's scope is neither confirmed nor denied (it may be device history the
laptop was given): that is no disagreement and reveals nothing.

This is an on-demand check, not part of every round: the archive reads every record in
the user's scope.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.rules import Actor
from fieldapp.archive.visibility import Visibility
from fieldapp.sync.wire import SYNC_MODELS, read_records

MAX_LISTED = 200  # records named per kind of disagreement (the counts are complete)


@dataclass
class TableCheck:
    table: str
    laptop: int = 0
    archive: int = 0
    same: int = 0


@dataclass
class CheckResult:
    tables: list[TableCheck]
    different: list[dict[str, str]] = field(default_factory=list)
    not_in_archive: list[dict[str, str]] = field(default_factory=list)
    not_on_laptop: list[dict[str, str]] = field(default_factory=list)
    disagreements: int = 0


def check_records(session: Session, *, actor: Actor, records: list[dict[str, Any]]
                  ) -> CheckResult:
    laptop: dict[str, dict[uuid.UUID, str]] = {t: {} for t in SYNC_MODELS}
    for record in records:
        table = record.get("table")
        if table in laptop:
            try:
                laptop[table][uuid.UUID(str(record.get("id")))] = str(record.get("hash"))
            except ValueError:
                continue
    visibility = Visibility(session, actor)
    result = CheckResult(tables=[])
    for table, model in SYNC_MODELS.items():
        ids = list(session.scalars(select(model.__table__.c.id)))
        stored = read_records(session, table, ids)
        visible = visibility.visible_ids(table, ids)
        scope = {i: r for i, r in stored.items() if i in visible}
        mine = laptop[table]
        check = TableCheck(table, laptop=len(mine), archive=len(scope))
        for record_id, digest in mine.items():
            held = stored.get(record_id)
            if held is not None and held["hash"] == digest:
                check.same += 1
            elif record_id in scope:
                _note(result, result.different, table, record_id)
            elif held is None:
                _note(result, result.not_in_archive, table, record_id)
            # else: held but outside the scope, and different: neither confirmed nor denied
        for record_id in scope.keys() - mine.keys():
            _note(result, result.not_on_laptop, table, record_id)
        result.tables.append(check)
    return result


def _note(result: CheckResult, where: list[dict[str, str]], table: str,
          record_id: uuid.UUID) -> None:
    result.disagreements += 1
    if len(where) < MAX_LISTED:
        where.append({"table": table, "id": str(record_id)})
