"""One rule per record kind, the same answer everywhere (fieldapp.rules).

Each bad record below is refused by the laptop's command, by the archive's ingest when
the service centre pushes it, by the reference importer and (requests, complaints) by the
portal,
each time with the same field and the same message in both languages, and nothing of it
is written.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.archive import crud
from fieldapp.archive.db import Database
from fieldapp.archive.importer import import_reference
from fieldapp.archive.ingest import ingest_batch
from fieldapp.archive.models import DeviceToken, User
from fieldapp.archive.portal.submissions import submit_complaint, submit_request
from fieldapp.archive.rules import Actor, record_issues
from fieldapp.base.errors import FieldIssue, ValidationError
from fieldapp.base.money import line_amount_fen
from fieldapp.records import reference, service_requests, slips
from fieldapp.records.events import SignatureInput
from fieldapp.rules.validation import FeeLineInput
from fieldapp.store import Store, open_store, outbox
from fieldapp.store.models import Customer, Device, Engineer, ServiceRequest, Slip
from fieldapp.sync.rounds import records_for
from fieldapp.sync.wire import content_hash, read_record, record_values
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import complaints, dossier, group_archive, loaners, questions, repair
from tests.archive.report_data import archive_db

REQUESTED = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Tianjin
NOW = REQUESTED + timedelta(hours=6)


@dataclass
class World:
    """A laptop store and an archive that holds everything the laptop made."""

    store: Store
    archive: Database
    ids: dict[str, uuid.UUID]


def _make_world(store: Store) -> dict[str, uuid.UUID]:
    with store.write() as session:
        port = reference.create_customer(session, code="TJPORT", name="天津港信息中心",
                                         is_group=True)
        bank = reference.create_customer(session, code="BHBANK", name="渤海银行天津分行")
        contact = reference.add_contact(session, port, name="孙丽", phone="13900220000")
        site = reference.add_site(session, port, name="信息中心机房", address="新港二号路35号")
        printer = reference.add_device(session, port, device_type="打印机",
                                       device_class="printer", serial="CNB1234567", site=site)
        banks = reference.add_device(session, bank, device_type="台式机",
                                     device_class="desktop", serial="BH-0042")
        engineer = reference.create_engineer(session, code="E07", name="刘洋")
        request = service_requests.take_request(
            session, operator_code="C01", customer=port, channel="onsite",
            fault_reported="打印机卡纸，无法连续打印", requested_at=REQUESTED,
            contact=contact, device=printer, engineer=engineer, now=REQUESTED)
        draft, signed = (slips.start_slip(session, request, engineer, now=REQUESTED)
                         for _ in range(2))
        for slip in (draft, signed):
            slips.update_slip(session, slip, {
                "arrived_at": REQUESTED + timedelta(minutes=70),
                "started_at": REQUESTED + timedelta(minutes=75),
                "solved_at": REQUESTED + timedelta(minutes=140),
                "departed_at": REQUESTED + timedelta(minutes=150),
                "fault_found": "搓纸轮磨损", "handling": "更换搓纸轮，测试打印正常",
                "result": "solved"}, now=NOW)
            slips.set_fee_lines(session, slip, [
                FeeLineInput("labour", "上门服务费", Decimal(1), Decimal(150))])
        slips.sign_slip(session, signed, role="engineer", signer_name="刘洋",
                        strokes=signature_strokes(1), pad_width=PAD_WIDTH,
                        pad_height=PAD_HEIGHT, signed_at=REQUESTED + timedelta(minutes=148),
                        now=NOW)
        complaint = complaints.open_complaint(
            session, customer=port, about="engineer", description="工程师迟到一小时",
            received_via="phone", received_at=NOW, recorded_by="C01", engineer=engineer,
            now=NOW)
        entry = group_archive.add_archive_entry(
            session, customer=port, kind="problem", text="卡纸反复出现", author_code="E07",
            noted_at=NOW, device=printer, now=NOW)
        question = questions.record_question(
            session, customer=port, asked_by="孙丽", question="能否延长保修？",
            asked_at=NOW - timedelta(hours=1), promised_at=NOW + timedelta(days=1),
            recorded_by="E07", request=request, now=NOW)
        problem = dossier.raise_problem(
            session, customer=port, title="卡纸", description="卡纸反复出现", raised_by="E07",
            raised_at=NOW, slip=draft, device=printer, now=NOW)
        suggestion = dossier.propose_suggestion(
            session, customer=port, suggestion="建议季度保养", proposed_by="E07",
            proposed_at=NOW, slip=draft, now=NOW)
        loaner = loaners.add_loaner(session, asset_tag="BJ-P-01", device_class="printer")
        order = repair.open_repair(session, request, engineer, _intake(), now=NOW)
        session.flush()
        return {"complaint": complaint.id, "entry": entry.id, "port": port.id,
                "problem": problem.id, "suggestion": suggestion.id,
                "question": question.id, "loaner": loaner.id, "repair": order.id,
                "bank": bank.id, "contact": contact.id, "site": site.id,
                "printer": printer.id, "banks_device": banks.id, "engineer": engineer.id,
                "request": request.id, "draft": draft.id, "signed": signed.id}


def _intake(**typed: Any) -> repair.RepairIntake:
    values: dict[str, Any] = {
        "company_contact": "孙丽", "contact_phone": "13900220000",
        "fault_description": "打印机主板故障，现场无法修复",
        "received_at": REQUESTED + timedelta(minutes=5),
        "arrived_at": REQUESTED + timedelta(minutes=70),
        "departed_at": REQUESTED + timedelta(minutes=150),
        "engineer_signature": SignatureInput("刘洋", signature_strokes(1), PAD_WIDTH, PAD_HEIGHT),
    } | typed
    return repair.RepairIntake(**values)


def _ingest(db: Database, records: list[dict[str, Any]]) -> list:
    """The records through the archive's ingest, pushed by the service centre at NOW."""
    with db.write() as session:
        user = session.scalar(select(User).where(User.name == "centre")) or crud.create_user(
            session, name="centre", password=secrets.token_urlsafe(12), role="staff")
        device, _ = crud.enrol_device(session, user=user, label="parity")
        actor = Actor(user, session.get_one(DeviceToken, device.id), None)
        return ingest_batch(session, actor=actor, records=records, client_time=NOW, now=NOW)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder: Path = tmp_path_factory.mktemp("parity")
    store = open_store(folder / "laptop")
    archive = archive_db(folder)
    try:
        ids = _make_world(store)
        with store.read() as session:
            entries = outbox.pending(session, limit=10**6)
            records = records_for(session, entries)
        pushed = _ingest(archive, [records[(e.table, e.record_id)] for e in entries
                                   if (e.table, e.record_id) in records])
        assert all(o.status == "accepted" for o in pushed), pushed
        yield World(store, archive, ids)
    finally:
        store.close()
        archive.close()


