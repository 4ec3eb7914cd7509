"""Records the archive refuses, and who may push and read what."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, text

from fieldapp.archive import crud
from fieldapp.base.timeutil import utcnow
from fieldapp.records.reference import engineer_by_code
from fieldapp.store import outbox
from fieldapp.store.models import ServiceRequest, Slip, SyncOutbox
from fieldapp.sync.client import ArchiveClient, AuthRequired, ServerError
from fieldapp.sync.rounds import records_for, run_sync_round
from fieldapp.sync.wire import content_hash, read_record
from fieldapp.tools.demo import fill_demo
from tests.archive.servers import PASSWORD
from tests.archive.work import assigned_request, dispatch, seal_a_slip


@pytest.fixture
def centre(archive, laptops):
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=24)
    dispatch(laptop.store, "E01")
    assert run_sync_round(laptop.store, None, laptop.client).ok
    return laptop


def test_an_engineer_seals_a_slip_offline_and_the_archive_accepts_it(archive, centre, laptops):
    e01 = laptops("e01")
    assert run_sync_round(e01.store, None, e01.client).ok
    request = assigned_request(e01.store, "E01")
    slip = seal_a_slip(e01.store, request.id, "E01")
    with e01.store.read() as session:
        # the request's status is derived (request_state): only the slip is queued
        assert {(e.table, e.record_id) for e in outbox.pending(session, 10)} == {
            ("slips", slip.id)}

    report = run_sync_round(e01.store, None, e01.client)

    assert report.ok and report.accepted == 1, report
    answer = e01.client._request("GET", f"/slips/{slip.id}")
    assert answer["seal_ok"] and len(answer["record"]["fee_lines"]) == 2
    with archive.db.read() as session:
        stored = session.get_one(Slip, slip.id)
        assert stored.seal == slip.seal and stored.total_fen == 57550


def test_an_engineer_cannot_push_a_slip_as_another_engineer_and_the_rest_still_goes(
        archive, centre, laptops):
    e01 = laptops("e01")
    run_sync_round(e01.store, None, e01.client)
    mine = assigned_request(e01.store, "E01")
    seal_a_slip(e01.store, mine.id, "E01")
    with e01.store.read() as session:
        theirs = session.scalar(select(ServiceRequest).where(ServiceRequest.status == "open"))
        other = session.scalar(select(ServiceRequest).where(
            ServiceRequest.assigned_engineer_id == engineer_by_code(session, "E02").id)) or theirs
    forged = seal_a_slip(e01.store, (theirs or other).id, "E02")  # signed as E02 on E01's laptop

    report = run_sync_round(e01.store, None, e01.client)

    assert not report.ok
    refused = {r.id: r for r in report.refused}
    assert str(forged.id) in refused
    assert refused[str(forged.id)].code == "not_yours"
    assert "本人" in refused[str(forged.id)].zh and "own records" in refused[str(forged.id)].en
    assert report.accepted >= 1  # my slip went through
    with e01.store.read() as session:
        waiting = session.get_one(SyncOutbox, ("slips", forged.id))
        assert waiting.state == "refused" and waiting.reason_code == "not_yours"
    with archive.db.read() as session:
        assert session.get(Slip, forged.id) is None
    # a refused record is never dropped, and does not block the next round
    again = run_sync_round(e01.store, None, e01.client)
    assert again.pushed == 0 and again.refused_total >= 1


def test_an_engineer_cannot_read_another_engineers_slip(archive, centre, laptops):
    e01 = laptops("e01")
    with archive.db.read() as session:
        e02 = engineer_by_code(session, "E02")
        e01_id = engineer_by_code(session, "E01").id
        slip = session.scalar(select(Slip).join(ServiceRequest).where(
            Slip.engineer_id == e02.id, ServiceRequest.assigned_engineer_id != e01_id))
        assert slip is not None
    with pytest.raises(ServerError) as caught:
        e01.client._request("GET", f"/slips/{slip.id}")
    assert caught.value.status == 404
    assert centre.client._request("GET", f"/slips/{slip.id}")["seal_ok"]


def test_a_customer_account_cannot_use_the_sync_api(archive, laptops):
    """Refused at login, like a wrong password (issue 19); a token enrolled before that
    still opens no sync route."""
    with ArchiveClient(archive.url) as client, pytest.raises(AuthRequired):
        client.login("port", PASSWORD, "laptop-port")
    with archive.db.write() as session:
        token = crud.enrol_device(session, user=crud.get_user(session, name="port"),
                                  label="old laptop")[1]
    with ArchiveClient(archive.url, token) as port:
        with pytest.raises(ServerError) as caught:
            port.pull(0)
        assert caught.value.status == 403
        with pytest.raises(ServerError):
            port.push([], utcnow())


def test_a_tampered_seal_is_refused_and_nothing_of_it_is_stored(archive, laptops):
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=8)
    with laptop.store.read() as session:
        slip_id = session.scalar(select(Slip.id).where(Slip.seal.is_not(None)))
    # Change a signed fact behind the core's back (as a tool or hand edit would).
    with laptop.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER slips_sealed_update")
        conn.execute(text("UPDATE slips SET handling = '客户自行解决' WHERE id = :id"),
                     {"id": slip_id.hex})

    report = run_sync_round(laptop.store, None, laptop.client)

    assert [r.code for r in report.refused] == ["seal_mismatch"]
    assert "handling" in report.refused[0].en and "封存" in report.refused[0].zh
    assert report.accepted > 10  # everything else went through
    with archive.db.read() as session:
        assert session.get(Slip, slip_id) is None
    with laptop.store.read() as session:
        assert session.get_one(SyncOutbox, ("slips", slip_id)).state == "refused"


def test_a_forged_seal_hash_is_refused(archive, laptops):
    laptop = laptops("centre")
    fill_demo(laptop.store, requests=8)
    with laptop.store.read() as session:
        records = records_for(session, outbox.pending(session, 1000))
    slip = next(r for r in records.values() if r["table"] == "slips" and r["row"]["seal"])
    slip["row"]["seal"] = "0" * 64
    slip["hash"] = content_hash(slip)
    answer = laptop.client.push(list(records.values()), utcnow())
    by_id = {r["id"]: r for r in answer["results"]}
    assert by_id[slip["id"]]["status"] == "refused"
    assert by_id[slip["id"]]["code"] == "seal_mismatch"


def test_a_change_to_a_slip_sealed_in_the_archive_is_refused(archive, centre):
    with centre.store.read() as session:
        slip_id = session.scalar(select(Slip.id).where(Slip.seal.is_not(None)))
        record = read_record(session, "slips", slip_id)
    assert record is not None
    record["row"]["handling"] = "改过的处理方式"
    record["fee_lines"][0]["amount_fen"] += 100
    record["hash"] = content_hash(record)
    answer = centre.client.push([record], utcnow())
    result = answer["results"][0]
    assert result["status"] == "refused" and result["code"] == "sealed"
    assert "sealed" in result["reason_en"] and "已在档案中封存" in result["reason_zh"]


def test_a_record_damaged_in_transit_is_refused(archive, centre):
    with centre.store.read() as session:
        request_id = session.scalar(select(ServiceRequest.id))
        record = read_record(session, "service_requests", request_id)
    assert record is not None
    record["row"]["fault_reported"] = "x"
    result = centre.client.push([record], utcnow())["results"][0]
    assert result["code"] == "hash_mismatch"


def test_a_request_breaking_the_core_rules_is_refused_with_the_field(archive, centre):
    with centre.store.read() as session:
        request_id = session.scalar(select(ServiceRequest.id))
        record = read_record(session, "service_requests", request_id)
    assert record is not None
    record["id"] = str(uuid.uuid4())
    record["row"].update(id=record["id"], number="R-C01-20000101-999", channel="pigeon",
                         fault_reported="")
    record["hash"] = content_hash(record)
    result = centre.client.push([record], utcnow())["results"][0]
    assert result["status"] == "refused" and result["code"] == "invalid"
    assert "pigeon" in result["reason_en"] and "故障现象" in result["reason_zh"]


def test_a_revoked_token_stops_working_at_once(archive, centre):
    from fieldapp.archive import crud

    assert centre.client.me()["user"]["role"] == "staff"
    device_id = uuid.UUID(centre.client.me()["device_id"])
    with archive.db.write() as session:
        crud.revoke_device(session, device_id=device_id)
    with pytest.raises(AuthRequired) as caught:
        centre.client.pull(0)
    assert "revoked" in caught.value.en
    report = run_sync_round(centre.store, None, centre.client)
    assert isinstance(report.error, AuthRequired) and not report.ok


def test_disabling_a_user_revokes_their_laptops(archive, laptops):
    from fieldapp.archive import crud

    e03 = laptops("e03")
    assert e03.client.me()["user"]["engineer_code"] == "E03"
    with archive.db.write() as session:
        crud.set_user_active(session, name="e03", active=False)
    with pytest.raises(AuthRequired):
        e03.client.me()
    with pytest.raises(AuthRequired):
        e03.client.login("e03", "correct horse battery", "again")
