"""Compare this laptop with the archive after a sync: counts and hashes per table within
the user's scope, and what each side shows of every request — its status and assignee
(`fieldapp sync --check`, docs/sync-protocol.md), one page of at most CHECK_PAGE items
at a time (one request of the whole set stalled the archive). A disagreement is reported
record by record, never smoothed over: a record changed or added behind the app's back,
one the archive lost, or a request this laptop shows as someone else's than the archive
does (a reassignment that never arrived) shows up here, named by its number.
"""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from fieldapp.records.service_requests import STATUS_LABELS
from fieldapp.store import Store
from fieldapp.store.models import ServiceRequest, SyncOutbox
from fieldapp.store.tables import SYNC_MODELS
from fieldapp.sync.errors import ServerError
from fieldapp.sync.status import TABLE_LABELS, record_labels
from fieldapp.sync.wire import CHECK_PAGE, read_records
from fieldapp.workflows.request_state import derive_many

if TYPE_CHECKING:
    from fieldapp.sync.client import ArchiveClient

MAX_LISTED = 200  # records named per kind of disagreement (the counts are complete)

KINDS = {
    "different": ("内容与档案不一致", "differs from the archive's copy"),
    "not_in_archive": ("档案中没有（也不在待上传队列中）",
                       "not in the archive (and not waiting to be sent)"),
    "not_on_laptop": ("本机缺少档案中的记录", "in the archive but missing on this laptop"),
}


@dataclass
class ArchiveCheck:
    agree: bool
    disagreements: int
    tables: list[dict[str, Any]]
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # kind, table, id
    labels: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (zh, en)
    shown_differently: list[dict[str, str]] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # not in the archive

    def lines(self) -> list[tuple[str, str]]:
        """(zh, en) lines for the user: records by their numbers, never by table and id."""
        out = []
        for kind, table, record_id in self.problems:
            zh, en = KINDS[kind]
            name_zh, name_en = self.labels.get((table, record_id)) or _unnamed(table, record_id)
            out.append((f"{name_zh}：{zh}", f"{name_en}: {en}"))
        for view in self.shown_differently:
            here_zh, here_en = _shown(view["laptop_status"], view["laptop_assignee"])
            there_zh, there_en = _shown(view["archive_status"], view["archive_assignee"])
            number = view["number"]
            out.append((f"服务请求 {number}：本机显示{here_zh}，档案中为{there_zh}",
                        f"Service request {number}: shown here as {here_en}, in the "
                        f"archive as {there_en}"))
        return out


def _unnamed(table: str, record_id: str) -> tuple[str, str]:
    zh, en = TABLE_LABELS.get(table, (table, table))
    return f"{zh} …{record_id[-6:]}", f"{en} …{record_id[-6:]}"


def _shown(status: str, assignee: str) -> tuple[str, str]:
    zh, en = STATUS_LABELS.get(status, (status, status))
    if not assignee:
        return f"“{zh}、未指派”", f"{en.lower()}, unassigned"
    return f"“{zh}、由 {assignee} 负责”", f"{en.lower()}, assigned to {assignee}"


def local_records(store: Store) -> list[dict[str, str]]:
    """(table, id, hash) of every synchronised record here that the archive should have:
    everything except what is still waiting in the outbox (pending or refused)."""
    with store.read() as session:
        waiting = set(session.execute(select(SyncOutbox.table_name, SyncOutbox.record_id)))
        out = []
        for table, model in SYNC_MODELS.items():
            ids = [i for i in session.scalars(select(model.__table__.c.id))
                   if (table, i) not in waiting]
            for start in range(0, len(ids), 500):
                for record_id, record in read_records(session, table,
                                                      ids[start:start + 500]).items():
                    out.append({"table": table, "id": str(record_id), "hash": record["hash"]})
        return out


