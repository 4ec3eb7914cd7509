"""The desktop's staff view makes an ad-hoc report through `fieldapp.services.reports`,
which asks the archive (POST /api/v1/reports) to make it with the scheduled reports' engine:
stored once per customer and period, on the customer's portal. Only the service centre
may; what is wrong comes back as one zh/en message."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from fieldapp.archive.reports import list_reports
from fieldapp.base.errors import ValidationError
from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import to_local, utcnow
from fieldapp.records import reference
from fieldapp.services import reports
from fieldapp.store.models import Customer
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.errors import ServerError
from fieldapp.sync.rounds import run_sync_round


@pytest.fixture
def centre(archive, laptops, tmp_path):
    laptop = laptops("centre")
    with laptop.store.write() as session:
        reference.create_customer(session, code="TJPORT", name="天津港信息中心",
                                  is_group=True, account_manager="陈晓红")
    assert run_sync_round(laptop.store, None, laptop.client).ok
    settings = Settings(tmp_path / "centre-settings.json")
    settings.set("archive_url", archive.url)
    return laptop, settings


def _as(laptop):
    return lambda url, _token: ArchiveClient(url, laptop.client.token)


def test_staff_make_a_report_on_the_archive_and_the_customer_sees_it(archive, centre):
    laptop, settings = centre
    assert reports.customers(laptop.store) == (("TJPORT", "天津港信息中心"),)
    made = reports.make_report(settings, customer_code="TJPORT", period_start=date(2026, 7, 1),
                               period_end=date(2026, 9, 30), requested_by="陈晓红（电话）",
                               client_factory=_as(laptop))
    assert made.made and (made.customer_code, made.customer_name) == ("TJPORT", "天津港信息中心")
    assert (made.period_start, made.period_end, made.requests) == (
        date(2026, 7, 1), date(2026, 9, 30), 0)
    again = reports.make_report(settings, customer_code="TJPORT",
                                period_start=date(2026, 7, 1), period_end=date(2026, 9, 30),
                                requested_by="陈晓红", client_factory=_as(laptop))
    assert not again.made and again.id == made.id
    with archive.db.read() as session:
        customer = session.scalar(select(Customer).where(Customer.code == "TJPORT"))
        (stored,) = list_reports(session, customer_id=customer.id)
        assert (str(stored.id), stored.kind, stored.requested_by) == (
            made.id, "requested", "陈晓红（电话）")


def test_what_is_wrong_is_one_message_in_both_languages(archive, centre, laptops):
    laptop, settings = centre
    tomorrow = to_local(utcnow()).date() + timedelta(days=1)
    cases = [
        (dict(customer_code="NOPE", period_start=date(2026, 7, 1), period_end=date(2026, 9, 30)),
         laptop, 404, "档案中没有客户 NOPE。"),
        (dict(customer_code="TJPORT", period_start=date(2026, 7, 1), period_end=tomorrow),
         laptop, 422, "报告期不能延伸到将来"),
        (dict(customer_code="TJPORT", period_start=date(2026, 7, 1),
              period_end=date(2026, 9, 30)), laptops("e01"), 403, "只有服务中心可以生成报告。"),
    ]
    for args, who, status, zh in cases:
        with pytest.raises(ServerError) as error:
            reports.make_report(settings, requested_by="陈晓红", client_factory=_as(who), **args)
        assert error.value.status == status and error.value.zh.startswith(zh)
        assert error.value.en and error.value.en != error.value.zh
    with pytest.raises(ValidationError) as refused:  # told before asking the archive
        reports.make_report(Settings(laptop.folder / "none.json"), customer_code="TJPORT",
                            period_start=date(2026, 9, 30), period_end=date(2026, 7, 1),
                            requested_by=" ")
    assert [i.field for i in refused.value.issues] == ["archive_url", "requested_by",
                                                         "period_end"]
    with archive.db.read() as session:
        assert list_reports(session) == []
