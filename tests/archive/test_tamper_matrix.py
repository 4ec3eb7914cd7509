"""The tamper matrix (issue 18): every way to change a sealed slip behind the app's back
— each field the copy prints, the parties, the device signature, a seal recomputed
without the laptop's key, another laptop's key, a revoked key, a replayed receipt — is
caught three times: by `fieldapp verify`, by the archive, and by the desktop's marker
(the list and the slip editor, through the services they call).

The attacker holds the laptop's database file (triggers dropped, as anyone can) but not
its device key; the archive is honest.
"""

from __future__ import annotations

import base64
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from fieldapp.archive.seal_keys import ArchiveKeys, revoke_key
from fieldapp.base.device_keys import DeviceKey, ephemeral_key
from fieldapp.cli import cli
from fieldapp.reads.queries import SlipFilter
from fieldapp.seal.sealing import canonical_bytes, seal_document, seal_of, verify_slip
from fieldapp.services import lists
from fieldapp.services.visit_view import slip_data
from fieldapp.store.models import Customer, Engineer, SealReceipt, ServiceRequest, Site, Slip
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from tests.archive.work import dispatch, seal_a_slip


def drop_triggers(session) -> None:
    for (name,) in list(session.execute(text(
            "SELECT name FROM sqlite_master WHERE type='trigger'"))):
        session.execute(text(f"DROP TRIGGER {name}"))


def sql(store, statement: str, **params) -> None:
    with store.write() as session:
        drop_triggers(session)
        session.execute(text(statement), params)


def reseal(store, slip_id: uuid.UUID, key: DeviceKey | None, *,
           signature_of: DeviceKey | None = None) -> None:
    """What a forger does next: rebuild the seal document from the changed content and
    recompute the SHA-256 (public algorithm). With `key` the seal is signed by that key
    (one the forger made, or another laptop's); with None the laptop's signature stays."""
    with store.read() as session:
        slip = session.get_one(Slip, slip_id)
        stored = json.loads(slip.seal_document)
        signed_by = stored["signed_by"] if key is None else {
            "key_id": key.key_id, "public_key": key.public_key}
        document = seal_document(slip, **signed_by)
        seal = seal_of(document)
        key_id = signed_by["key_id"]
        signature = (signature_of or key).sign(seal.encode()) if key else slip.seal_signature
    sql(store, "UPDATE slips SET seal_document = :d, seal = :s, seal_key_id = :k, "
        "seal_signature = :g WHERE id = :i", d=canonical_bytes(document).decode(), s=seal,
        k=key_id, g=signature, i=slip_id.hex)


@dataclass
class Case:
    name: str
    tamper: Callable[[object, uuid.UUID], None]  # (laptop, slip id)


def other_id(store, model, exclude_sql: str, slip_id: uuid.UUID) -> str:
    with store.read() as session:
        mine = session.execute(text(exclude_sql), {"i": slip_id.hex}).scalar()
        for row in session.scalars(select(model.id)):
            if row.hex != mine:
                return row.hex
    raise AssertionError("no other row")


def move_to_other_customer(laptop, slip_id) -> None:
    customer = other_id(laptop.store, Customer, "SELECT r.customer_id FROM service_requests r "
                        "JOIN slips s ON s.request_id = r.id WHERE s.id = :i", slip_id)
    sql(laptop.store, "UPDATE service_requests SET customer_id = :c WHERE id = "
        "(SELECT request_id FROM slips WHERE id = :i)", c=customer, i=slip_id.hex)


def move_to_other_engineer(laptop, slip_id) -> None:
    engineer = other_id(laptop.store, Engineer, "SELECT engineer_id FROM slips WHERE id = :i",
                        slip_id)
    sql(laptop.store, "UPDATE slips SET engineer_id = :e WHERE id = :i", e=engineer,
        i=slip_id.hex)


def move_to_other_site(laptop, slip_id) -> None:
    site = other_id(laptop.store, Site, "SELECT r.site_id FROM service_requests r "
                    "JOIN slips s ON s.request_id = r.id WHERE s.id = :i", slip_id)
    sql(laptop.store, "UPDATE service_requests SET site_id = :c WHERE id = "
        "(SELECT request_id FROM slips WHERE id = :i)", c=site, i=slip_id.hex)


def move_to_other_request(laptop, slip_id) -> None:
    request = other_id(laptop.store, ServiceRequest, "SELECT request_id FROM slips "
                       "WHERE id = :i", slip_id)
    sql(laptop.store, "UPDATE slips SET request_id = :r WHERE id = :i", r=request,
        i=slip_id.hex)


