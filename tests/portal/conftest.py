from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.portal.site import Site, portal_site


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One archive with demo data for all portal tests (loading it takes seconds).
    The per-address limit is raised so the tests' own wrong passwords from 127.0.0.1
    never lock the address; the address lock has its own test on other addresses. Accounts
    lock after 3 failures here (5 by default): each try costs an argon2 check. The verify
    page's per-address limit is off (test_verify_limit.py has its own archive)."""
    with portal_site(tmp_path_factory.mktemp("portal"), portal_ip_failures=1000,
                     portal_lockout_failures=3, portal_verify_per_minute=0) as running:
        yield running
