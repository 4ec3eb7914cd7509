"""Do a laptop and the archive agree? Counts and hashes per table, within the user's scope.

The laptop sends (table, id, hash) of every synchronised record it holds that is not
waiting in its outbox (`fieldapp sync --check`). The archive answers per table how many
it holds in the user's scope, how many of the laptop's records match, and names the
records that differ, that the archive does not have, and that the laptop lacks. A record
outside the user's scope is neither confirmed nor denied (it may be device history the
laptop was given): that is no disagreement and reveals nothing.

Equal records are not enough: what people act on is what each side *shows* — a request's
status and assignee, derived from its slips and events (fieldapp.workflows.request_state). The
laptop also sends, per request, what it shows; the archive derives the same from its
records and names every request shown otherwise (issue 19, item 4: a reassignment the
old engineer's laptop never received was "consistent" by hashes alone). Records are
named by their numbers (fieldapp.sync.status.record_labels), never by table and id.

This is an on-demand check, not part of every round: the archive reads every record in
the user's scope.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from fieldapp.archive.rules import Actor
from fieldapp.archive.visibility import Visibility
from fieldapp.store.models import ServiceRequest
from fieldapp.store.tables import SYNC_MODELS
from fieldapp.sync.status import record_labels
from fieldapp.sync.wire import read_records
from fieldapp.workflows.request_state import derive_many

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
    shown_differently: list[dict[str, str]] = field(default_factory=list)
    disagreements: int = 0


def check_records(session: Session, *, actor: Actor, records: list[dict[str, Any]],
                  views: list[dict[str, Any]] | None = None) -> CheckResult:
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
    _compare_views(session, result, visibility, views or [])
    _label(session, result)
    return result


def _compare_views(session: Session, result: CheckResult, visibility: Visibility,
                   views: list[dict[str, Any]]) -> None:
    """Each request in scope that the laptop shows with another status or assignee."""
    shown: dict[uuid.UUID, dict[str, Any]] = {}
    for view in views:
        try:
            shown[uuid.UUID(str(view.get("id")))] = view
        except ValueError:
            continue
    in_scope = visibility.visible_ids("service_requests", shown)
    rows: list[Row[uuid.UUID, str, str, uuid.UUID | None]] = []
    ids = sorted(in_scope)
    for start in range(0, len(ids), 500):
        rows += session.execute(
            select(ServiceRequest.id, ServiceRequest.number, ServiceRequest.status,
                   ServiceRequest.assigned_engineer_id)
            .where(ServiceRequest.id.in_(ids[start:start + 500]))).all()
    derived = derive_many(session, [(r.id, r.status, r.assigned_engineer_id) for r in rows])
    for row in rows:
        here, there = shown[row.id], derived[row.id]
        archive_assignee = there.assignee_code or ""
        if (str(here.get("status")), str(here.get("assignee") or "")) == (
                there.status, archive_assignee):
            continue
        result.disagreements += 1
        if len(result.shown_differently) < MAX_LISTED:
            result.shown_differently.append({
                "id": str(row.id), "number": row.number,
                "laptop_status": str(here.get("status")),
                "laptop_assignee": str(here.get("assignee") or ""),
                "archive_status": there.status, "archive_assignee": archive_assignee})


def _label(session: Session, result: CheckResult) -> None:
    """Name the records the archive holds by their numbers (the laptop names its own)."""
    refs = result.different + result.not_on_laptop
    labels = record_labels(session, [(r["table"], uuid.UUID(r["id"])) for r in refs])
    for ref in refs:
        ref["label_zh"], ref["label_en"] = labels[(ref["table"], uuid.UUID(ref["id"]))]


def _note(result: CheckResult, where: list[dict[str, str]], table: str,
          record_id: uuid.UUID) -> None:
    result.disagreements += 1
    if len(where) < MAX_LISTED:
        where.append({"table": table, "id": str(record_id)})
