"""Do a laptop and the archive agree? Counts and hashes per table, within the user's scope.

The laptop sends (table, id, hash) of every synchronised record it holds that is not
waiting in its outbox (`fieldapp sync --check`), one page at a time: a page is one
table's records in a contiguous id range (`after` < id <= `through`; no `after`: from
the first id, no `through`: to the last). The archive answers for that range: how many
records it holds in the user's scope, how many of the laptop's match, and names the
records that differ, that the archive does not have, and that the laptop lacks — the
last is correct page by page because the laptop sent every id it holds in the range.
Should the archive hold more than PAGE_LIMIT ids in the range, it answers for the first
PAGE_LIMIT only and says where it stopped (`through` of its answer); the laptop starts
its next page there. A record outside the user's scope is neither confirmed nor denied
(it may be device history the laptop was given): that is no disagreement and reveals
nothing.

Why pages: one request of 160,000 records (23 MiB) held the event loop while it was
parsed and validated and stalled every other request 3.2–3.9 s (docs/reliability.md);
a page of 20,000 is parsed in a fraction of that, and the archive reads only the owner
columns of the range plus the full records of the ids the laptop sent.

Equal records are not enough: what people act on is what each side *shows* — a request's
status and assignee, derived from its slips and events (fieldapp.workflows.request_state).
With the service requests' pages the laptop also sends, per request in the range, what
it shows; the archive derives the same from its records and names every request shown
otherwise (issue 19, item 4: a reassignment the old engineer's laptop never received was
"consistent" by hashes alone). Records are named by their numbers
(fieldapp.sync.status.record_labels), never by table and id.

This is an on-demand check, not part of every round.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from fieldapp.archive.rules import Actor, uuid_or_none
from fieldapp.archive.visibility import Visibility
from fieldapp.store.models import ServiceRequest
from fieldapp.store.tables import SYNC_MODELS
from fieldapp.sync.status import record_labels
from fieldapp.sync.wire import read_records
from fieldapp.workflows.request_state import derive_many

MAX_LISTED = 200  # records named per kind of disagreement and page (the counts are complete)
PAGE_LIMIT = 25_000  # archive ids answered for per page (the laptop sends 20,000 at most)


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
    through: str | None = None  # the last id answered for; None: to the table's end


def check_page(session: Session, *, actor: Actor, table: str, after: str | None,
               through: str | None, records: Sequence[tuple[str, str]],
               views: Sequence[tuple[str, str, str]] = (),
               complete: bool = False) -> CheckResult:
    """Compare one page: `table`'s records (id, hash) with after < id <= through (either
    end open), and the laptop's views of its requests there (id, status, assignee).
    Records and views outside the range are not looked at. `complete`: every record of
    the page the archive does not have is named, not only the first MAX_LISTED (a full
    re-sync offers them again)."""
    model = SYNC_MODELS[table]
    low, high = uuid_or_none(after) if after else None, uuid_or_none(through) if through else None
    column = model.__table__.c.id
    query = select(column).order_by(column).limit(PAGE_LIMIT + 1)
    if low is not None:
        query = query.where(column > low)
    if high is not None:
        query = query.where(column <= high)
    ids = list(session.scalars(query))
    if len(ids) > PAGE_LIMIT:  # more here than one page: answer for the first PAGE_LIMIT
        ids = ids[:PAGE_LIMIT]
        high = ids[-1]

    def in_range(record_id: uuid.UUID | None) -> bool:
        return record_id is not None and (low is None or record_id > low) and (
            high is None or record_id <= high)

    mine: dict[uuid.UUID, str] = {}
    for given_id, digest in records:
        record_id = uuid_or_none(given_id)
        if record_id is not None and in_range(record_id):
            mine[record_id] = digest
    visibility = Visibility(session, actor)
    scope = visibility.visible_ids(table, ids)
    held = set(ids)
    stored = read_records(session, table, [i for i in mine if i in held])
    result = CheckResult(tables=[], through=None if high is None else str(high))
    check = TableCheck(table, laptop=len(mine), archive=len(scope))
    for record_id, digest in mine.items():
        copy = stored.get(record_id)
        if copy is not None and copy["hash"] == digest:
            check.same += 1
        elif record_id in scope:
            _note(result, result.different, table, record_id)
        elif copy is None:
            _note(result, result.not_in_archive, table, record_id, listed=complete)
        # else: held but outside the scope, and different: neither confirmed nor denied
    for record_id in sorted(scope - mine.keys()):
        _note(result, result.not_on_laptop, table, record_id)
    result.tables.append(check)
    if table == "service_requests":
        _compare_views(session, result, visibility,
                       [v for v in views if in_range(uuid_or_none(v[0]))])
    _label(session, result)
    return result


def check_all(session: Session, *, actor: Actor, records: Sequence[tuple[str, str, str]],
              views: Sequence[tuple[str, str, str]]) -> CheckResult:
    """The whole check in one call (table, id, hash): every table page by page, as a
    laptop before the paged check asks for it (its set is complete, so each page is)."""
    whole = CheckResult(tables=[])
    for table in SYNC_MODELS:
        mine = [(i, h) for t, i, h in records if t == table]
        shown = views if table == "service_requests" else ()
        totals = TableCheck(table)
        after: str | None = None
        while True:
            page = check_page(session, actor=actor, table=table, after=after, through=None,
                              records=mine, views=shown)
            for check in page.tables:
                totals.laptop += check.laptop
                totals.archive += check.archive
                totals.same += check.same
            whole.disagreements += page.disagreements
            for kind in ("different", "not_in_archive", "not_on_laptop", "shown_differently"):
                listed: list[dict[str, str]] = getattr(whole, kind)
                listed += getattr(page, kind)[:max(0, MAX_LISTED - len(listed))]
            if page.through is None:
                break
            after = page.through
        whole.tables.append(totals)
    return whole


def _compare_views(session: Session, result: CheckResult, visibility: Visibility,
                   views: list[tuple[str, str, str]]) -> None:
    """Each request in scope that the laptop shows with another status or assignee."""
    shown: dict[uuid.UUID, tuple[str, str]] = {}
    for view_id, status, assignee in views:
        request_id = uuid_or_none(view_id)
        if request_id is not None:
            shown[request_id] = (status, assignee)
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
        (status, assignee), there = shown[row.id], derived[row.id]
        archive_assignee = there.assignee_code or ""
        if (status, assignee) == (there.status, archive_assignee):
            continue
        result.disagreements += 1
        if len(result.shown_differently) < MAX_LISTED:
            result.shown_differently.append({
                "id": str(row.id), "number": row.number,
                "laptop_status": status, "laptop_assignee": assignee,
                "archive_status": there.status, "archive_assignee": archive_assignee})


def _label(session: Session, result: CheckResult) -> None:
    """Name the records the archive holds by their numbers (the laptop names its own)."""
    refs = result.different + result.not_on_laptop
    labels = record_labels(session, [(r["table"], uuid.UUID(r["id"])) for r in refs])
    for ref in refs:
        ref["label_zh"], ref["label_en"] = labels[(ref["table"], uuid.UUID(ref["id"]))]


def _note(result: CheckResult, where: list[dict[str, str]], table: str,
          record_id: uuid.UUID, *, listed: bool = False) -> None:
    result.disagreements += 1
    if listed or len(where) < MAX_LISTED:
        where.append({"table": table, "id": str(record_id)})
