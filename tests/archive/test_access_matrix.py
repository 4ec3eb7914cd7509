"""Every API route for every kind of caller: engineer, staff, admin, a customer's token
from before customers were refused here, a revoked device, a disabled user, no token and a
guessed token. Nobody reads or writes what is
not theirs, including by guessing or enumerating ids (UUIDv7s are time-ordered, so a
neighbour of a known id is a natural guess).

The customer portal's isolation (/portal pages) is specified in tests/portal/.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from fieldapp.archive import crud
from fieldapp.base.timeutil import iso_utc, utcnow
from fieldapp.store import open_store
from fieldapp.store.models import Customer, Engineer, ServiceRequest, Slip
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.rounds import run_sync_round
from fieldapp.sync.wire import content_hash, read_record
from fieldapp.tools.demo import fill_demo
from tests.archive.servers import PASSWORD, RunningArchive, run_archive, sqlite_url
from tests.archive.work import dispatch
from tests.figures import note

API = "/api/v1"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningArchive]:
    """One archive for the whole matrix (the matrix only reads, or writes what it checks)."""
    folder = tmp_path_factory.mktemp("matrix")
    with run_archive(sqlite_url(folder)) as running:
        running.add_user("centre", "staff")
        for code in ("E01", "E02", "E03"):
            running.add_user(code.lower(), "engineer", engineer=code)
        running.add_user("boss", "admin")
        running.add_user("port", "customer", customer="TJPORT")
        store = open_store(folder / "centre")
        fill_demo(store, requests=24)
        dispatch(store, "E01")
        with ArchiveClient(running.url) as client:
            client.login("centre", PASSWORD, "centre")
            assert run_sync_round(store, None, client).ok
        store.close()
        yield running


def login(http: httpx.Client, user: str) -> dict:
    answer = http.post(f"{API}/auth/login", json={"user": user, "password": PASSWORD,
                                                  "device_label": f"matrix-{user}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def customer_token(archive) -> str:
    """A device token of a customer account, as enrolled before the API refused customers
    (issue 19): such tokens may still exist in an archive."""
    with archive.db.write() as session:
        user = crud.get_user(session, name="port")
        return crud.enrol_device(session, user=user, label="matrix-port")[1]


@pytest.fixture(scope="module")
def callers(archive):
    """name -> token (None: no Authorization header at all)."""
    with httpx.Client(base_url=archive.url, timeout=10) as http:
        tokens = {name: login(http, user)["token"] for name, user in (
            ("engineer", "e01"), ("staff", "centre"), ("admin", "boss"),
            ("revoked", "e02"), ("disabled", "e03"))}
        tokens["customer"] = customer_token(archive)
        other_laptop = login(http, "e02")["token"]  # a second laptop of e02 stays enrolled
        revoked_device = http.get(f"{API}/auth/me", headers=bearer(tokens["revoked"])).json()
    with archive.db.write() as session:
        crud.revoke_device(session, device_id=uuid.UUID(revoked_device["device_id"]))
        crud.set_user_active(session, name="e03", active=False)
    return {**tokens, "guessed": "fa1_" + "A" * 43, "none": None,
            "e02_other_laptop": other_laptop}


def bearer(token: str | None) -> dict[str, str]:
    return {} if token is None else {"Authorization": f"Bearer {token}"}


# route -> caller -> expected status. Push/pull bodies are valid and empty-ish, so the
# status says only whether the caller was let in.
EXPECTED = {
    ("GET", "/auth/me"): {"engineer": 200, "staff": 200, "admin": 200, "customer": 200},
    ("GET", "/sync/pull"): {"engineer": 200, "staff": 200, "admin": 200, "customer": 403},
    ("POST", "/sync/push"): {"engineer": 200, "staff": 200, "admin": 200, "customer": 403},
    ("GET", "/slips/{id}"): {"engineer": 404, "staff": 200, "admin": 200, "customer": 404},
    ("GET", "/tasks"): {"engineer": 403, "staff": 200, "admin": 200, "customer": 403},
    ("GET", "/dossier/pending"): {"engineer": 403, "staff": 200, "admin": 200,
                                  "customer": 403},
}
LOCKED_OUT = ("revoked", "disabled", "guessed", "none")


def test_every_route_lets_in_exactly_the_callers_it_should(archive, callers):
    mine, every = visible_to_e01(archive)
    slip_id = min(every - mine)  # a slip that is not E01's
    tried = 0
    with httpx.Client(base_url=archive.url, timeout=10) as http:
        assert http.get(f"{API}/health").status_code == 200  # the only open route
        for (method, path), allowed in EXPECTED.items():
            for caller, token in callers.items():
                if caller == "e02_other_laptop":
                    continue
                kwargs = {"params": {"cursor": 0, "limit": 5}} if path == "/sync/pull" else {}
                if path == "/sync/push":
                    kwargs = {"json": {"client_time": iso_utc(utcnow()), "records": []}}
                answer = http.request(method, API + path.replace("{id}", str(slip_id)),
                                      headers=bearer(token), **kwargs)
                want = 401 if caller in LOCKED_OUT else allowed[caller]
                assert answer.status_code == want, (method, path, caller, answer.text[:300])
                if answer.status_code >= 400:
                    error = answer.json()["error"]
                    assert error["zh"] and error["en"], (method, path, caller)
                tried += 1
        for caller in LOCKED_OUT:
            assert http.post(f"{API}/auth/logout", headers=bearer(callers[caller])
                             ).status_code == 401
        for user in ("e01", "centre", "boss", "port"):  # logout ends this laptop's token
            token = customer_token(archive) if user == "port" else login(http, user)["token"]
            assert http.post(f"{API}/auth/logout", headers=bearer(token)).status_code == 204
            assert http.get(f"{API}/auth/me", headers=bearer(token)).status_code == 401
            tried += 3
    # revoking one laptop leaves the user's other laptop working
    assert httpx.get(f"{archive.url}{API}/auth/me",
                     headers=bearer(callers["e02_other_laptop"])).status_code == 200
    note("access_matrix_routes", routes=len(EXPECTED) + 3, callers=len(callers), requests=tried)


def visible_to_e01(archive) -> tuple[set[uuid.UUID], set[uuid.UUID]]:
    """(slips E01 may read, all slips): theirs, of a request assigned to them, or of one of
    the 20 latest requests of a device in such a request (its history, which E01's pull
    brings: fieldapp.archive.visibility)."""
    with archive.db.read() as session:
        me = session.scalar(select(Engineer.id).where(Engineer.code == "E01"))
        rows = session.execute(
            select(Slip.id, Slip.engineer_id, ServiceRequest.assigned_engineer_id,
                   Slip.request_id)
            .join(ServiceRequest, ServiceRequest.id == Slip.request_id)).all()
        requests = session.execute(
            select(ServiceRequest.id, ServiceRequest.device_id,
                   ServiceRequest.assigned_engineer_id)
            .order_by(ServiceRequest.requested_at.desc(), ServiceRequest.id.desc())).all()
    devices = {r.device_id for r in requests if r.assigned_engineer_id == me}
    latest: dict[uuid.UUID, list[uuid.UUID]] = {}
    for request in requests:
        latest.setdefault(request.device_id, []).append(request.id)
    history = {r for device in devices for r in latest[device][:20]}
    return ({r.id for r in rows
             if me in (r.engineer_id, r.assigned_engineer_id) or r.request_id in history},
            {r.id for r in rows})


def test_guessed_and_enumerated_slip_ids_reveal_nothing(archive, callers):
    mine, every = visible_to_e01(archive)
    assert mine and every - mine
    guesses = set(every)
    for known in every:  # neighbours of every real id, and random ones
        guesses |= {uuid.UUID(int=known.int + 1), uuid.UUID(int=known.int - 1)}
    guesses |= {uuid.uuid4() for _ in range(20)}
    seen: dict[str, set[uuid.UUID]] = {}
    with httpx.Client(base_url=archive.url, timeout=10) as http:
        for caller in ("engineer", "customer", "staff"):
            seen[caller] = set()
            for guess in sorted(guesses):
                answer = http.get(f"{API}/slips/{guess}", headers=bearer(callers[caller]))
                assert answer.status_code in (200, 404), (caller, guess, answer.text[:200])
                if answer.status_code == 200:
                    seen[caller].add(guess)
                else:  # "not there" and "not yours" are the same answer
                    assert answer.json()["error"]["code"] == "not_found"
            for malformed in ("1", "../../auth/me", "0" * 40, "%00"):
                assert http.get(f"{API}/slips/{malformed}",
                                headers=bearer(callers[caller])).status_code in (404, 422)
    assert seen["engineer"] == mine
    assert seen["customer"] == set()  # customers read through the portal, not this API
    assert seen["staff"] == every
    note("access_matrix_ids", guesses=len(guesses) * 3, slips=len(every), e01_may_read=len(mine))


def test_an_engineers_pull_holds_only_their_work_and_reference_data(archive, callers):
    mine, every = visible_to_e01(archive)
    with httpx.Client(base_url=archive.url, timeout=10) as http:
        cursor, slips_seen = 0, set()
        while True:
            page = http.get(f"{API}/sync/pull", params={"cursor": cursor, "limit": 50},
                            headers=bearer(callers["engineer"])).json()
            slips_seen |= {uuid.UUID(r["id"]) for r in page["records"] if r["table"] == "slips"}
            cursor = page["cursor"]
            if not page["more"]:
                break
    assert mine <= slips_seen
    # anything else is there only as the history of a device in one of E01's requests
    with archive.db.read() as session:
        me = session.scalar(select(Engineer.id).where(Engineer.code == "E01"))
        my_devices = set(session.scalars(select(ServiceRequest.device_id).where(
            ServiceRequest.assigned_engineer_id == me)))
        for slip_id in slips_seen - mine:
            device = session.scalar(select(ServiceRequest.device_id).join(
                Slip, Slip.request_id == ServiceRequest.id).where(Slip.id == slip_id))
            assert device in my_devices, slip_id
    assert slips_seen != every


_PHONES = itertools.count(88880000)


def reference_record(archive) -> dict:
    with archive.db.read() as session:
        customer_id = session.scalar(select(Customer.id).where(Customer.code == "TJPORT"))
        record = read_record(session, "customers", customer_id)
    assert record is not None
    record["row"]["phone"] = f"022-{next(_PHONES)}"  # new content every time
    record["hash"] = content_hash(record)
    return record


def someone_elses_request(archive) -> dict:
    """A request assigned to E02, rewritten to be E01's: an attempt to take it over."""
    with archive.db.read() as session:
        e01, e02 = (session.scalar(select(Engineer.id).where(Engineer.code == c))
                    for c in ("E01", "E02"))
        request_id = session.scalar(select(ServiceRequest.id).where(
            ServiceRequest.assigned_engineer_id == e02))
        record = read_record(session, "service_requests", request_id)
    assert record is not None
    record["row"]["assigned_engineer_id"] = str(e01)
    record["row"]["contact_phone"] = f"139{next(_PHONES)}"
    record["hash"] = content_hash(record)
    return record


