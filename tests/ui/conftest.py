"""Fixtures for the desktop tests: a demo store, the background ops, a configured user."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests
from fieldapp.store import DB_FILENAME, Store, open_store
from fieldapp.tools.demo import fill_demo
from tests.store_template import new_store
from ui.kit import i18n
from ui.kit.ops import Ops
from ui.kit.style import STYLESHEET
from ui.shell.app import install_desktop, uninstall_desktop

BIG_REQUESTS = 5800  # about 5,000 slips


@pytest.fixture(autouse=True)
def _app_look(qapp):  # type: ignore[no-untyped-def]
    if qapp.styleSheet() != STYLESHEET:  # setting it again repolishes every widget alive
        qapp.setStyleSheet(STYLESHEET)
    i18n.set_language("zh")
    yield
    i18n.set_language("zh")


def _configure(data_dir: Path) -> Settings:
    settings = Settings.in_dir(data_dir)
    for key, value in dict(operator_code="E07", operator_name="刘洋", role="staff",
                           company_name="天津信达信息技术服务有限公司",
                           company_hotline="022-2345 6789", setup_done=True).items():
        settings.set(key, value)
    settings.save()
    return settings


# The demo store filled at each frozen moment, once per test process: a test run at a moment
# (`any_moment`, FIELDAPP_TEST_MOMENT, the layout runs) starts at that instant every time,
# so the demo made at its start is the same for every such test and is copied.
_demo_at: dict[datetime, Path] = {}


def _fill(folder: Path) -> None:
    store = new_store(folder)  # open_store's new store, copied (tests/store_template.py)
    fill_demo(store, requests=16)
    store.close()  # closing checkpoints the WAL: the folder's files hold it all


@pytest.fixture
def data_dir(tmp_path: Path, frozen_moment: datetime | None,
             tmp_path_factory: pytest.TempPathFactory) -> Path:
    if frozen_moment is None:  # the real clock: made now, at this test's time
        _fill(tmp_path)
    else:
        if frozen_moment not in _demo_at:
            _fill(made := tmp_path_factory.mktemp("demo-at-moment"))
            _demo_at[frozen_moment] = made
        shutil.copytree(_demo_at[frozen_moment], tmp_path, dirs_exist_ok=True)
    _configure(tmp_path)
    return tmp_path


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return Settings.in_dir(data_dir)


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    store = open_store(data_dir)
    yield store
    store.close()


@pytest.fixture
def ops(store: Store, qtbot) -> Iterator[Ops]:  # type: ignore[no-untyped-def]
    ops = Ops(store)
    yield ops
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=20_000)
    ops.wait_done()


@pytest.fixture
def desktop(qapp, settings: Settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """What `ui.shell.app.run` installs for every window: touch preparation (`ui.kit.touch`) and
    placement on the screen with remembered geometry (`ui.kit.fit`)."""
    filters = install_desktop(qapp, settings)
    yield
    uninstall_desktop(qapp, filters)


@pytest.fixture
def onsite_request(store: Store):  # type: ignore[no-untyped-def]
    """A fresh on-site request for 天津港信息中心, assigned to E07, asked an hour ago."""
    with store.write() as session:
        customer = next(c for c in reference.list_customers(session) if c.code == "TJPORT")
        engineer = reference.engineer_by_code(session, "E07")
        request = service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="onsite",
            fault_reported="三楼财务室打印机卡纸，无法打印发票",
            requested_at=utcnow() - timedelta(hours=1),
            contact_name="孙丽", contact_phone="13900220000", engineer=engineer)
        return request.id


@pytest.fixture(scope="session")
def big_store_dir(request, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """~5,000 slips, generated once and cached between runs in pytest's cache folder."""
    cache = Path(request.config.cache.mkdir("fieldapp-big-store-v1"))
    if not (cache / DB_FILENAME).exists():
        # Built aside and moved in whole: parallel test workers may build it at once.
        building = Path(tempfile.mkdtemp(dir=cache.parent, prefix="building-"))
        store = open_store(building)
        fill_demo(store, requests=BIG_REQUESTS)
        store.close()
        os.replace(building / DB_FILENAME, cache / DB_FILENAME)
        shutil.rmtree(building, ignore_errors=True)
    target = tmp_path_factory.mktemp("big")
    for f in cache.iterdir():
        if f.name.startswith(DB_FILENAME) and not f.name.endswith(("-wal", "-shm")):
            shutil.copy(f, target / f.name)
    _configure(target)
    return target


def wait_idle(qtbot, ops: Ops, timeout: int = 15_000) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=timeout)