# --- how each bad record is made on each path ------------------------------------------

def _wire(world: World, table: str, key: str, new_id: bool = False,
          change: Callable[[dict[str, Any]], None] = lambda record: None) -> dict[str, Any]:
    """The laptop's record `key` as pushed, changed by `change` (under a new id: a new
    record)."""
    with world.store.read() as session:
        record = read_record(session, table, world.ids[key])
    assert record is not None
    if new_id:
        record["id"] = record["row"]["id"] = str(uuid.uuid4())
    change(record)
    record["hash"] = content_hash(record)
    return record


def _row(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda record: record["row"].update(values)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _customer(session: Session, world: World, key: str = "port") -> Customer:
    return session.get_one(Customer, world.ids[key])


def _request(session: Session, world: World, **typed: Any) -> ServiceRequest:
    values: dict[str, Any] = {
        "operator_code": "C01", "customer": _customer(session, world), "channel": "phone",
        "fault_reported": "打印机卡纸", "requested_at": REQUESTED, "contact_name": "孙丽",
        "contact_phone": "13900220000", "now": NOW} | typed
    return service_requests.take_request(session, **values)


def _slip(session: Session, world: World, key: str = "draft") -> Slip:
    return session.get_one(Slip, world.ids[key])


def _fee_line_at(price_fen: int) -> Callable[[dict[str, Any]], None]:
    def change(record: dict[str, Any]) -> None:
        line = record["fee_lines"][0]
        line["unit_price_fen"] = price_fen
        line["amount_fen"] = line_amount_fen(Decimal(line["quantity_milli"]) / 1000, price_fen)
    return change


def _unnamed_signer(record: dict[str, Any]) -> None:
    record["signatures"][0]["signer_name"] = ""


def _contract_record(world: World) -> dict[str, Any]:
    """A new contract as a staff laptop would push it (the world has none to copy)."""
    contract_id = str(uuid.uuid4())
    stamp = _iso(NOW)
    record: dict[str, Any] = {"table": "contracts", "id": contract_id, "row": {
        "id": contract_id, "created_at": stamp, "updated_at": stamp,
        "customer_id": str(world.ids["port"]), "number": "FW-2027-X",
        "starts_on": "2027-12-31", "ends_on": "2027-01-01", "sla_terms": "{}",
        "service_calendar": "{}"}}
    record["hash"] = content_hash(record)
    return record


@dataclass(frozen=True)
class Bad:
    """One bad record, as each path that can carry it is given it."""

    laptop: Callable[[Session, World], object]  # the laptop's command, which must refuse
    wire: Callable[[World], dict[str, Any]]  # the record the service centre pushes
    row: tuple[str, dict[str, Any]] | None = None  # the importer's kind and row
    portal: Callable[[Database, World, User], object] | None = None  # its portal form


BAD: dict[str, Bad] = {
    "engineer code reserved for the portal": Bad(
        lambda s, w: reference.create_engineer(s, code="WEB", name="网页客服"),
        lambda w: _wire(w, "engineers", "engineer", True, _row(code="WEB", name="网页客服")),
        ("engineers", {"code": "WEB", "name": "网页客服"})),
    "engineer code that is no code": Bad(
        lambda s, w: reference.create_engineer(s, code="e-7 x", name="王强"),
        lambda w: _wire(w, "engineers", "engineer", True, _row(code="e-7 x", name="王强")),
        ("engineers", {"code": "e-7 x", "name": "王强"})),
    "contract that ends before it starts": Bad(
        lambda s, w: reference.create_contract(s, _customer(s, w), number="FW-2027-X",
                                               starts_on=date(2027, 12, 31),
                                               ends_on=date(2027, 1, 1)),
        _contract_record,
        ("contracts", {"number": "FW-2027-X", "customer_code": "TJPORT",
                       "starts_on": "2027-12-31", "ends_on": "2027-01-01"})),
    "customer without a name": Bad(
        lambda s, w: reference.create_customer(s, code="NONAME", name=" "),
        lambda w: _wire(w, "customers", "bank", True, _row(code="NONAME", name=" ")),
        ("customers", {"code": "NONAME", "name": " "})),
    "contact whose phone is no phone number": Bad(
        lambda s, w: reference.add_contact(s, _customer(s, w), name="赵敏", phone="abc"),
        lambda w: _wire(w, "contacts", "contact", True, _row(name="赵敏", phone="abc")),
        ("contacts", {"customer_code": "TJPORT", "name": "赵敏", "phone": "abc"})),
    "device without a type": Bad(
        lambda s, w: reference.add_device(s, _customer(s, w), device_type="",
                                          device_class="printer", serial="CN-2"),
        lambda w: _wire(w, "devices", "printer", True,
                        _row(device_type="", serial="CN-2", site_id=None)),
        ("devices", {"customer_code": "TJPORT", "device_type": "", "device_class": "printer",
                     "serial": "CN-2"})),
    "request answered before it was made": Bad(
        lambda s, w: _request(s, w, answered_at=REQUESTED - timedelta(minutes=5)),
        lambda w: _wire(w, "service_requests", "request",
                        change=_row(answered_at=_iso(REQUESTED - timedelta(minutes=5))))),
    "request without a contact name or phone": Bad(
        lambda s, w: _request(s, w, contact_name="", contact_phone=""),
        lambda w: _wire(w, "service_requests", "request",
                        change=_row(contact_id=None, contact_name="", contact_phone="")),
        portal=lambda db, w, u: _ask(db, w, u, contact_name="", contact_phone="")),
    "request for another customer's device": Bad(
        lambda s, w: _request(s, w, device=s.get_one(Device, w.ids["banks_device"])),
        lambda w: _wire(w, "service_requests", "request",
                        change=_row(device_id=str(w.ids["banks_device"])))),
    "request whose phone is no phone number": Bad(
        lambda s, w: _request(s, w, contact_phone="call me"),
        lambda w: _wire(w, "service_requests", "request",
                        change=_row(contact_id=None, contact_phone="call me")),
        portal=lambda db, w, u: _ask(db, w, u, contact_phone="call me")),
    "request without a fault": Bad(
        lambda s, w: _request(s, w, fault_reported="  "),
        lambda w: _wire(w, "service_requests", "request", change=_row(fault_reported="  ")),
        portal=lambda db, w, u: _ask(db, w, u, fault="  ")),
    "slip left before it arrived": Bad(
        lambda s, w: slips.update_slip(s, _slip(s, w), {
            "departed_at": REQUESTED + timedelta(minutes=60)}, now=NOW),
        lambda w: _wire(w, "slips", "draft",
                        change=_row(departed_at=_iso(REQUESTED + timedelta(minutes=60))))),
    "signature without the signer's name": Bad(
        lambda s, w: slips.sign_slip(s, _slip(s, w), role="engineer", signer_name="",
                                     strokes=signature_strokes(1), pad_width=PAD_WIDTH,
                                     pad_height=PAD_HEIGHT,
                                     signed_at=REQUESTED + timedelta(minutes=148), now=NOW),
        lambda w: _wire(w, "slips", "signed", change=_unnamed_signer)),
    "complaint without a description": Bad(
        lambda s, w: complaints.open_complaint(
            s, customer=_customer(s, w), about="service_event", description=" ",
            received_via="phone", received_at=NOW, recorded_by="C01", now=NOW),
        lambda w: _wire(w, "complaints", "complaint", True, _row(
            about="service_event", description=" ", engineer_id=None, subject_name="",
            routed_to="service_centre", number="C-C01-20261124-099")),
        portal=lambda db, w, u: submit_complaint(
            db, user=u, customer_id=w.ids["port"], about="service_event", description=" ",
            subject_name="", slip_number="", now=NOW)),
    "archive entry about another customer's device": Bad(
        lambda s, w: group_archive.add_archive_entry(
            s, customer=_customer(s, w), kind="problem", text="蓝屏", author_code="E07",
            noted_at=NOW, device=s.get_one(Device, w.ids["banks_device"]), now=NOW),
        lambda w: _wire(w, "archive_entries", "entry", True,
                        _row(text="蓝屏", device_id=str(w.ids["banks_device"])))),
    "problem set without a title": Bad(
        lambda s, w: dossier.raise_problem(
            s, customer=_customer(s, w), title=" ", description="卡纸反复出现",
            raised_by="E07", raised_at=NOW, now=NOW),
        lambda w: _wire(w, "problem_sets", "problem", True, _row(
            title=" ", device_id=None, number="W-E07-20261124-099"))),
    "problem set about another customer's device": Bad(
        lambda s, w: dossier.raise_problem(
            s, customer=_customer(s, w), title="蓝屏", description="蓝屏", raised_by="E07",
            raised_at=NOW, device=s.get_one(Device, w.ids["banks_device"]), now=NOW),
        lambda w: _wire(w, "problem_sets", "problem", True, _row(
            title="蓝屏", description="蓝屏", device_id=str(w.ids["banks_device"]),
            number="W-E07-20261124-098"))),
    "service suggestion without its words": Bad(
        lambda s, w: dossier.propose_suggestion(
            s, customer=_customer(s, w), suggestion="  ", proposed_by="E07",
            proposed_at=NOW, now=NOW),
        lambda w: _wire(w, "service_suggestions", "suggestion", True, _row(
            suggestion="  ", number="J-E07-20261124-099"))),
    "open question promised before it was asked": Bad(
        lambda s, w: questions.record_question(
            s, customer=_customer(s, w), asked_by="孙丽", question="能否延长保修？",
            asked_at=NOW - timedelta(hours=1), promised_at=NOW - timedelta(hours=2),
            recorded_by="E07", now=NOW),
        lambda w: _wire(w, "open_questions", "question", True, _row(
            promised_at=_iso(NOW - timedelta(hours=2)), number="Q-E07-20261124-099"))),
    "loaner without an asset tag": Bad(
        lambda s, w: loaners.add_loaner(s, asset_tag=" ", device_class="printer"),
        lambda w: _wire(w, "loaners", "loaner", True, _row(asset_tag=" "))),
    "repair intake without the company's contact": Bad(
        lambda s, w: repair.open_repair(s, s.get_one(ServiceRequest, w.ids["request"]),
                                        s.get_one(Engineer, w.ids["engineer"]),
                                        _intake(company_contact=" "), now=NOW),
        lambda w: _wire(w, "repair_orders", "repair", True, _row(
            company_contact=" ", number="P-E07-20261124-099"))),
    "fee line with a negative price": Bad(
        lambda s, w: slips.set_fee_lines(s, _slip(s, w), [
            FeeLineInput("labour", "上门服务费", Decimal(1), Decimal(-150))]),
        lambda w: _wire(w, "slips", "draft", change=_fee_line_at(-15000))),
}


def _ask(db: Database, world: World, user: User, **typed: str) -> object:
    """The portal's request form, as the customer filled it in."""
    form = {"fault": "打印机卡纸", "contact_name": "孙丽", "contact_phone": "13900220000",
            "device_id": ""} | typed
    return submit_request(db, user=user, customer_id=world.ids["port"], now=NOW, **form)


def _said(issues: list[FieldIssue]) -> list[tuple[str, str, str, str]]:
    return [(i.field, i.code, i.zh, i.en) for i in issues]


def _counts(session: Session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(model))
                 for model in (Customer, Engineer, Device, ServiceRequest, Slip))


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_a_bad_record_gets_the_same_answer_on_every_path(world: World, case: Bad):
    with pytest.raises(ValidationError) as on_laptop, world.store.write() as session:
        case.laptop(session, world)
    expected = _said(on_laptop.value.issues)
    assert expected and all(zh and en for _, _, zh, en in expected)

    record = case.wire(world)
    with world.archive.read() as session:
        before = _counts(session)
        assert _said(record_issues(session, record["table"], record_values(record), NOW)
                     ) == expected
    (outcome,) = _ingest(world.archive, [record])
    assert (outcome.status, outcome.code) == ("refused", "invalid")
    assert (outcome.zh, outcome.en) == (on_laptop.value.zh, on_laptop.value.en)

    if case.row is not None:
        kind, row = case.row
        with pytest.raises(ValidationError) as on_import, world.archive.write() as session:
            import_reference(session, {kind: [row]})
        assert _said(on_import.value.issues) == [
            (f"{kind}[1].{field}", code, f"{kind} 第 1 行：{zh}", f"{kind} row 1: {en}")
            for field, code, zh, en in expected]

    if case.portal is not None:
        with world.archive.write() as session:
            customer = session.scalar(select(User).where(User.name == "port")) or \
                crud.create_user(session, name="port", role="customer",
                                 password=secrets.token_urlsafe(12), customer_code="TJPORT")
        with pytest.raises(ValidationError) as on_portal:
            case.portal(world.archive, world, customer)
        assert _said(on_portal.value.issues) == expected

    with world.archive.read() as session:
        assert _counts(session) == before