@pytest.mark.parametrize(("caller", "what", "status", "code"), [
    ("engineer", "reference", 200, "forbidden"),
    ("engineer", "takeover", 200, "not_yours"),
    ("staff", "reference", 200, None),
    ("admin", "takeover", 200, None),
    ("customer", "reference", 403, None),
    ("revoked", "reference", 401, None),
    ("guessed", "reference", 401, None),
])
def test_who_may_write_what(archive, callers, caller, what, status, code):
    record = reference_record(archive) if what == "reference" else someone_elses_request(archive)
    with httpx.Client(base_url=archive.url, timeout=10) as http:
        answer = http.post(f"{API}/sync/push", headers=bearer(callers[caller]),
                           json={"client_time": iso_utc(utcnow()), "records": [record]})
    assert answer.status_code == status, answer.text[:300]
    with archive.db.read() as session:
        stored = read_record(session, record["table"], uuid.UUID(record["id"]))
    if status == 200 and code is None:
        assert answer.json()["results"][0]["status"] == "accepted"
        assert stored is not None and stored["hash"] == record["hash"]
        return
    if status == 200:
        result = answer.json()["results"][0]
        assert (result["status"], result["code"]) == ("refused", code)
        assert result["reason_zh"] and result["reason_en"]
    assert stored is not None and stored["hash"] != record["hash"]  # nothing changed
