"""The local store: SQLite through SQLAlchemy, schema by Alembic."""

from __future__ import annotations

import contextlib
from pathlib import Path

from fieldapp.base.files import prepare_folder
from fieldapp.store.engine import (
    DB_FILENAME,
    Store,
    create_sqlite_engine,
    os_level_failure,
    storage_error_from,
)
from fieldapp.store.migrate import upgrade

__all__ = ["DB_FILENAME", "Store", "open_store"]


def open_store(data_dir: Path, *, migrate: bool = True) -> Store:
    """Open (creating if needed) the store in `data_dir`, upgraded to the current schema.

    A folder the OS refuses (missing parent, a file in the way, read-only, no permission)
    raises a PathError naming it before anything is created. The schema is made in one
    transaction; a new store whose disk fails while it is made (full, I/O) is removed
    again, never left half-created (not when another program holds it: it may be making
    the same store)."""
    prepare_folder(data_dir)
    path = data_dir / DB_FILENAME
    new = not path.exists()
    engine = create_sqlite_engine(path)
    if migrate:
        try:
            upgrade(engine)
        except Exception as exc:
            known = storage_error_from(exc, path)
            engine.dispose()
            if new and os_level_failure(exc):
                for leftover in (path, path.with_name(path.name + "-wal"),
                                 path.with_name(path.name + "-shm")):
                    with contextlib.suppress(OSError):
                        leftover.unlink()
            if known is not None:
                raise known from exc
            raise
    store = Store(engine, path)
    # Every change made through this store is queued for the archive in its own
    # transaction (principle 4). The outbox module has no network code.
    from fieldapp.store.outbox import track_changes

    track_changes(store)
    return store
