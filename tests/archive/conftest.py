from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldapp.store import Store
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.seal_keys import register_device_key
from tests.archive.servers import (
    PASSWORD,
    RunningArchive,
    postgres_database,
    postgres_reason,
    run_archive,
    sqlite_url,
)
from tests.store_template import new_store


@pytest.fixture(autouse=True)
def _no_real_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's keyring: the token-file fallback is used."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    reason = postgres_reason()
    if reason is not None:
        pytest.skip(reason)
    with postgres_database(migrated=True) as url:  # every user of db_url migrates it
        yield url


@pytest.fixture
def archive(db_url: str) -> Iterator[RunningArchive]:
    with run_archive(db_url) as running:
        running.add_user("centre", "staff")
        for code in ("E01", "E02", "E03", "E07"):
            running.add_user(code.lower(), "engineer", engineer=code)
        running.add_user("boss", "admin")
        running.add_user("port", "customer", customer="TJPORT")
        yield running


class Laptop:
    """A real laptop store plus the one long-lived client that talks to the archive."""

    def __init__(self, folder: Path, archive: RunningArchive, user: str,
                 url: str | None = None, **client_args) -> None:
        self.folder = folder
        self.store: Store = new_store(folder)  # copied: tests/store_template.py
        self.client = ArchiveClient(url or archive.url, **client_args)
        self.client.login(user, PASSWORD, f"laptop-{user}")
        # as `fieldapp login` does: the archive learns the key this laptop seals with
        register_device_key(folder, self.store.device_key(), self.client)

    def close(self) -> None:
        self.client.close()
        self.store.close()


@pytest.fixture
def laptops(tmp_path: Path, archive: RunningArchive) -> Iterator:
    made: list[Laptop] = []

    def make(user: str, name: str | None = None, url: str | None = None,
             **client_args) -> Laptop:
        laptop = Laptop(tmp_path / (name or f"laptop-{user}"), archive, user, url,
                        **client_args)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.close()
