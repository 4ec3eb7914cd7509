"""A Hypothesis state machine over two laptops and the archive: create, edit and sign
slips, sync, disconnect, lose answers, push duplicates and out-of-order batches, restart
a laptop, jump its clock by years. After every step the promises hold as invariants:

- every sealed slip verifies on the laptop that holds it;
- a record that left a laptop's outbox is in the archive with exactly that content
  (acknowledged means stored), and the archive never logged one version twice;
- at the end, once the network is back, both laptops and the archive hold the same
  records (and `check_with_archive` agrees).

FIELDAPP_STATEFUL_EXAMPLES (default 6) and FIELDAPP_STATEFUL_STEPS (default 14) for the
soak; examples are derandomized (the same in every run) unless FIELDAPP_STATEFUL_RANDOM=1.
Crash kills live in tests/core/test_crash_safety.py (a real SIGKILL needs a process).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from fieldapp.archive.models import Received
from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests, slips
from fieldapp.rules.validation import FeeLineInput
from fieldapp.seal.sealing import verify_slip
from fieldapp.store import open_store, outbox
from fieldapp.store.models import Customer, Slip, SyncOutbox
from fieldapp.store.tables import SYNC_MODELS
from fieldapp.sync import rounds
from fieldapp.sync.check import check_with_archive
from fieldapp.sync.client import ArchiveClient, OfflineError
from fieldapp.sync.wire import read_records
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from tests.archive.servers import PASSWORD, RunningArchive, run_archive, sqlite_url
from tests.archive.test_faults import everything

EXAMPLES = int(os.environ.get("FIELDAPP_STATEFUL_EXAMPLES", "6"))
STEPS = int(os.environ.get("FIELDAPP_STATEFUL_STEPS", "14"))
NAMES = ("a", "b")
ENGINEERS = {"a": "E09", "b": "E08"}


class Network(httpx.HTTPTransport):
    """Real HTTP to the archive, unless this laptop is offline; or the next answer is
    lost after the archive committed."""

    def __init__(self) -> None:
        super().__init__()
        self.offline = False
        self.lose_next_answer = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.offline:
            raise httpx.ConnectError("offline", request=request)
        response = super().handle_request(request)
        if self.lose_next_answer and request.url.path.endswith("/sync/push"):
            self.lose_next_answer = False
            response.read()
            response.close()
            raise httpx.ReadError("connection lost before the answer", request=request)
        return response


class Clock:
    offset = timedelta(0)

    def __call__(self):
        return utcnow() + self.offset


class SyncMachine(RuleBasedStateMachine):
    def __init__(self, archive: RunningArchive, folder: Path) -> None:
        super().__init__()
        self.archive, self.folder = archive, folder
        self.networks = {n: Network() for n in NAMES}
        self.stores = {n: open_store(folder / n) for n in NAMES}
        self.clients = {}
        for n in NAMES:
            self.clients[n] = ArchiveClient(archive.url, transport=self.networks[n])
            self.clients[n].login("centre" if n == "a" else "boss", PASSWORD, f"sm-{n}")
        self.drafts: dict[str, list[str]] = {n: [] for n in NAMES}
        self.authored: dict[str, set[tuple[str, object]]] = {n: set() for n in NAMES}
        self.counter = itertools.count()
        assert self.sync("a").ok and self.sync("b").ok

    def sync(self, name: str) -> rounds.SyncReport:
        report = rounds.run_sync_round(self.stores[name], None, self.clients[name],
                                       push_batch=3, pull_page=5)
        assert report.ok or isinstance(report.error, OfflineError), report
        return report

    @rule(name=st.sampled_from(NAMES))
    def create(self, name: str) -> None:
        with self.stores[name].write() as session:
            customer = session.scalar(select(Customer).where(Customer.code == "SM"))
            now = utcnow()
            request = service_requests.take_request(
                session, operator_code=f"C{name.upper()}", customer=customer, channel="onsite",
                fault_reported=f"故障 {next(self.counter)}", requested_at=now - timedelta(hours=2),
                contact_name="孙丽", now=now)
            # one engineer per laptop: slip numbers are per engineer (docs/data-model.md)
            engineer = reference.engineer_by_code(session, ENGINEERS[name])
            slip = slips.start_slip(session, request, engineer, now=now)
            self.drafts[name].append(slip.number)
            self.authored[name] |= {("service_requests", request.id), ("slips", slip.id)}

    @rule(name=st.sampled_from(NAMES), data=st.data())
    def edit(self, name: str, data) -> None:
        if not self.drafts[name]:
            return
        number = data.draw(st.sampled_from(self.drafts[name]))
        with self.stores[name].write() as session:
            slips.update_slip(session, slips.get_slip(session, number),
                              {"handling": data.draw(st.text("换修测试", max_size=12))})

    @rule(name=st.sampled_from(NAMES), data=st.data())
    def sign(self, name: str, data) -> None:
        if not self.drafts[name]:
            return
        number = data.draw(st.sampled_from(self.drafts[name]))
        self.drafts[name].remove(number)
        now = utcnow()
        start = now - timedelta(minutes=100)
        with self.stores[name].write() as session:
            slip = slips.get_slip(session, number)
            slips.update_slip(session, slip, {
                "arrived_at": start, "started_at": start + timedelta(minutes=1),
                "solved_at": start + timedelta(minutes=30),
                "departed_at": start + timedelta(minutes=31),
                "fault_found": "硬盘故障", "handling": "更换硬盘", "result": "solved"}, now=now)
            slips.set_fee_lines(session, slip, [
                FeeLineInput("parts", "硬盘", Decimal(1), Decimal("455.50"))])
            for role in ("engineer", "customer"):
                slips.sign_slip(session, slip, role=role, signer_name="赵强",
                                strokes=signature_strokes(3), pad_width=PAD_WIDTH,
                                pad_height=PAD_HEIGHT, signed_at=start + timedelta(minutes=32),
                                now=now)

    @rule(name=st.sampled_from(NAMES))
    def sync_round(self, name: str) -> None:
        self.sync(name)

    @rule(name=st.sampled_from(NAMES), offline=st.booleans())
    def network(self, name: str, offline: bool) -> None:
        self.networks[name].offline = offline

    @rule(name=st.sampled_from(NAMES))
    def lose_the_next_answer(self, name: str) -> None:
        self.networks[name].lose_next_answer = True

    @rule(name=st.sampled_from(NAMES), reverse=st.booleans())
    def push_everything_again(self, name: str, reverse: bool) -> None:
        """A confused or old laptop: every record it wrote, again, maybe children first."""
        with self.stores[name].read() as session:
            records = [r for t in SYNC_MODELS for r in read_records(
                session, t, [i for tt, i in self.authored[name] if tt == t]).values()]
        if reverse:
            records.reverse()
        try:
            answer = self.clients[name].push(records[:500], utcnow())
        except OfflineError:
            return
        assert all(r["status"] in ("accepted", "duplicate", "refused")
                   for r in answer["results"])

    @rule(name=st.sampled_from(NAMES))
    def restart(self, name: str) -> None:
        token = self.clients[name].token
        self.clients[name].close()
        self.stores[name].close()
        self.stores[name] = open_store(self.folder / name)
        self.clients[name] = ArchiveClient(self.archive.url, token,
                                           transport=self.networks[name])

    @rule(years=st.sampled_from([-7, -1, 0, 1]))
    def clock_jump(self, years: int) -> None:
        CLOCK.offset = timedelta(days=365 * years)

    @invariant()
    def sealed_slips_verify(self) -> None:
        for store in self.stores.values():
            with store.read() as session:
                for slip in session.scalars(select(Slip).where(Slip.seal.is_not(None))):
                    assert verify_slip(slip).ok, slip.number

    @invariant()
    def acknowledged_means_stored_once(self) -> None:
        for name in NAMES:
            with self.stores[name].read() as session:
                waiting = set(session.execute(select(SyncOutbox.table_name,
                                                     SyncOutbox.record_id)))
                mine = {t: read_records(session, t, [i for tt, i in self.authored[name]
                                                     if tt == t and (t, i) not in waiting])
                        for t in SYNC_MODELS}
            with self.archive.db.read() as session:
                for table, records in mine.items():
                    held = read_records(session, table, list(records))
                    for record_id, record in records.items():
                        assert record_id in held, (name, table, record_id, "acked, not stored")
                        assert held[record_id]["hash"] == record["hash"], (name, table,
                                                                            record_id)
                twice = session.execute(
                    select(Received.record_id, Received.content_hash, func.count())
                    .group_by(Received.record_id, Received.content_hash)
                    .having(func.count() > 1)).all()
                assert twice == [], "a version was stored twice"

    def teardown(self) -> None:
        try:
            CLOCK.offset = timedelta(0)
            for network in self.networks.values():
                network.offline = network.lose_next_answer = False
            for name in ("a", "b", "a", "b"):
                assert self.sync(name).ok
            a, b = (everything(self.stores[n]) for n in NAMES)
            assert a == b, "the laptops disagree after syncing"
            assert a <= everything(self.archive.db)
            for name in NAMES:
                with self.stores[name].read() as session:
                    assert outbox.count(session, "pending") == 0
                assert check_with_archive(self.stores[name], self.clients[name]).agree
        finally:
            for name in NAMES:
                self.clients[name].close()
                self.stores[name].close()


CLOCK = Clock()


@pytest.fixture
def one_archive(tmp_path: Path) -> Iterator[RunningArchive]:
    """One archive for all examples, with the reference data the laptops pull."""
    with run_archive(sqlite_url(tmp_path)) as archive:
        archive.add_user("centre", "staff")
        archive.add_user("boss", "admin")
        store = open_store(tmp_path / "service-centre")
        with store.write() as session:
            reference.create_customer(session, code="SM", name="状态机测试公司")
            reference.create_engineer(session, code="E09", name="赵强")
            reference.create_engineer(session, code="E08", name="钱进")
        with ArchiveClient(archive.url) as client:
            client.login("centre", PASSWORD, "setup")
            assert rounds.run_sync_round(store, None, client).ok
        store.close()
        yield archive


def test_the_promises_hold_whatever_happens_in_between(one_archive, tmp_path, monkeypatch):
    monkeypatch.setattr(rounds, "utcnow", CLOCK)  # the laptops' clock (client_time)
    examples = itertools.count()
    run_state_machine_as_test(
        lambda: SyncMachine(one_archive, tmp_path / f"example-{next(examples)}"),
        settings=settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
                          derandomize=os.environ.get("FIELDAPP_STATEFUL_RANDOM") != "1",
                          suppress_health_check=list(HealthCheck)))
