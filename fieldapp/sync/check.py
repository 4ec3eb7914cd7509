"""Compare this laptop with the archive after a sync: counts and hashes per table within
the user's scope, and what each side shows of every request — its status and assignee
(`fieldapp sync --check`, docs/sync-protocol.md). A disagreement is reported record by
record, never smoothed over: a record changed or added behind the app's back, one the
archive lost, or a request this laptop shows as someone else's than the archive does
(a reassignment that never arrived) shows up here, named by its number.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from fieldapp.records.service_requests import STATUS_LABELS
from fieldapp.store import Store
from fieldapp.store.models import ServiceRequest, SyncOutbox
from fieldapp.store.tables import SYNC_MODELS
from fieldapp.sync.status import TABLE_LABELS, record_labels
from fieldapp.sync.wire import read_records
from fieldapp.workflows.request_state import derive_many

if TYPE_CHECKING:
    from fieldapp.sync.client import ArchiveClient

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


def check_with_archive(store: Store, client: ArchiveClient) -> ArchiveCheck:
    answer = client.check(local_records(store), local_views(store))
    problems = [(kind, ref["table"], ref["id"]) for kind in KINDS for ref in answer[kind]]
    labels = {(ref["table"], ref["id"]): (ref["label_zh"], ref["label_en"])
              for kind in KINDS for ref in answer[kind] if ref.get("label_zh")}
    here = [(table, uuid.UUID(record_id)) for _kind, table, record_id in problems
            if table in SYNC_MODELS]
    with store.read() as session:  # what the archive does not hold, named from here
        for (table, record_id), label in record_labels(session, here).items():
            labels.setdefault((table, str(record_id)), label)
    return ArchiveCheck(agree=bool(answer["agree"]), disagreements=int(answer["disagreements"]),
                        tables=answer["tables"], problems=problems, labels=labels,
                        shown_differently=list(answer.get("shown_differently") or []))
