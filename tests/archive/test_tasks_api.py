"""Staff laptops see the archive's tasks and mark them done (GET /api/v1/tasks, POST
/api/v1/tasks/{number}/done) through `fieldapp.services.tasks`; engineers and customers
are refused (403), in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from fieldapp.archive import crud
from fieldapp.archive.tasks_models import Task
from fieldapp.base.errors import ValidationError
from fieldapp.base.settings import Settings
from fieldapp.records import reference
from fieldapp.services import tasks
from fieldapp.store.models import Customer
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.errors import ServerError
from fieldapp.sync.rounds import run_sync_round

# the clock stands at one moment (conftest's "wednesday", 2026-12-02 10:00 Beijing time)
pytestmark = pytest.mark.parametrize("frozen_moment", ["wednesday"], indirect=True)
MADE = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def centre(archive, laptops, tmp_path):
    laptop = laptops("centre")
    with laptop.store.write() as session:
        reference.create_customer(session, code="TJPORT", name="天津港信息中心",
                                  account_manager="陈晓红")
    assert run_sync_round(laptop.store, None, laptop.client).ok
    with archive.db.write() as session:
        customer = session.scalar(select(Customer).where(Customer.code == "TJPORT"))
        for number, cause, assignee in ((1, "complaint", "陈晓红"), (2, "sla", "")):
            session.add(Task(number=number, key=f"{cause}:{number}", cause=cause,
                             customer_id=customer.id, assignee=assignee, reference=f"R-{number}",
                             title_zh=f"任务{number}", title_en=f"Task {number}",
                             created_at=MADE + timedelta(hours=number), done_by="",
                             mail_state="off", mail_attempts=0))
    settings = Settings(tmp_path / "centre-settings.json")
    settings.set("archive_url", archive.url)
    return laptop, settings


def _as(client: ArchiveClient):
    return lambda url, _token: ArchiveClient(url, client.token)


def test_staff_see_the_open_tasks_and_mark_one_done(archive, centre, frozen_moment):
    laptop, settings = centre
    rows = tasks.fetch(settings, client_factory=_as(laptop.client))
    assert [(r.number, r.cause, r.customer_code, r.assignee, r.title_zh) for r in rows] == [
        (2, "sla", "TJPORT", "", "任务2"), (1, "complaint", "TJPORT", "陈晓红", "任务1")]
    assert rows[1].created_at == MADE + timedelta(hours=1) and rows[1].done_at is None
    done = tasks.mark_done(settings, 1, done_by=" 陈晓红 ", client_factory=_as(laptop.client))
    assert done.done_by == "陈晓红"
    assert done.done_at is not None and abs(done.done_at - frozen_moment) < timedelta(minutes=5)
    assert [r.number for r in tasks.fetch(settings, client_factory=_as(laptop.client))] == [2]
    every = tasks.fetch(settings, open_only=False, client_factory=_as(laptop.client))
    assert [(r.number, r.done_by) for r in every] == [(2, ""), (1, "陈晓红")]
    with pytest.raises(ServerError) as twice:
        tasks.mark_done(settings, 1, done_by="孙丽", client_factory=_as(laptop.client))
    assert twice.value.status == 409 and twice.value.zh.startswith("任务 1 已由 陈晓红 于")
    with pytest.raises(ServerError) as missing:
        tasks.mark_done(settings, 9, done_by="孙丽", client_factory=_as(laptop.client))
    assert (missing.value.status, missing.value.zh) == (404, "没有编号为 9 的任务。")
    with pytest.raises(ValidationError):  # told before asking the archive
        tasks.mark_done(settings, 2, done_by=" ", client_factory=_as(laptop.client))


def test_engineers_and_customers_are_refused(archive, centre, laptops):
    _laptop, settings = centre
    engineer = laptops("e01").client
    with archive.db.write() as session:  # a customer's token from before the API refused them
        user = crud.get_user(session, name="port")
        customer = ArchiveClient(archive.url, crud.enrol_device(session, user=user,
                                                                label="port")[1])
    for client in (engineer, customer):
        with pytest.raises(ServerError) as refused:
            tasks.fetch(settings, client_factory=_as(client))
        assert refused.value.status == 403
        assert (refused.value.zh, refused.value.en) == (
            "只有服务中心可以查看和处理任务。", "Only the service centre sees and handles tasks.")
        with pytest.raises(ServerError) as closing:
            tasks.mark_done(settings, 1, done_by="王磊", client_factory=_as(client))
        assert closing.value.status == 403
    customer.close()
    with archive.db.read() as session:
        assert session.scalar(select(Task).where(Task.number == 1)).done_at is None
