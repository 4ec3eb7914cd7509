"""A realistic service history made through the core API on a laptop store, then pushed
through the archive's normal ingest; the tests keep what they made to recompute figures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import time_machine
from sqlalchemy import select

from fieldapp.archive import crud
from fieldapp.archive.db import Database, create_archive_engine, init_schema
from fieldapp.archive.ingest import Outcome, ingest_batch
from fieldapp.archive.models import DeviceToken, User
from fieldapp.archive.reports import end_of_day
from fieldapp.archive.rules import Actor
from fieldapp.archive.seal_keys import register_key
from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests, slips
from fieldapp.rules.validation import FeeLineInput
from fieldapp.store import Store, outbox
from fieldapp.store.models import Customer, Device, Engineer, ServiceRequest
from fieldapp.sync.rounds import records_for
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import complaints, escalation, group_archive
from tests.store_template import new_store

ALWAYS_OPEN = '{"always_open": true}'  # service time = clock time: budgets are easy to check


@dataclass
class Made:
    """One request as made, with the times the test recomputes figures from."""

    number: str
    customer: str
    channel: str
    requested_at: datetime
    answered_at: datetime | None = None
    arrived_at: datetime | None = None
    solved_at: datetime | None = None
    fees_fen: dict[str, int] = field(default_factory=dict)
    device_serial: str = ""
    fault: str = ""


class History:
    """Reference data for two customers (one a group customer) on a laptop store."""

    def __init__(self, folder: Path | None = None, now: datetime | None = None, *,
                 store: Store | None = None) -> None:
        self.store: Store = store if store is not None else new_store(folder)  # copied
        self.now = now or utcnow()
        self.made: list[Made] = []
        with self.store.write() as session:
            reference.create_engineer(session, code="E01", name="王磊", skills=["网络", "服务器"])
            reference.create_engineer(session, code="E02", name="李娜", skills=["打印机"])
            for code, name, group in (("TJH1", "天津市第一中心医院", True),
                                      ("HPLAW", "和平律师事务所", False)):
                customer = reference.create_customer(session, code=code, name=name,
                                                     is_group=group, account_manager="赵敏")
                site = reference.add_site(session, customer, name=f"{name}本部")
                reference.add_contact(session, customer, name="孙丽", phone="13900220001")
                reference.create_contract(session, customer, number=f"FW-{code}",
                                          starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
                                          service_calendar=ALWAYS_OPEN)
                for i in range(6):
                    reference.add_device(session, customer, device_type="打印机",
                                         device_class="printer", brand="惠普",
                                         model=f"M40{i}", serial=f"SN-{code}-{i}",
                                         asset_tag=f"ZC-{code}-{i:03d}", site=site)

    def _customer(self, session, code: str) -> Customer:
        return session.scalar(select(Customer).where(Customer.code == code))

    def device(self, session, code: str, index: int) -> Device:
        return session.scalar(select(Device).where(Device.serial == f"SN-{code}-{index}"))

    def request(self, *, customer: str = "TJH1", channel: str = "onsite", at: datetime,
                answer_min: int | None = None, arrive_min: int | None = None,
                solve_min: int | None = None, device: int | None = 0,
                fault: str = "打印机卡纸", fees: tuple[tuple[str, str], ...] = (),
                seal: bool = True) -> Made:
        """Take a request at `at`; answer/arrive/solve that many minutes later."""
        made = Made("", customer, channel, at, fault=fault)
        with self.store.write() as session:
            cust = self._customer(session, customer)
            dev = self.device(session, customer, device) if device is not None else None
            engineer = session.scalar(select(Engineer).where(Engineer.code == "E01"))
            answered = at + timedelta(minutes=answer_min) if answer_min is not None else None
            request = service_requests.take_request(
                session, operator_code="C01", customer=cust, channel=channel,
                fault_reported=fault, requested_at=at, contact=cust.contacts[0], device=dev,
                answered_at=answered, engineer=engineer, now=max(at, answered or at))
            made.number, made.answered_at = request.number, answered
            made.device_serial = dev.serial if dev else ""
            if arrive_min is None and solve_min is None:
                self.made.append(made)
                return made
            arrived = at + timedelta(minutes=arrive_min) if arrive_min is not None else None
            solved = at + timedelta(minutes=solve_min) if solve_min is not None else None
            started = arrived or at + timedelta(minutes=1)
            slip = slips.start_slip(session, request, engineer, now=started)
            slips.update_slip(session, slip, {
                "arrived_at": arrived, "started_at": started, "solved_at": solved,
                "departed_at": (solved or started) + timedelta(minutes=5) if arrived else None,
                "fault_found": fault, "handling": "清理并更换搓纸轮",
                "result": "solved" if solved else "unsolved"}, now=self.now)
            made.arrived_at, made.solved_at = arrived, solved
            lines = [FeeLineInput(kind, "费用", Decimal(1), Decimal(amount))
                     for kind, amount in fees]
            if lines:
                slips.set_fee_lines(session, slip, lines)
            if seal:
                sign_at = (solved or started) + timedelta(minutes=3)
                for role, name in (("engineer", "王磊"), ("customer", "孙丽")):
                    slips.sign_slip(session, slip, role=role, signer_name=name,
                                    strokes=signature_strokes(len(name) + len(role)),
                                    pad_width=PAD_WIDTH, pad_height=PAD_HEIGHT,
                                    signed_at=sign_at, now=self.now)
                for kind, amount in fees:
                    made.fees_fen[kind] = made.fees_fen.get(kind, 0) + int(Decimal(amount) * 100)
        self.made.append(made)
        return made

    def complaint(self, *, customer: str = "TJH1", at: datetime, answer_hours: float | None,
                  about: str = "service_event") -> str:
        with self.store.write() as session:
            cust = self._customer(session, customer)
            complaint = complaints.open_complaint(
                session, customer=cust, about=about, description="工程师到场太晚",
                subject_name="王磊" if about == "engineer" else "",
                received_via="phone", received_at=at, recorded_by="C01", now=self.now)
            if answer_hours is not None:
                complaints.respond_to_complaint(
                    session, complaint, response="已致歉并调整排班", responder="赵敏",
                    actor_code="C01", occurred_at=at + timedelta(hours=answer_hours),
                    now=self.now)
            return complaint.number

    def escalate(self, number: str, at: datetime) -> None:
        with self.store.write() as session:
            request = session.scalar(select(ServiceRequest).where(
                ServiceRequest.number == number))
            to = session.scalar(select(Engineer).where(Engineer.code == "E02"))
            escalation.escalate_technical_requirement(
                session, request, reason="实为网络打印服务器故障", required_skills=["打印机"],
                requested_by="孙丽", decided_by="赵敏", actor_code="C01", occurred_at=at,
                to_engineer=to, now=self.now)

    def archive_entry(self, kind: str, text: str, at: datetime, device: int = 0) -> None:
        with self.store.write() as session:
            cust = self._customer(session, "TJH1")
            group_archive.add_archive_entry(session, customer=cust, kind=kind, text=text,
                                            author_code="E01", noted_at=at,
                                            device=self.device(session, "TJH1", device),
                                            now=self.now)


def archive_db(folder: Path, url: str | None = None) -> Database:
    engine = create_archive_engine(url or f"sqlite:///{folder / 'archive.db'}")
    init_schema(engine)
    return Database(engine)


def push(store: Store, db: Database, client_time: datetime | None = None) -> None:
    """Everything in the laptop's outbox through the archive's ingest, as the service centre;
    `client_time` is the laptop's clock (default: now)."""
    with store.read() as session:
        entries = outbox.pending(session, limit=10**9)
        records = records_for(session, entries)
    ordered = [records[(e.table, e.record_id)] for e in entries
               if (e.table, e.record_id) in records]
    refused = [o for o in push_records(db, ordered, client_time) if o.status == "refused"]
    assert not refused, refused
    with store.write() as session:
        outbox.acknowledge(session, entries)  # the next push sends only what is new


