"""Demo data is safe to ask for again, and never clashes with the laptop's own engineer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from fieldapp.base.timeutil import to_local
from fieldapp.cli import cli
from fieldapp.records import reference
from fieldapp.store import Store
from fieldapp.store.models import ServiceRequest
from fieldapp.tools.demo import DemoAlreadyLoaded, fill_demo

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def request_count(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(ServiceRequest)) or 0


def test_a_second_demo_adds_nothing_and_says_so(store: Store) -> None:
    fill_demo(store, requests=8, now=NOW)
    with pytest.raises(DemoAlreadyLoaded):
        fill_demo(store, requests=8, now=NOW)
    assert request_count(store) == 8


def test_the_demo_keeps_an_engineer_already_set_up_with_a_demo_code(store: Store) -> None:
    with store.write() as session:
        reference.create_engineer(session, code="E01", name="张三")
    fill_demo(store, requests=8, now=NOW)
    with store.read() as session:
        assert reference.engineer_by_code(session, "E01").name == "张三"
        assert {e.code for e in reference.list_engineers(session)} == {"E01", "E02", "E03",
                                                                        "E07"}


@pytest.mark.parametrize(("lang", "said"), [("zh", "演示数据已在本地库中"),
                                             ("en", "demo data is already")])
def test_running_the_demo_command_twice_is_one_calm_line(tmp_path, lang, said) -> None:
    runner = CliRunner()
    args = ["--data-dir", str(tmp_path), "--lang", lang, "demo", "--requests", "8"]
    assert runner.invoke(cli, args).exit_code == 0
    again = runner.invoke(cli, args)
    assert again.exit_code == 0
    assert said in again.output and len(again.output.strip().splitlines()) == 1


@pytest.mark.any_moment
def test_every_demo_request_falls_within_its_customers_contract(store: Store) -> None:
    """Made now, whatever now is: on New Year's Day in Tianjin (still 31 December in UTC)
    and in January, when the month of older requests belongs to last year."""
    fill_demo(store, requests=40)
    with store.read() as session:
        requests = session.scalars(select(ServiceRequest)).all()
        assert len(requests) == 40
        outside = [(r.number, to_local(r.requested_at).date()) for r in requests
                   if r.contract is None]
    assert outside == []
