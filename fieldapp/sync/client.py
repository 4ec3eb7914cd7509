"""The archive's HTTP API from the laptop: one long-lived httpx.Client, short timeouts.

Errors a user can act on come out as `SyncError` subclasses (`fieldapp.sync.errors`).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import httpx

from fieldapp import __version__
from fieldapp.sync.errors import AuthRequired, OfflineError, ServerError, SyncError
from fieldapp.sync.wire import encode_records

__all__ = ["ArchiveClient", "AuthRequired", "OfflineError", "ServerError", "SyncError"]

log = logging.getLogger("fieldapp.sync")

API = "/api/v1"
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=3.0)
PROBE_TIMEOUT = httpx.Timeout(2.0, connect=2.0)
# A push or a pull waits its turn behind other laptops' batches on a busy archive (50
# laptops at once: up to ~2 min, docs/reliability.md "Load"); giving up sooner only sends
# the same batch again. Connecting stays short, so "offline" is still found at once.
EXCHANGE_TIMEOUT = httpx.Timeout(120.0, connect=3.0)


class ArchiveClient:
    """Talks to one archive. Create once and reuse (connection pooling); close at exit."""

    def __init__(self, base_url: str, token: str | None = None, *,
                 transport: httpx.BaseTransport | None = None,
                 timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.registered_keys: set[str] = set()  # device keys registered through this client
        self._http = httpx.Client(base_url=self.base_url, transport=transport, timeout=timeout,
                                  headers={"User-Agent": f"fieldapp/{__version__}"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ArchiveClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _request(self, method: str, path: str, *, auth: bool = True,
                 timeout: httpx.Timeout | None = None, raw: bool = False,
                 **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", None) or {})
        if auth:
            if not self.token:
                raise AuthRequired("尚未登录档案服务器，请先运行 fieldapp login。",
                                   "Not logged in to the archive; run fieldapp login first.")
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self._http.request(method, API + path, headers=headers,
                                          timeout=timeout or self._http.timeout, **kwargs)
        except httpx.TransportError as exc:
            # what failed (ConnectError, ReadTimeout…) is for the log, not for the user
            log.info("archive unreachable: %s: %s", type(exc).__name__, exc)
            raise OfflineError("无法连接档案服务器，数据保留在本机，稍后重试。",
                               "Cannot reach the archive; the data "
                               "stays on this laptop and will be sent later.") from exc
        if response.status_code == 401:
            zh, en = _error_text(response)
            raise AuthRequired(zh, en)
        if response.status_code >= 400:
            zh, en = _error_text(response)
            raise ServerError(response.status_code, zh, en)
        if raw:  # a file's bytes
            return response.content
        return response.json() if response.content else None

    def _answer(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """A request whose answer is a JSON object; anything else is the archive's fault."""
        answer = self._request(method, path, **kwargs)
        if not isinstance(answer, dict):
            raise ServerError(502, "档案服务器的回答无法识别。",
                              "The archive's answer was not understood.")
        return answer

    def is_online(self) -> bool:
        """Can we reach the archive right now? (a short-timeout health probe)"""
        try:
            self._request("GET", "/health", auth=False, timeout=PROBE_TIMEOUT)
        except SyncError:
            return False
        return True

    def health(self) -> dict[str, Any]:
        return self._answer("GET", "/health", auth=False)

    def login(self, user: str, password: str, device_label: str) -> dict[str, Any]:
        answer = self._answer("POST", "/auth/login", auth=False,
                              json={"user": user, "password": password,
                                    "device_label": device_label})
        self.token = answer["token"]
        return answer

    def register_seal_key(self, public_key: str) -> dict[str, Any]:
        """This laptop's seal-signing key (fieldapp.sync.seal_keys)."""
        return self._answer("POST", "/auth/seal-key", json={"public_key": public_key})

    def report_tampered(self, reports: list[dict[str, Any]]) -> None:
        """Sealed slips whose seal check fails here (fieldapp.sync.tamper_report)."""
        self._request("POST", "/sync/tampered", json={"reports": reports})

    def me(self) -> dict[str, Any]:
        return self._answer("GET", "/auth/me")

    def logout(self) -> None:
        self._request("POST", "/auth/logout")

    def push(self, records: list[dict[str, Any]] | bytes, client_time: datetime
             ) -> dict[str, Any]:
        """`records` may come encoded already (`encode_records`: the sync round encodes a
        batch while the one before it is on the wire)."""
        encoded = records if isinstance(records, bytes) else encode_records(records)
        body = b"".join([b'{"client_time":', json.dumps(client_time.isoformat()).encode(),
                         b',"records":', encoded, b"}"])
        return self._answer("POST", "/sync/push", timeout=EXCHANGE_TIMEOUT, content=body,
                            headers={"Content-Type": "application/json"})

    def pull(self, cursor: int, limit: int = 200, *, own: bool = False) -> dict[str, Any]:
        """`own`: what this laptop pushed comes back too (a full re-sync)."""
        params: dict[str, int | str] = {"cursor": cursor, "limit": limit}
        if own:
            params["own"] = "true"
        return self._answer("GET", "/sync/pull", params=params, timeout=EXCHANGE_TIMEOUT)

    def check(self, table: str, *, after: uuid.UUID | None, through: uuid.UUID | None,
              records: list[dict[str, str]], requests: list[dict[str, str]],
              complete: bool = False) -> dict[str, Any]:
        """One page of the check (fieldapp.sync.check): (table, id, hash) of the laptop's
        records of `table` with after < id <= through (None: open), and how it shows each
        request there (id, status, assignee), compared with the archive's. `complete`:
        the archive names every record it does not have, not only the first 200."""
        body = {"table": table, "after": None if after is None else str(after),
                "through": None if through is None else str(through),
                "records": [(r["id"], r["hash"]) for r in records],
                "requests": [(v["id"], v["status"], v["assignee"]) for v in requests],
                "complete": complete}
        return self._answer("POST", "/sync/check/page", timeout=EXCHANGE_TIMEOUT,
                            content=json.dumps(body, separators=(",", ":")).encode(),
                            headers={"Content-Type": "application/json"})

    def missing_files(self, hashes: list[str]) -> dict[str, Any]:
        """Of these attachment files (at most file_wire.MISSING_BATCH), those the archive
        lacks, each with the bytes it holds already (`missing`), and those no attachment
        record of this user there names yet (`unknown`)."""
        return self._answer("POST", "/files/missing", json={"hashes": hashes})

    def file_status(self, sha: str) -> dict[str, Any]:
        """How many bytes of this file the archive holds (after a cut connection)."""
        return self._answer("GET", f"/files/{sha}/upload")

    def send_chunk(self, sha: str, offset: int, data: bytes) -> dict[str, Any]:
        """Bytes of a file from `offset`; the answer says how many the archive holds and
        whether the file is complete (verified and stored)."""
        return self._answer("PUT", f"/files/{sha}/upload", params={"offset": offset},
                            content=data, timeout=EXCHANGE_TIMEOUT,
                            headers={"Content-Type": "application/octet-stream"})

    def fetch_file(self, sha: str) -> bytes:
        """An attachment file of a record this user may see (GET /files/{sha}); the
        caller checks its hash."""
        data: bytes = self._request("GET", f"/files/{sha}", raw=True, timeout=EXCHANGE_TIMEOUT)
        return data

    def make_report(self, customer_code: str, period_start: date, period_end: date,
                    requested_by: str) -> dict[str, Any]:
        """Staff's ad-hoc service analysis report (POST /reports, docs/reports.md): made
        on the archive, shown on the customer's portal; `made` False when it existed."""
        return self._answer("POST", "/reports", timeout=EXCHANGE_TIMEOUT, json={
            "customer_code": customer_code, "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(), "requested_by": requested_by})

    def schedules(self, customer_code: str) -> dict[str, Any]:
        """The report schedules of the customer's contracts (GET /schedules, staff and
        admin; docs/reports.md, "Schedules")."""
        return self._answer("GET", "/schedules", params={"customer": customer_code})

    def set_schedule(self, contract: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change a contract's report schedule (PUT /schedules/{contract}); the result."""
        return self._answer("PUT", f"/schedules/{quote(contract, safe='')}", json=changes)

    def tasks(self, *, open_only: bool = False) -> dict[str, Any]:
        """The archive's tasks for account managers and the centre (GET /tasks, staff
        and admin; docs/archive.md, "Tasks"), newest first."""
        return self._answer("GET", "/tasks", params={"open": "true"} if open_only else {})

    def task_done(self, number: int, done_by: str) -> dict[str, Any]:
        """Mark task `number` done by `done_by` (POST /tasks/{number}/done)."""
        return self._answer("POST", f"/tasks/{number}/done", json={"done_by": done_by})

    def dossier_pending(self) -> dict[str, Any]:
        """Dossier records with submissions awaiting the centre's review, oldest first
        (GET /dossier/pending, staff and admin)."""
        return self._answer("GET", "/dossier/pending")

    def dossier_review(self, reference: str, verdict: str, reviewer: str,
                       comment: str = "") -> dict[str, Any]:
        """The verdict on every waiting submission of the record (POST /dossier/review)."""
        return self._answer("POST", "/dossier/review", json={
            "reference": reference, "verdict": verdict, "reviewer": reviewer,
            "comment": comment})


def _error_text(response: httpx.Response) -> tuple[str, str]:
    try:
        error = response.json().get("error") or {}
        return str(error["zh"]), str(error["en"])
    except (ValueError, KeyError, AttributeError, TypeError):
        return (f"档案服务器返回错误 {response.status_code}。",
                f"The archive answered with error {response.status_code}.")