def push_records(db: Database, records: list[dict], client_time: datetime | None = None
                 ) -> list[Outcome]:
    """One batch through the archive's ingest, as the service centre; the outcomes."""
    with db.write() as session:
        user = session.scalar(select(User).where(User.name == "loader"))
        if user is None:  # never logs in: no argon2 hash (crud.create_user makes one, 0.3 s)
            user = User(name="loader", password_hash="-", role="staff")
            session.add(user)
            session.flush()
        device, _ = crud.enrol_device(session, user=user, label="tests")
        for public_key in _seal_keys(records):  # as the laptop's login registers its key
            register_key(session, user=user, device=device, public_key=public_key)
        actor = Actor(user, session.get_one(DeviceToken, device.id), None)
        return ingest_batch(session, actor=actor, records=records,
                            client_time=client_time or utcnow())


def _seal_keys(records: list[dict]) -> set[str]:
    """The device keys that sealed the batch's slips (docs/seal.md)."""
    keys = set()
    for record in records:
        document = (record.get("row") or {}).get("seal_document") if record.get(
            "table") == "slips" else None
        if document:
            keys.add(json.loads(document)["signed_by"]["public_key"])
    return keys


def at(day: str, hhmm: str = "09:00") -> datetime:
    """A local (Beijing) time as aware UTC."""
    local = datetime.fromisoformat(f"{day}T{hhmm}:00+08:00")
    return local.astimezone(UTC)


@contextmanager
def frozen_world(folder: Path, db_url: str, frozen: datetime
                 ) -> Iterator[tuple[History, Database, str]]:
    """A laptop history and an archive at `db_url`, the clock stopped at `frozen` (the
    history is recorded as at the end of the day before): (history, archive, url)."""
    with time_machine.travel(frozen, tick=False):
        history = History(folder / "laptop", now=end_of_day(
            (frozen - timedelta(days=1)).astimezone(UTC).date()))
        db = archive_db(folder, db_url)
        try:
            yield history, db, db_url
        finally:
            db.close()
            history.store.close()
