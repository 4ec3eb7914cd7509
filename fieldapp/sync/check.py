"""Compare this laptop with the archive after a sync: counts and hashes per table within
the user's scope (`fieldapp sync --check`, docs/sync-protocol.md). A disagreement is
reported record by record, never smoothed over: a record changed or added behind the
app's back, or one the archive lost, shows up here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from fieldapp.store import Store
from fieldapp.store.models import SyncOutbox
from fieldapp.sync.wire import SYNC_MODELS, read_records

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

    def lines(self) -> list[tuple[str, str]]:
        """(zh, en) lines for the user."""
        out = []
        for kind, table, record_id in self.problems:
            zh, en = KINDS[kind]
            out.append((f"{table} {record_id}：{zh}", f"{table} {record_id}: {en}"))
        return out


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


def check_with_archive(store: Store, client: ArchiveClient) -> ArchiveCheck:
    answer = client.check(local_records(store))
    problems = [(kind, ref["table"], ref["id"]) for kind in KINDS for ref in answer[kind]]
    return ArchiveCheck(agree=bool(answer["agree"]), disagreements=int(answer["disagreements"]),
                        tables=answer["tables"], problems=problems)
