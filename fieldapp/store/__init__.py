"""The local store: SQLite through SQLAlchemy, schema by Alembic."""

from __future__ import annotations

from pathlib import Path

from fieldapp.store.engine import DB_FILENAME, Store, create_sqlite_engine, storage_error_from
from fieldapp.store.migrate import upgrade

__all__ = ["DB_FILENAME", "Store", "open_store"]


def open_store(data_dir: Path, *, migrate: bool = True) -> Store:
    """Open (creating if needed) the store in `data_dir`, upgraded to the current schema."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / DB_FILENAME
    engine = create_sqlite_engine(path)
    if migrate:
        try:
            upgrade(engine)
        except Exception as exc:
            known = storage_error_from(exc)
            engine.dispose()
            if known is not None:
                raise known from exc
            raise
    store = Store(engine, path)
    # Every change made through this store is queued for the archive in its own
    # transaction (principle 4). The outbox module has no network code.
    from fieldapp.sync.outbox import track_changes

    track_changes(store)
    return store