def local_views(store: Store) -> list[dict[str, str]]:
    """How this laptop shows each request it holds: derived status and assignee's code."""
    with store.read() as session:
        rows = session.execute(select(ServiceRequest.id, ServiceRequest.status,
                                      ServiceRequest.assigned_engineer_id)).all()
        derived = derive_many(session, [(r.id, r.status, r.assigned_engineer_id)
                                        for r in rows])
    return [{"id": str(request_id), "status": view.status, "assignee": view.assignee_code or ""}
            for request_id, view in derived.items()]


def check_with_archive(store: Store, client: ArchiveClient, *, page: int = CHECK_PAGE,
                       complete: bool = False) -> ArchiveCheck:
    """Check table by table, page by page: each page holds every record (and, for
    service requests, every request view) this laptop has in one contiguous id range, at
    most `page` items, so the archive can name what in that range the laptop lacks.
    `complete`: `missing` lists every record here the archive does not have."""
    records, views = local_records(store), local_views(store)
    result = ArchiveCheck(agree=True, disagreements=0, tables=[])
    for table in SYNC_MODELS:
        mine = {uuid.UUID(r["id"]): r for r in records if r["table"] == table}
        shown = ({uuid.UUID(v["id"]): v for v in views} if table == "service_requests"
                 else {})
        counts = {"laptop": 0, "archive": 0, "same": 0}
        for answer in _pages(client, table, mine, shown, page, complete=complete):
            for key in counts:
                counts[key] += sum(int(t[key]) for t in answer["tables"])
            _take(result, answer)
        result.tables.append({"table": table, **counts})
    here = [(table, uuid.UUID(record_id)) for _kind, table, record_id in result.problems
            if table in SYNC_MODELS]
    with store.read() as session:  # what the archive does not hold, named from here
        for (table, record_id), label in record_labels(session, here).items():
            result.labels.setdefault((table, str(record_id)), label)
    result.agree = result.disagreements == 0
    return result


def _pages(client: ArchiveClient, table: str, mine: dict[uuid.UUID, dict[str, str]],
           shown: dict[uuid.UUID, dict[str, str]], page: int, *,
           complete: bool = False) -> Iterator[dict[str, Any]]:
    """The archive's answers for `table`, page by page, until it has covered the table.
    A page ends where `page` items are reached; the archive may stop sooner (it holds
    more in the range than one page) and says where: the next page starts there."""
    keys = sorted(mine.keys() | shown.keys())
    after: uuid.UUID | None = None
    start = 0
    while True:
        end, items = start, 0
        while end < len(keys) and items + (keys[end] in mine) + (keys[end] in shown) <= page:
            items += (keys[end] in mine) + (keys[end] in shown)
            end += 1
        through = keys[end - 1] if end < len(keys) else None
        answer = client.check(table, after=after, through=through,
                              records=[mine[k] for k in keys[start:end] if k in mine],
                              requests=[shown[k] for k in keys[start:end] if k in shown],
                              complete=complete)
        yield answer
        covered = answer.get("through")
        if covered is None:
            return
        reached = uuid.UUID(str(covered))
        if after is not None and reached <= after:  # no progress: never loop for ever
            raise ServerError(500, "档案服务器的核对结果无效。",
                              "The archive's check answer is not valid.")
        after = reached
        start = bisect.bisect_right(keys, reached)


def _take(result: ArchiveCheck, answer: dict[str, Any]) -> None:
    """Add one page's answer to the whole check's."""
    result.disagreements += int(answer["disagreements"])
    result.missing += [(ref["table"], ref["id"]) for ref in answer["not_in_archive"]]
    for kind in KINDS:
        listed = sum(1 for k, _t, _i in result.problems if k == kind)
        for ref in answer[kind][:max(0, MAX_LISTED - listed)]:
            result.problems.append((kind, ref["table"], ref["id"]))
            if ref.get("label_zh"):
                result.labels[(ref["table"], ref["id"])] = (ref["label_zh"], ref["label_en"])
    room = MAX_LISTED - len(result.shown_differently)
    result.shown_differently += list(answer.get("shown_differently") or [])[:max(0, room)]
