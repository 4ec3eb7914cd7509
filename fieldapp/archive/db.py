"""The archive database: SQLite (embedded default) or PostgreSQL, schema by Alembic.

The schema is the core's migrations (the same tables as a laptop) plus the archive's own
history. `Database` hands out one session per request.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from fieldapp.base.errors import PathError, StorageError
from fieldapp.base.files import prepare_folder
from fieldapp.store.engine import create_sqlite_engine, storage_error_from
from fieldapp.store.migrate import upgrade as upgrade_core

log = logging.getLogger("fieldapp.archive.db")

# Any constant; all writers that append to the change log take it (PostgreSQL only).
CHANGE_LOCK_KEY = 0x6669656C64
ENROL_LOCK_KEY = CHANGE_LOCK_KEY + 1


def create_archive_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database:
            raise ValueError("an in-memory SQLite archive is not supported; give a file")
        path = Path(parsed.database)
        # a file in the way, a read-only disk, no permission: a PathError naming the file
        prepare_folder(path.parent, action="database", named=path)
        return create_sqlite_engine(path)
    # Up to 40 connections: FastAPI runs the (synchronous) routes on anyio's thread pool of
    # 40, so a request thread never waits for a connection. With a pool smaller than that,
    # 50 laptops pushing at once (writers queue on the change-log lock, holding their
    # connection) left requests waiting 30 s for one and answering 500
    # (tests/archive/test_load.py). The timeout is a last resort, not a queue.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30,
                         pool_timeout=120)


def backup_sqlite(source: Path, target: Path) -> None:
    """An online copy of the SQLite archive `source` into `target`, a new file: made
    whole or removed again; what the OS or SQLite refuses raises a FieldappError naming
    the file."""
    if not source.is_file():
        raise PathError.from_os_error(FileNotFoundError(errno.ENOENT, "missing"), source,
                                      action="read")
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except OSError as exc:  # it exists, a missing folder, read-only, no permission
        raise PathError.from_os_error(exc, target) from exc
    try:
        with contextlib.closing(sqlite3.connect(source)) as src, \
                contextlib.closing(sqlite3.connect(target)) as dest:
            src.backup(dest)
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        known = storage_error_from(exc, target)
        raise known or StorageError(f"备份失败：{exc}", f"The backup failed: {exc}") from exc


def _archive_config() -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("fieldapp.archive") / "migrations")
    )
    return config


def init_schema(engine: Engine) -> None:
    """Apply the core's and the archive's migrations (idempotent)."""
    upgrade_core(engine)
    config = _archive_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            engine.execution_options(fieldapp_begin="DEFERRED"), expire_on_commit=False
        )

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read_sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def lock_device_enrolment(session: Session) -> None:
    """Serialise logins while a laptop's number block is chosen (two laptops of one
    engineer enrolling at the same instant must not take the same block). A key of its
    own, so a login never waits behind the pushes holding the change-log lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ENROL_LOCK_KEY})


def lock_change_log(session: Session) -> None:
    """Serialise writers that append to the change log, so `seq` order is commit order.

    SQLite writers are serialised already (BEGIN IMMEDIATE). On PostgreSQL a transaction
    holding a lower seq must commit before one with a higher seq becomes visible, or a
    pull could step over it; a transaction-scoped advisory lock gives that.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHANGE_LOCK_KEY})
