"""Schema upgrades with Alembic, applied automatically when a store opens.

The migration scripts ship inside the package (found through importlib.resources, so
they are there in a frozen build too). Opening a store from an older version upgrades it
in place; every step runs in one transaction.
"""

from __future__ import annotations

import functools
import logging
import re
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Engine, exc, text

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger("fieldapp.store")


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("fieldapp.store") / "migrations")
    )
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


_REVISION = re.compile(
    r"""^(down_revision|revision)\s*(?::[^=]+)?=\s*(?:None|["']([^"']+)["'])\s*$""",
    re.MULTILINE)


@functools.cache
def quick_head_revision() -> str | None:
    """The head read from the version scripts' plain `revision = "…"` lines, without
    importing Alembic (a sixth of the desktop app's start-up); None if the scripts are
    not that simple (then Alembic decides). tests/core/test_store.py keeps it equal to
    `head_revision()`."""
    revisions, parents = set(), set()
    for script in (resources.files("fieldapp.store") / "migrations" / "versions").iterdir():
        if not script.name.endswith(".py") or script.name.startswith("_"):
            continue
        found = dict((m.group(1), m.group(2)) for m in _REVISION.finditer(script.read_text()))
        if "revision" not in found or "down_revision" not in found or not found["revision"]:
            return None
        revisions.add(found["revision"])
        if found["down_revision"]:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _quick_current_revision(engine: Engine) -> str | None:
    """The stored revision by one SELECT (None if there is none or it is not one row)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except exc.OperationalError:  # no such table: a new store
        return None
    return rows[0][0] if len(rows) == 1 else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; a no-op when it is there already."""
    if revision == "head" and engine.dialect.name == "sqlite":  # the laptop's start-up
        quick = quick_head_revision()
        if quick is not None and _quick_current_revision(engine) == quick:
            return  # the usual case, decided without importing Alembic
    from alembic import command

    config = alembic_config()
    if revision == "head" and current_revision(engine) == head_revision():
        return
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        log.info("upgrading database schema to %s", revision)
        command.upgrade(config, revision)