def flip_signature(laptop, slip_id) -> None:
    with laptop.store.read() as session:
        raw = bytearray(base64.b64decode(session.get_one(Slip, slip_id).seal_signature))
    raw[7] ^= 0x01
    sql(laptop.store, "UPDATE slips SET seal_signature = :g WHERE id = :i",
        g=base64.b64encode(bytes(raw)).decode(), i=slip_id.hex)


def higher_fee(laptop, slip_id) -> None:
    sql(laptop.store, "UPDATE fee_lines SET amount_fen = amount_fen + 10000, unit_price_fen "
        "= unit_price_fen + 10000 WHERE slip_id = :i AND position = 1", i=slip_id.hex)


def recomputed_seal_without_key(laptop, slip_id) -> None:
    higher_fee(laptop, slip_id)
    reseal(laptop.store, slip_id, None)  # the laptop's signature of the old seal stays


def resigned_with_a_key_of_its_own(laptop, slip_id) -> None:
    higher_fee(laptop, slip_id)
    reseal(laptop.store, slip_id, ephemeral_key())


@dataclass
class Matrix:
    archive: object
    e01: object
    e02_key: DeviceKey
    synced_receipt_slip: uuid.UUID  # a genuine slip of e01's with the archive's receipt
    requests: list[uuid.UUID]  # dispatched to E01, one for each slip still to seal

    def seal_next(self):
        return seal_a_slip(self.e01.store, self.requests.pop(), "E01")


def replayed_receipt(matrix: Matrix) -> Callable:
    def tamper(laptop, slip_id) -> None:
        resigned_with_a_key_of_its_own(laptop, slip_id)
        with laptop.store.write() as session:  # the genuine slip's receipt, copied over
            genuine = session.get_one(SealReceipt, matrix.synced_receipt_slip)
            session.add(SealReceipt(slip_id=slip_id, body=genuine.body,
                                    signature=genuine.signature))
    return tamper


def another_laptops_key(matrix: Matrix) -> Callable:
    def tamper(laptop, slip_id) -> None:
        higher_fee(laptop, slip_id)
        reseal(laptop.store, slip_id, matrix.e02_key)
    return tamper


def cases(matrix: Matrix) -> list[Case]:
    return [
        Case("slip.solved_at", lambda lap, i: sql(
            lap.store, "UPDATE slips SET solved_at = '2026-11-24 03:00:00.000000' WHERE id = :i",
            i=i.hex)),
        Case("slip.fault_found", lambda lap, i: sql(
            lap.store, "UPDATE slips SET fault_found = '主板损坏' WHERE id = :i", i=i.hex)),
        Case("slip.handling", lambda lap, i: sql(
            lap.store, "UPDATE slips SET handling = handling || '。' WHERE id = :i", i=i.hex)),
        Case("fees.amount", higher_fee),
        Case("signatures.signer_name", lambda lap, i: sql(
            lap.store, "UPDATE signatures SET signer_name = '孙莉' WHERE slip_id = :i "
            "AND role = 'customer'", i=i.hex)),
        Case("request.contact_phone", lambda lap, i: sql(
            lap.store, "UPDATE service_requests SET contact_phone = '13900000000' WHERE id = "
            "(SELECT request_id FROM slips WHERE id = :i)", i=i.hex)),
        Case("parties.customer", move_to_other_customer),
        Case("parties.engineer", move_to_other_engineer),
        Case("parties.site", move_to_other_site),
        Case("parties.device", lambda lap, i: sql(
            lap.store, "UPDATE service_requests SET device_id = NULL WHERE id = "
            "(SELECT request_id FROM slips WHERE id = :i)", i=i.hex)),
        Case("parties.request", move_to_other_request),
        Case("device signature", flip_signature),
        Case("recomputed seal without the key", recomputed_seal_without_key),
        Case("seal signed by a key of the forger's", resigned_with_a_key_of_its_own),
        Case("another laptop's key", another_laptops_key(matrix)),
        Case("replayed receipt", replayed_receipt(matrix)),
    ]


def caught_by_verify(laptop, number: str) -> bool:
    result = CliRunner().invoke(cli, ["--data-dir", str(laptop.folder), "--lang", "en",
                                      "verify", number])
    assert "Traceback" not in result.output
    return result.exit_code == 1


def caught_by_marker(laptop, slip_id: uuid.UUID) -> bool:
    """What the desktop shows: the slips list's status and the editor's banner."""
    rows = [r for r in lists.slips(laptop.store, SlipFilter(), limit=1000) if r.id == slip_id]
    listed = lists.seal_marks(laptop.store, rows)[0].status == "tampered"
    with laptop.store.read() as session:
        editor = slip_data(session, session.get_one(Slip, slip_id)).tampered
    return listed and editor


