"""Schemathesis against the live OpenAPI document: no input makes the archive answer 5xx."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from fieldapp.archive.app import create_app
from fieldapp.archive.config import ArchiveSettings
from fieldapp.store import open_store
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from tests.archive.servers import PASSWORD, run_archive, sqlite_url


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    with run_archive(sqlite_url(folder)) as archive:
        archive.add_user("centre", "staff")
        store = open_store(folder / "laptop")
        fill_demo(store, requests=4)
        with ArchiveClient(archive.url) as client:
            client.login("centre", PASSWORD, "fuzz")
            assert run_sync_round(store, None, client).ok
            token = client.token
        store.close()
        assert token is not None
        yield archive.url, token


def _openapi_document() -> dict:
    """The same document the server serves at /api/v1/openapi.json (no database needed)."""
    settings_ = ArchiveSettings(db=str(Path(tempfile.gettempdir()) / "fieldapp-openapi.db"))
    return create_app(settings_, migrate=False).openapi()


schema = schemathesis.openapi.from_dict(_openapi_document())


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_no_input_makes_the_archive_fail(case, live):
    url, token = live
    response = case.call(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
