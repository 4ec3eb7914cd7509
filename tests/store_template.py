"""New laptop stores for tests, copied from one made once per test process.

`open_store` on an empty folder runs every migration of the laptop's schema (0.1-0.4 s of
CPU, more on a busy disk); most tests want a new, empty store and nothing about how it was
made. `new_store` copies the database `open_store` made once into the folder and opens it
there (finding it at head, it migrates nothing). Tests of creating or migrating a store
call `open_store` themselves.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from fieldapp.store import DB_FILENAME, Store, open_store


@functools.cache
def _template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fieldapp-store-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    open_store(folder).close()  # closing checkpoints the WAL: the one file holds it all
    return folder / DB_FILENAME


def new_store(folder: Path) -> Store:
    """What `open_store(folder)` gives: for a folder without a store, one made by copying;
    a store already there is opened as it is."""
    template = _template()
    target = folder / DB_FILENAME
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
    return open_store(folder)
