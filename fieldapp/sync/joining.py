"""A laptop joining an archive with records of its own (`fieldapp login`).

Records made on a laptop before it joined an archive — `fieldapp demo` data, or work done
before the company had an archive — refer to the laptop's own customers and engineers.
The archive keeps its own reference data (customers, engineers, contracts… imported by the
service centre, `fieldapp-archive import`) and refuses the rest: reference data pushed by
an engineer (`forbidden`), requests and slips of engineers it does not know under those
ids (`not_yours`), rows whose customer it does not hold (`not_stored`)
(fieldapp.archive.rules). Sent anyway, they came back refused on every sync.

So the first login to an archive with such records waiting asks what to do with them:

- keep them local (`keep_local`): their outbox entries become `local` — never sent, never
  counted as refused (fieldapp.store.outbox); what refers to them later is held back too
  (fieldapp.sync.local_only); where one of them holds a code the archive's reference data
  uses, it gives way when that is pulled (fieldapp.sync.clashes);
- start a clean store (`start_fresh`): the old store is moved aside to a dated file in the
  data folder (never deleted) and an empty one is made; this laptop's number sequences
  are carried over, so a number it gave once is not given again;
- send them (staff and admin accounts only: the service centre may add reference data).

Once joined (`JOINED` in `sync_state`), later logins to the same archive ask nothing.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldappError
from fieldapp.store import DB_FILENAME, open_store, outbox
from fieldapp.store.models import NumberSequence, SyncOutbox
from fieldapp.sync import state

JOINED = "joined_archive"  # sync_state: the archive whose first login sorted these out
CHOICES = ("keep", "fresh", "send")
SENDERS = ("staff", "admin")  # roles whose own records the archive may accept
ROLE_LABELS = {"engineer": ("工程师", "engineer"), "staff": ("服务中心", "staff"),
               "admin": ("管理员", "admin"), "customer": ("客户", "customer")}


@dataclass(frozen=True)
class Unsent:
    """Records waiting to be sent when a laptop first logs in to an archive."""

    by_table: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_table.values())


def unsent_before_joining(session: Session, server: str, previous_server: str = ""
                          ) -> Unsent | None:
    """What the first login to `server` must ask about (None: nothing to ask)."""
    joined = state.get(session, JOINED)
    if joined == server:
        return None
    if not joined and previous_server == server and state.cursor(session) > 0:
        return None  # joined and pulled with a version that did not ask: already sorted
    counts = dict(session.execute(
        select(SyncOutbox.table_name, func.count())
        .where(SyncOutbox.state.in_((outbox.PENDING, outbox.REFUSED)))
        .group_by(SyncOutbox.table_name)).all())
    return Unsent(counts) if counts else None


def mark_joined(session: Session, server: str) -> None:
    state.put(session, JOINED, server)


def keep_local(session: Session) -> int:
    """Every record waiting to be sent stays on this laptop, unsent."""
    return outbox.keep_local(session)


def backup_name(folder: Path, now: datetime) -> Path:
    stem = f"fieldapp-backup-{now:%Y%m%d-%H%M%S}"
    path, n = folder / f"{stem}.db", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}.db"
    return path


def start_fresh(data_dir: Path, now: datetime) -> Path:
    """Move the store aside to a dated file in the data folder, make an empty one with
    this laptop's number sequences, and return where the old one is now. The store must
    not be open elsewhere in this process."""
    old = open_store(data_dir)
    try:
        with old.read() as session:
            sequences = [{"kind": s.kind, "operator_code": s.operator_code, "day": s.day,
                          "last": s.last} for s in session.scalars(select(NumberSequence))]
    finally:
        old.close()  # the last connection: SQLite folds the write-ahead log back in
    source = data_dir / DB_FILENAME
    target = backup_name(data_dir, now)
    try:
        os.replace(source, target)
        for suffix in ("-wal", "-shm"):  # left behind only if another program holds it
            leftover = source.with_name(source.name + suffix)
            if leftover.exists():
                os.replace(leftover, target.with_name(target.name + suffix))
    except OSError as exc:
        with contextlib.suppress(OSError):
            if target.exists() and not source.exists():
                os.replace(target, source)
        raise FieldappError(
            f"无法把数据库移到 {target}：{exc.strerror or exc}。什么都没有改变。",
            f"Could not move the store to {target}: {exc.strerror or exc}. "
            "Nothing was changed.") from exc
    fresh = open_store(data_dir)
    try:
        if sequences:
            with fresh.write() as session:
                session.execute(insert(NumberSequence), sequences)
    finally:
        fresh.close()
    return target
