"""Bounded requests and one error format (issue 19, items 2 and 7).

A matrix of bodies against every endpoint — those of the OpenAPI document the archive
serves (so a new endpoint is covered without touching this file) and the portal's
forms: a size declared over the endpoint's cap (refused before a byte of the body is
sent), a chunked body that runs over it, nesting past the limit, invalid UTF-8, and a
long string just under the cap. Each answer is in the documented format, small, and
never repeats what was sent; while each request is in flight the health endpoint
answers. How long health waits is measured by tests/benchmarks/bench_limits.py, not
asserted here.
"""

from __future__ import annotations

import asyncio
import http.client
import logging
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from fieldapp.archive.app import create_app
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.limits import MAX_DEPTH, MAX_VALUES, body_cap, json_shape
from fieldapp.seal.signatures import MAX_POINTS, stroke_issues
from fieldapp.sync.client import ArchiveClient
from tests.archive.servers import PASSWORD, RunningArchive, run_archive, sqlite_url
from tests.archive.test_hardening_login import every_route

API = "/api/v1"
MARKER = "ECHO-4f1c2b"  # sent in bodies; must never come back
API_ANSWER_MAX = 2048  # bytes: an error answer says what is wrong, not what was sent
PAGE_ANSWER_MAX = 64 * 1024  # a portal page
HEALTH_TIMEOUT = 30.0  # generous: "answered", not "how fast" (that is the benchmark's)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningArchive]:
    url = sqlite_url(tmp_path_factory.mktemp("hardening-limits"))
    with run_archive(url, settings=ArchiveSettings(db=url, portal_ip_failures=1000)) as running:
        running.add_user("centre", "staff")
        yield running


def endpoints(archive: RunningArchive) -> list[tuple[str, str]]:
    """(method, path) of every endpoint: the served OpenAPI document's, then the portal
    routes that take a body (they are not in the document)."""
    document = httpx.get(f"{archive.url}{API}/openapi.json", timeout=30).json()
    found = [(method.upper(), path) for path, item in document["paths"].items()
             for method in item if method in ("get", "post", "put", "patch", "delete")]
    settings = ArchiveSettings(db=str(Path(tempfile.gettempdir()) / "fieldapp-routes.db"))
    for path, methods, route in every_route(create_app(settings, migrate=False)):
        if path.startswith("/portal") and "POST" in methods and route.dependant.body_params:
            found.append(("POST", path))
    assert len(found) >= 12 and ("POST", f"{API}/sync/push") in found
    return sorted(found, key=lambda e: e[1].endswith("/logout"))  # logging out last


@pytest.fixture
def token(archive: RunningArchive) -> str:
    """A laptop's token of its own for each test: the matrix logs it out at the end."""
    with ArchiveClient(archive.url) as client:
        return client.login("centre", PASSWORD, "limits")["token"]


@dataclass
class Answer:
    status: int
    body: bytes
    health: list[int] = field(default_factory=list)  # health answered while in flight

    @property
    def error(self) -> dict:
        return httpx.Response(self.status, content=self.body).json()["error"]


def health_status(base: str) -> int:
    return httpx.get(f"{base}{API}/health", timeout=HEALTH_TIMEOUT).status_code


