"""Schema upgrades with Alembic, applied automatically when a store opens.

The migration scripts ship inside the package (found through importlib.resources, so
they are there in a frozen build too). Opening a store from an older version upgrades it
in place; every step runs in one transaction.
"""

from __future__ import annotations

import logging
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

log = logging.getLogger("fieldapp.store")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("fieldapp.store") / "migrations")
    )
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; a no-op when it is there already."""
    config = alembic_config()
    if revision == "head" and current_revision(engine) == head_revision():
        return
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        log.info("upgrading database schema to %s", revision)
        command.upgrade(config, revision)