def test_the_world_itself_passes_every_path(world: World):
    """The good records the bad ones are made from: pushed again, each is a duplicate."""
    records = [_wire(world, table, key) for table, key in (
        ("engineers", "engineer"), ("customers", "port"), ("contacts", "contact"),
        ("devices", "printer"), ("service_requests", "request"), ("slips", "draft"),
        ("slips", "signed"), ("complaints", "complaint"), ("archive_entries", "entry"),
        ("open_questions", "question"), ("loaners", "loaner"), ("repair_orders", "repair"),
        ("problem_sets", "problem"), ("service_suggestions", "suggestion"))]
    assert {o.status for o in _ingest(world.archive, records)} == {"duplicate"}
    with world.archive.read() as session:
        assert all(record_issues(session, r["table"], record_values(r), NOW) == []
                   for r in records)



def test_a_device_pushed_earlier_in_the_same_batch_is_known_as_its_customers(world: World):
    """The batch is checked in memory (`ingest._Batch`): what it has just accepted counts."""
    device = _wire(world, "devices", "banks_device", True, _row(serial="BH-0043"))
    request = _wire(world, "service_requests", "request",
                    change=_row(device_id=device["id"]))
    outcomes = _ingest(world.archive, [device, request])
    assert [(o.status, o.code) for o in outcomes] == [("accepted", ""), ("refused", "invalid")]
    assert outcomes[1].en == "The selected item belongs to another customer."