def send(base: str, method: str, path: str, token: str, parts: list[bytes], *,
         declared: int | None = None, chunked: bool = False,
         content_type: str = "application/json") -> Answer:
    """A request written by hand, so a size can be declared and not sent, or a body
    streamed in chunks; health is asked once the headers and the first part are out."""
    address = urlsplit(base)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
    conn.putrequest(method, path.replace("{", "").replace("}", ""), skip_accept_encoding=True)
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", content_type)
    if chunked:
        conn.putheader("Transfer-Encoding", "chunked")
    else:
        conn.putheader("Content-Length", str(declared if declared is not None
                                             else sum(map(len, parts))))
    conn.endheaders()
    health = []
    try:
        for i, part in enumerate(parts):
            conn.send(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
            if i == 0:
                health.append(health_status(base))
        if chunked:
            conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the archive answered before taking it all: that is the point
    if not parts:
        health.append(health_status(base))
    response = conn.getresponse()
    answer = Answer(response.status, response.read(), health)
    conn.close()
    return answer


def concrete(path: str) -> str:
    return path.replace("{slip_id}", str(uuid.uuid4())).replace(
        "{report_id}", str(uuid.uuid4())).replace("{code}", "en")


def check_answer(answer: Answer, path: str, *, status: int | None = None,
                 code: str | None = None) -> None:
    assert answer.health == [200] * len(answer.health) and answer.health, path
    assert MARKER.encode() not in answer.body, path
    if status is not None:
        assert answer.status == status, (path, answer.status, answer.body[:300])
    assert answer.status < 500, (path, answer.body[:300])
    if path.startswith(API) or status in (400, 413):
        assert len(answer.body) <= API_ANSWER_MAX, (path, len(answer.body))
        if answer.status >= 400:
            error = answer.error
            assert error["zh"] and error["en"] and error["code"], path
            if code is not None:
                assert error["code"] == code, (path, error)
    else:
        assert len(answer.body) <= PAGE_ANSWER_MAX, (path, len(answer.body))


def chunks(total: int, size: int = 64 * 1024) -> list[bytes]:
    return [b" " * min(size, total - start) for start in range(0, total, size)]


def nested(depth: int, cap: int) -> bytes:
    depth = min(depth, cap // 2 - 1)
    return b"[" * depth + b"]" * depth


def test_a_size_declared_over_the_cap_is_refused_before_the_body_is_sent(archive, token):
    for method, path in endpoints(archive):
        cap = body_cap(path)
        answer = send(archive.url, method, concrete(path), token, [], declared=cap + 1)
        check_answer(answer, path, status=413, code="too_large")


def test_a_chunked_body_is_refused_once_it_runs_over_the_cap(archive, token):
    for method, path in endpoints(archive):
        cap = body_cap(path)
        answer = send(archive.url, method, concrete(path), token,
                      chunks(cap + 64 * 1024), chunked=True)
        check_answer(answer, path, status=413, code="too_large")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 2_000, 100_000])
def test_nesting_past_the_limit_is_refused_in_the_error_format(archive, token, depth):
    for method, path in endpoints(archive):
        body = nested(depth, body_cap(path))
        half = len(body) // 2
        answer = send(archive.url, method, concrete(path), token, [body[:half], body[half:]])
        check_answer(answer, path, status=400, code="too_deep")


def test_invalid_utf8_is_refused_in_the_error_format(archive, token):
    body = b'{"user": "\xff\xfe\xfd", "password": "x", "records": []}'
    for method, path in endpoints(archive):
        answer = send(archive.url, method, concrete(path), token, [body[:10], body[10:]])
        check_answer(answer, path, status=400, code="not_utf8")


def test_a_long_string_under_the_cap_is_never_repeated_back(archive, token):
    for method, path in endpoints(archive):
        cap = body_cap(path)
        head = b'{"records": [{"table": "slips", "id": "' + MARKER.encode()
        body = head + b"x" * (cap - len(head) - 100) + b'"}], "user": 1}'
        answer = send(archive.url, method, concrete(path), token,
                      [body[:1024], body[1024:]])
        check_answer(answer, path)


def test_too_many_values_are_refused_before_parsing(archive, token):
    dense = b"[" + b"0," * (MAX_VALUES + 10) + b"0]"
    assert len(dense) < body_cap(f"{API}/sync/push")
    answer = send(archive.url, "POST", f"{API}/sync/push", token, [dense[:100], dense[100:]])
    check_answer(answer, f"{API}/sync/push", status=413, code="too_many_values")


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_client_gone_halfway_through_its_body_leaves_no_traceback(archive):
    collect = Collect()
    loggers = [logging.getLogger(name) for name in ("uvicorn.error", "fieldapp.archive.http")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(collect)
        logger.setLevel(logging.INFO)
    try:
        address = urlsplit(archive.url)
        with socket.create_connection((address.hostname, address.port)) as sock:
            sock.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: archive\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                         b'{"user": ')
        deadline = time.monotonic() + 30  # until the archive has noticed: not a timing
        while not any("auth/login" in r.getMessage() for r in collect.records):
            assert time.monotonic() < deadline, "the archive never logged the request"
            time.sleep(0.05)
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(collect)
            logger.setLevel(level)
    assert [r.getMessage() for r in collect.records if r.levelno >= logging.ERROR] == []
    assert health_status(archive.url) == 200