def caught_by_archive(matrix: Matrix, laptop, slip_id: uuid.UUID) -> bool:
    """The laptop pushes what it now holds: the archive refuses it, or — for a change to
    a row the archive keeps its own copy of (the request) — holds the genuine slip, whose
    seal it verifies, and never the laptop's changed content."""
    report = run_sync_round(laptop.store, None, laptop.client)
    if str(slip_id) in {r.id for r in report.refused}:
        return True
    with matrix.archive.db.read() as session, laptop.store.read() as mine:
        stored = session.get(Slip, slip_id)
        if stored is None:
            return False
        genuine = verify_slip(stored, ArchiveKeys(session)).ok
        return genuine and not verify_slip(mine.get_one(Slip, slip_id)).ok


@pytest.fixture
def matrix(archive, laptops) -> Matrix:
    centre = laptops("centre")
    fill_demo(centre.store, requests=24)
    requests = [dispatch(centre.store, "E01") for _ in range(20)]
    assert run_sync_round(centre.store, None, centre.client).ok
    e02 = laptops("e02")  # another engineer's laptop: its key is registered to e02
    e01 = laptops("e01")
    assert run_sync_round(e01.store, None, e01.client).ok
    genuine = seal_a_slip(e01.store, requests.pop(), "E01")
    assert run_sync_round(e01.store, None, e01.client).accepted == 1
    return Matrix(archive, e01, e02.store.device_key(), genuine.id, requests)


def test_every_tampering_is_caught_by_verify_the_archive_and_the_desktop(matrix):
    laptop = matrix.e01
    with laptop.store.read() as session:
        assert session.get(SealReceipt, matrix.synced_receipt_slip) is not None
    escaped = []
    for case in cases(matrix):
        slip = matrix.seal_next()
        assert caught_by_verify(laptop, slip.number) is False, case.name  # genuine first
        case.tamper(laptop, slip.id)
        caught = {"verify": caught_by_verify(laptop, slip.number),
                  "desktop": caught_by_marker(laptop, slip.id),
                  "archive": caught_by_archive(matrix, laptop, slip.id)}
        escaped += [f"{case.name}: not caught by {who}" for who, ok in caught.items() if not ok]
    assert not escaped, escaped
    # the genuine slip stayed genuine throughout
    assert not caught_by_verify(laptop, slips_number(laptop, matrix.synced_receipt_slip))


def slips_number(laptop, slip_id: uuid.UUID) -> str:
    with laptop.store.read() as session:
        return session.get_one(Slip, slip_id).number


def test_a_revoked_key_seals_nothing_new_but_what_the_archive_received_before_stands(
        matrix, laptops):
    laptop = matrix.e01
    before = matrix.synced_receipt_slip  # sealed and received before the laptop was lost
    with matrix.archive.db.write() as session:  # fieldapp-archive devices revoke …
        revoke_key(session, key_id=laptop.store.device_key().key_id)
    after = matrix.seal_next()
    laptop.client.registered_keys.clear()  # a new session: it learns the revocation

    assert caught_by_archive(matrix, laptop, after.id)
    assert caught_by_verify(laptop, after.number)
    assert caught_by_marker(laptop, after.id)
    assert not caught_by_verify(laptop, slips_number(laptop, before))
    assert not caught_by_marker(laptop, before)


def test_the_archive_receipt_is_kept_on_the_laptop_and_verifies(matrix):
    laptop = matrix.e01
    number = slips_number(laptop, matrix.synced_receipt_slip)
    result = CliRunner().invoke(cli, ["--data-dir", str(laptop.folder), "--lang", "en",
                                      "verify", number])
    assert result.exit_code == 0, result.output
    assert "Archive receipt: received" in result.output
    assert "format 4" in result.output


def test_a_slip_changed_after_the_archive_received_it_is_reported_on_the_next_sync(
        matrix, caplog):
    """Sealed rows are never pushed again: the round's recheck reports it instead."""
    laptop = matrix.e01
    number = slips_number(laptop, matrix.synced_receipt_slip)
    higher_fee(laptop, matrix.synced_receipt_slip)
    with caplog.at_level(logging.WARNING, logger="fieldapp.archive.audit"):
        report = run_sync_round(laptop.store, None, laptop.client)
    assert report.tampered == 1
    reported = [r.getMessage() for r in caplog.records if "tampered slip" in r.getMessage()]
    assert len(reported) == 1 and number in reported[0] and "amount_fen" in reported[0]
