"""The centre reviews the group dossier from a staff laptop (GET /api/v1/dossier/pending,
POST /api/v1/dossier/review) through `fieldapp.services.dossier_desk`: what waits, a
return with its reason, an acceptance; nothing left, a second verdict is refused by the
archive; an engineer is refused (403). The desktop screen: tests/ui/
test_dossier_review_dialog.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldapp.base.errors import ValidationError
from fieldapp.base.settings import Settings
from fieldapp.records import reference
from fieldapp.services import dossier_desk
from fieldapp.store.models import Customer
from fieldapp.store.workflow_models import ProblemSet
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.errors import ServerError
from fieldapp.sync.rounds import run_sync_round
from fieldapp.workflows import dossier as flow

# the clock stands at one moment (conftest's "wednesday", 2026-12-02 10:00 Beijing time)
pytestmark = pytest.mark.parametrize("frozen_moment", ["wednesday"], indirect=True)


def _as(client: ArchiveClient):  # type: ignore[no-untyped-def]
    return lambda url, _token: ArchiveClient(url, client.token)


@pytest.fixture
def centre(archive, laptops, tmp_path, frozen_moment):  # type: ignore[no-untyped-def]
    laptop = laptops("centre")
    with laptop.store.write() as session:
        reference.create_customer(session, code="TJPORT", name="天津港信息中心",
                                  is_group=True, account_manager="陈晓红")
    assert run_sync_round(laptop.store, None, laptop.client).ok
    made = frozen_moment - timedelta(hours=2)
    with archive.db.write() as session:  # as engineer E07's pushed records would be
        customer = session.scalar(select(Customer).where(Customer.code == "TJPORT"))
        flow.raise_problem(session, customer=customer, title="打印服务器频繁重启",
                           description="每天两三次。", raised_by="E07", raised_at=made,
                           now=frozen_moment)
        flow.propose_suggestion(session, customer=customer, suggestion="建议为机房配备备用硒鼓",
                                proposed_by="E07", proposed_at=made + timedelta(minutes=5),
                                now=frozen_moment)
    settings = Settings(tmp_path / "centre-settings.json")
    settings.set("archive_url", archive.url)
    return laptop, settings


def test_staff_return_one_record_with_a_reason_and_accept_another(archive, centre):  # type: ignore[no-untyped-def]
    laptop, settings = centre
    factory = _as(laptop.client)
    rows = dossier_desk.fetch(settings, client_factory=factory)
    assert [(r.kind[0], r.customer_code, r.by, r.text, r.waiting) for r in rows] == [
        ("问题集", "TJPORT", "E07", "打印服务器频繁重启", 1),
        ("服务建议", "TJPORT", "E07", "建议为机房配备备用硒鼓", 1)]
    problem, suggestion = (r.reference for r in rows)
    with pytest.raises(ValidationError) as reasonless:  # told before asking the archive
        dossier_desk.review(settings, problem, returned=True, reviewer="王芳",
                            client_factory=factory)
    assert reasonless.value.issues[0].zh == "退回时请写明原因。"
    assert dossier_desk.review(settings, problem, returned=True, reviewer=" 王芳 ",
                               comment="请写明更换的配件型号。", client_factory=factory) == 1
    assert dossier_desk.review(settings, suggestion, returned=False, reviewer="王芳",
                               client_factory=factory) == 1
    assert dossier_desk.fetch(settings, client_factory=factory) == ()
    with archive.db.read() as session:
        state = flow.problem_state(session, session.scalars(select(ProblemSet)).one())
    assert (state.record_verdict.review, state.record_verdict.reviewer,
            state.record_verdict.comment) == ("returned", "王芳", "请写明更换的配件型号。")
    with pytest.raises(ServerError) as again:
        dossier_desk.review(settings, suggestion, returned=False, reviewer="王芳",
                            client_factory=factory)
    assert again.value.status == 422 and again.value.zh == "该记录没有待审核的内容。"


def test_an_engineer_is_refused(archive, centre, laptops):  # type: ignore[no-untyped-def]
    _laptop, settings = centre
    engineer = _as(laptops("e01").client)
    with pytest.raises(ServerError) as refused:
        dossier_desk.fetch(settings, client_factory=engineer)
    assert (refused.value.status, refused.value.zh) == (403, "只有服务中心可以审核客户档案。")
    rows = dossier_desk.fetch(settings, client_factory=_as(_laptop.client))
    with pytest.raises(ServerError):
        dossier_desk.review(settings, rows[0].reference, returned=False, reviewer="刘洋",
                            client_factory=engineer)
    assert len(dossier_desk.fetch(settings, client_factory=_as(_laptop.client))) == 2