def test_the_shape_of_json_is_counted_outside_its_strings():
    assert json_shape(b'{"a": "[[[[\\"]]", "b": [[1, 2]]}') == (3, 8)
    assert json_shape(b'["\\\\", [1]]') == (2, 5)
    assert json_shape(b'"plain"') == (0, 0)


# -- the error format everywhere -------------------------------------------------------

def test_validation_errors_name_the_field_and_repeat_nothing(archive, token):
    bad = {"records": [{"table": "slips", "id": MARKER, "row": {}, MARKER: 1}],
           "client_time": MARKER}
    answer = httpx.post(f"{archive.url}{API}/sync/push", json=bad, timeout=30,
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422
    assert MARKER not in answer.text and "detail" not in answer.json()
    error = answer.json()["error"]
    assert error["code"] == "invalid"
    assert "client_time" in error["en"] and "records.0.…" in error["en"]
    assert error["zh"].startswith("请求内容无效")


@pytest.mark.parametrize(("body", "where", "rule"), [
    ({"records": [{"table": "slips", "id": "x", "row": {}}] * 501}, "records", "too many items"),
    ({"records": [{"table": "t" * 41, "id": "x", "row": {}}]}, "records.0.table",
     "text too long"),
    ({"records": [{"table": "slips", "id": "x", "row": {},
                   "signatures": [{}] * 11}]}, "records.0.signatures", "too many items"),
])
def test_a_push_is_bounded_in_records_signatures_and_text(archive, token, body, where, rule):
    answer = httpx.post(f"{archive.url}{API}/sync/push", json=body, timeout=30,
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422
    assert f"{where}: {rule}" in answer.json()["error"]["en"]


def test_a_signature_is_bounded_in_points():
    """Each signature the archive takes is checked by the core's rule (fieldapp/rules/
    slips.py): at most MAX_POINTS points; the body cap bounds what is parsed before."""
    def stroke(points: int) -> list[list[list[int]]]:
        return [[[i % 300, i % 200, i, 500] for i in range(points)]]

    assert stroke_issues(stroke(MAX_POINTS), 300, 200, "signature.customer") == []
    (issue,) = stroke_issues(stroke(MAX_POINTS + 1), 300, 200, "signature.customer")
    assert issue.code == "signature_too_long" and issue.zh and issue.en


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("GET", f"{API}/no-such-thing", 404, "not_found"),
    ("GET", f"{API}/auth/login", 405, "method_not_allowed"),
    ("GET", f"{API}/auth/me", 401, "unauthorized"),
    ("POST", f"{API}/auth/login", 422, "invalid"),
])
def test_http_errors_come_in_the_documented_format(archive, method, path, status, code):
    answer = httpx.request(method, archive.url + path, timeout=30)
    assert answer.status_code == status
    assert answer.json() == {"error": {"code": code, "zh": answer.json()["error"]["zh"],
                                       "en": answer.json()["error"]["en"]}}
    assert answer.json()["error"]["zh"] and answer.json()["error"]["en"]


def test_a_bug_is_a_500_in_the_documented_format_and_one_log_line_without_details(
        tmp_path, caplog):
    app = create_app(ArchiveSettings(db=str(tmp_path / "archive.db")), migrate=False)

    @app.get(f"{API}/test-bug")
    def _bug() -> None:
        raise RuntimeError(f"SELECT phone FROM contacts WHERE name = '张三' {MARKER}")

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://archive") as client:
            return await client.get(f"{API}/test-bug")

    caplog.set_level(logging.ERROR, logger="fieldapp.archive")
    answer = asyncio.run(call())
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "error" and answer.json()["error"]["zh"]
    lines = [r.getMessage() for r in caplog.records if r.name == "fieldapp.archive"]
    assert len(lines) == 1 and "RuntimeError" in lines[0]
    assert MARKER not in lines[0] and "张三" not in lines[0] and "SELECT" not in lines[0]


def test_a_laptop_sync_still_fits_in_its_caps(archive, token):
    """What a laptop sends is far inside the caps: a round of a demo store goes through."""
    from fieldapp.store import open_store
    from fieldapp.sync.rounds import run_sync_round
    from fieldapp.tools.demo import fill_demo

    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder))
        try:
            fill_demo(store, requests=12)
            with ArchiveClient(archive.url, token) as client:
                report = run_sync_round(store, None, client)
            assert report.ok, report
        finally:
            store.close()
