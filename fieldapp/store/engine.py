"""Opening the local SQLite store safely.

- WAL with synchronous=FULL: a save that returned survives a crash or power loss.
- Write transactions BEGIN IMMEDIATE, so two writers queue at the start (busy timeout)
  instead of failing half-way; read transactions stay deferred so readers never block.
- One Session per operation (`store.write()` / `store.read()`), never shared across threads.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

from fieldapp.base.errors import FieldappError, StorageError

if TYPE_CHECKING:
    from fieldapp.base.device_keys import DeviceKey

log = logging.getLogger("fieldapp.store")

BUSY_TIMEOUT_MS = 10_000
DB_FILENAME = "fieldapp.db"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("fieldapp_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


def create_sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    _configure_sqlite(engine)
    return engine


# The OS-level ones (disk full, read-only, cannot open, I/O) name the database file.
_NAMES_THE_FILE = ("database or disk is full", "readonly database", "unable to open database",
                   "disk i/o error")
_KNOWN_SQLITE_FAILURES: tuple[tuple[str, str, str], ...] = (
    ("database or disk is full", "磁盘已满，无法保存。请释放磁盘空间后重试，已输入的内容未丢失。",
     "The disk is full; nothing was saved. Free some space and try again."),
    ("readonly database", "数据文件夹只读，无法保存。请检查文件夹权限。",
     "The data folder is read-only; nothing was saved. Check the folder's permissions."),
    ("database is locked", "数据库正被其他程序占用，请稍后重试。",
     "The database is busy in another program; try again in a moment."),
    ("file is not a database",
     "数据文件已损坏或不是 fieldapp 数据库。请从备份恢复（见 docs/reliability.md）。",
     "The data file is damaged or not a fieldapp database. Restore it from a backup."),
    ("malformed", "数据文件已损坏。请从备份恢复（见 docs/reliability.md）。",
     "The data file is damaged. Restore it from a backup."),
    ("could not decode to utf-8",
     "数据文件中有损坏的文字（被改动或磁盘损坏）。请从备份恢复（见 docs/reliability.md）。",
     "The data file holds damaged text (edited by hand or a failing disk). Restore it "
     "from a backup (see docs/reliability.md)."),
    ("unable to open database", "无法打开数据文件，请检查数据文件夹是否存在且可写。",
     "Cannot open the data file; check that the data folder exists and is writable."),
    ("disk i/o error", "磁盘读写错误，无法保存。", "A disk I/O error stopped the save."),
    ("sealed", "数据库拒绝修改已封存的服务单。", "The database refused to change a sealed slip."),
    ("append-only", "数据库拒绝修改或删除只追加的记录（事件、送修登记、档案条目）。",
     "The database refused to change or delete an append-only record "
     "(event, repair intake, archive entry)."),
)


def storage_error_from(exc: BaseException, path: Path | None = None) -> StorageError | None:
    """Translate a known SQLite failure into a StorageError the user can act on; an
    OS-level one names the database file `path` when given."""
    text = str(getattr(exc, "orig", exc)).lower()
    for needle, zh, en in _KNOWN_SQLITE_FAILURES:
        if needle in text:
            if path is not None and needle in _NAMES_THE_FILE:
                zh, en = f"{zh}（数据文件 {path}）", f"{en} (data file {path})"
            return StorageError(zh, en)
    return None


def os_level_failure(exc: BaseException) -> bool:
    """True for a failure of the disk or folder (full, read-only, cannot open, I/O), not
    of the database's content or of another program holding it."""
    text = str(getattr(exc, "orig", exc)).lower()
    return any(needle in text for needle in _NAMES_THE_FILE)


class Store:
    """The local database: an engine plus short-lived sessions for reads and writes."""

    def __init__(self, engine: Engine, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        self._device_key: DeviceKey | None = None
        self._device_key_lock = threading.Lock()  # two threads must not make two keys
        # sessions know their store: sealing signs with its device key (fieldapp.records.slips)
        self._write_sessions = sessionmaker(engine, expire_on_commit=False,
                                            info={"store": self})
        self.write_sessions = self._write_sessions  # for session event listeners
        self.outbox_tracked = False  # set once by fieldapp.store.outbox.track_changes
        self._read_sessions = sessionmaker(
            engine.execution_options(fieldapp_begin="DEFERRED"), expire_on_commit=False,
            info={"store": self},
        )

    @property
    def data_dir(self) -> Path | None:
        return self.path.parent if self.path is not None else None

    def device_key(self) -> DeviceKey:
        """This laptop's seal-signing key (fieldapp.base.device_keys), read or made once."""
        with self._device_key_lock:
            if self._device_key is None:
                from fieldapp.base.device_keys import ephemeral_key, load_device_key

                folder = self.data_dir
                self._device_key = (ephemeral_key() if folder is None
                                    else load_device_key(folder))
            return self._device_key

    def forget_device_key(self) -> None:
        """After a re-key: the next seal reads the new key."""
        self._device_key = None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed (durably) on success, rolled back on any error."""
        with self._guard(), self._write_sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._guard(), self._read_sessions() as session, session.begin():
            yield session

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except FieldappError:
            raise
        except (sa_exc.OperationalError, sa_exc.DatabaseError, sqlite3.DatabaseError) as exc:
            known = storage_error_from(exc, self.path)
            if known is None:
                raise
            log.warning("storage failure: %s", exc)
            raise known from exc

    def close(self) -> None:
        self.engine.dispose()
