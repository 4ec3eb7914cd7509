"""The laptop's store and outbox stay free of HTTP; the server logs JSON lines."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from fieldapp.archive.logs import JsonFormatter


def test_the_store_and_outbox_import_no_http_or_server_code():
    code = (
        "import sys, fieldapp.store, fieldapp.store.outbox, fieldapp.sync.wire\n"
        "import fieldapp.records.slips\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('httpx', 'fastapi', 'uvicorn')\n"
        "       or m.startswith('fieldapp.archive')]\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_log_records_are_one_json_object_with_their_extra_fields():
    record = logging.makeLogRecord({"name": "fieldapp.archive.http", "levelname": "INFO",
                                    "msg": "POST %s %d", "args": ("/api/v1/sync/push", 200),
                                    "request_id": "abc123", "duration_ms": 12.5})
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "POST /api/v1/sync/push 200"
    assert line["request_id"] == "abc123" and line["duration_ms"] == 12.5
    assert line["logger"] == "fieldapp.archive.http" and line["time"].endswith("+00:00")
