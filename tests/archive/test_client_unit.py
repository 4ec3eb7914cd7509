"""The sync client, backoff, credentials and outbox without a server (httpx.MockTransport)."""

from __future__ import annotations

import json
import os
import stat
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from fieldapp.base.timeutil import iso_utc, utcnow
from fieldapp.store import open_store, outbox
from fieldapp.store.models import ServiceRequest, SyncOutbox
from fieldapp.sync import state
from fieldapp.sync.backoff import Backoff
from fieldapp.sync.client import ArchiveClient, AuthRequired, OfflineError, ServerError
from fieldapp.sync.credentials import forget_token, load_token, save_token
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo


def test_a_revoked_token_becomes_auth_required_with_the_servers_words():
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": {"code": "unauthorized", "zh": "令牌已吊销",
                                                   "en": "token revoked"}})

    transport = httpx.MockTransport(answer)
    with ArchiveClient("http://archive.test", "t", transport=transport) as c, pytest.raises(
            AuthRequired) as caught:
        c.pull(0)
    assert caught.value.zh == "令牌已吊销" and caught.value.en == "token revoked"


def test_an_unreachable_archive_is_offline_not_a_crash():
    def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("no route", request=request)

    with ArchiveClient("http://archive.test", "t", transport=httpx.MockTransport(answer)) as c:
        assert c.is_online() is False
        with pytest.raises(OfflineError):
            c.push([], utcnow())


def test_a_server_error_without_json_still_reads_well():
    transport = httpx.MockTransport(lambda r: httpx.Response(502, text="Bad Gateway"))
    with ArchiveClient("http://archive.test", "t", transport=transport) as c, pytest.raises(
            ServerError) as caught:
        c.pull(0)
    assert caught.value.status == 502 and "502" in caught.value.en


def test_no_token_means_log_in_first():
    with ArchiveClient("http://archive.test") as c, pytest.raises(AuthRequired):
        c.pull(0)


def test_one_round_acknowledges_accepted_keeps_refused_and_records_clock_skew(tmp_path):
    store = open_store(tmp_path)
    fill_demo(store, requests=3)
    ahead = utcnow() - timedelta(minutes=9)  # the server is 9 minutes behind this laptop
    sent: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sync/push"):
            body = json.loads(request.content)
            sent.extend(body["records"])
            results = [{"table": r["table"], "id": r["id"], "hash": r["hash"],
                        "status": "refused" if r["table"] == "service_requests" else "accepted",
                        "code": "invalid", "reason_zh": "不行", "reason_en": "no"}
                       for r in body["records"]]
            return httpx.Response(200, json={"server_time": iso_utc(ahead), "results": results,
                                             "clock_skew_seconds": 0,
                                             "clock_skew_flagged": False})
        return httpx.Response(200, json={"server_time": iso_utc(ahead), "cursor": 7,
                                         "more": False, "records": []})

    with ArchiveClient("http://archive.test", "t", transport=httpx.MockTransport(answer)) as c:
        report = run_sync_round(store, None, c, push_batch=10)
    assert not report.ok and report.refused and report.accepted
    assert report.clock_skew_flagged and 500 < report.clock_skew_seconds < 600
    assert [r["table"] for r in sent] == sorted(
        (r["table"] for r in sent), key=list(outbox.TABLE_RANK).index)  # parents first
    with store.read() as session:
        left = session.scalars(select(SyncOutbox)).all()
        assert {e.table_name for e in left} == {"service_requests"}
        assert all(e.state == "refused" and e.reason_en == "no" for e in left)
        assert state.cursor(session) == 7
        assert 500 < int(state.get(session, state.CLOCK_SKEW)) < 600
    store.close()


def test_a_change_while_a_push_is_in_flight_is_not_lost(tmp_path):
    store = open_store(tmp_path)
    fill_demo(store, requests=1)
    phones_sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sync/push"):
            body = json.loads(request.content)
            phones_sent.extend(r["row"]["contact_phone"] for r in body["records"]
                               if r["table"] == "service_requests")
            if len(phones_sent) == 1:
                with store.write() as session:  # the user edits during the round trip
                    req = session.scalar(select(ServiceRequest))
                    req.contact_phone = "13800000000"
            results = [{"table": r["table"], "id": r["id"], "hash": r["hash"],
                        "status": "accepted"} for r in body["records"]]
            return httpx.Response(200, json={"server_time": iso_utc(utcnow()),
                                             "results": results, "clock_skew_seconds": 0,
                                             "clock_skew_flagged": False})
        return httpx.Response(200, json={"server_time": iso_utc(utcnow()), "cursor": 0,
                                         "more": False, "records": []})

    with ArchiveClient("http://archive.test", "t", transport=httpx.MockTransport(answer)) as c:
        run_sync_round(store, None, c, push_batch=1000)
    # the ack of the first version did not clear the second: it was sent next
    assert phones_sent[-1] == "13800000000" and len(phones_sent) == 2
    with store.read() as session:
        assert outbox.count(session) == 0
    store.close()


def pushes_answering(store, answered_in_first_push: int, batch: int) -> list[list[str]]:
    """The record ids of each push of a round whose first answer leaves some out."""
    pushes: list[list[str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sync/push"):
            records = json.loads(request.content)["records"]
            pushes.append([r["id"] for r in records])
            if len(pushes) == 1:
                records = records[:answered_in_first_push]
            results = [{"table": r["table"], "id": r["id"], "hash": r["hash"],
                        "status": "accepted"} for r in records]
            return httpx.Response(200, json={"server_time": iso_utc(utcnow()),
                                             "results": results})
        return httpx.Response(200, json={"server_time": iso_utc(utcnow()), "cursor": 0,
                                         "more": False, "records": []})

    with ArchiveClient("http://archive.test", "t", transport=httpx.MockTransport(answer)) as c:
        run_sync_round(store, None, c, push_batch=batch)
    return pushes


def test_batches_go_in_outbox_order_while_the_next_is_read_ahead(tmp_path):
    store = open_store(tmp_path)
    fill_demo(store, requests=4)
    with store.read() as session:
        order = [str(e.record_id) for e in outbox.pending(session, 10_000)]
    pushes = pushes_answering(store, answered_in_first_push=10, batch=10)
    assert [i for push in pushes for i in push] == order
    with store.read() as session:
        assert outbox.count(session) == 0
    store.close()


def test_records_left_unanswered_keep_their_place_before_the_batch_read_ahead(tmp_path):
    store = open_store(tmp_path)
    fill_demo(store, requests=4)
    pushes = pushes_answering(store, answered_in_first_push=3, batch=10)
    assert pushes[1][:7] == pushes[0][3:]  # sent again first, not after the next batch
    with store.read() as session:
        assert outbox.count(session) == 0
    store.close()


def test_backoff_grows_to_its_cap_and_resets():
    backoff = Backoff(base=1, cap=10)
    ceilings = []
    for _ in range(8):
        ceilings.append(min(10, 2 ** backoff.failures))
        assert 0 <= backoff.next_delay() <= ceilings[-1]
    assert ceilings[-1] == 10
    backoff.reset()
    assert backoff.failures == 0


def test_without_a_keyring_the_token_goes_to_a_private_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    where = save_token(tmp_path, "http://archive.test", "fa1_secret")
    assert where == str(tmp_path / "device_token")
    assert stat.S_IMODE(os.stat(where).st_mode) == 0o600
    assert load_token(tmp_path, "http://archive.test") == "fa1_secret"
    forget_token(tmp_path, "http://archive.test")
    assert load_token(tmp_path, "http://archive.test") is None
