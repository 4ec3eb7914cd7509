"""A record's content hash is SHA-256 over `canonical_bytes` (json, sorted keys); the
wire computes those bytes with orjson where that is provably the same (`wire._canonical`):
the very bytes for every character, integer and shape a record holds, and json's bytes
(or refusal) for anything else."""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.seal.sealing import canonical_bytes
from fieldapp.store import outbox
from fieldapp.sync.rounds import records_for
from fieldapp.sync.wire import _canonical, content_hash
from fieldapp.tools.demo import fill_demo
from tests.store_template import new_store

DEMO_NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def _same(value):
    try:
        expected = canonical_bytes(value)
    except (TypeError, ValueError) as exc:
        with pytest.raises(type(exc)):
            _canonical(value)
        return
    assert _canonical(value) == expected


def test_every_character_is_written_as_json_writes_it():
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(chars), 4096):
        text = "".join(chars[start:start + 4096])
        _same({"row": {"text": text, text[:40]: 1}, "signatures": [{"k": text[::-1]}]})


@pytest.mark.parametrize("number", [0, 1, -1, 2**63 - 1, -(2**63), 2**64 - 1, 2**64,
                                    -(2**63) - 1, 10**30, True, False])
def test_integers_within_and_beyond_64_bits(number):
    _same({"row": {"n": number}, "n": number, "fee_lines": [{"n": number}]})


@pytest.mark.parametrize("value", [
    1.5, 1e16, 0.1, -0.0, math.nan, math.inf, "\ud800", uuid.uuid4(), (1, 2), [[1]],
    {"deeper": {"x": 1}}, {1: "x"}, datetime(2026, 1, 1), b"x",
])
def test_anything_else_is_json_s_bytes_or_json_s_refusal(value):
    _same({"row": {"v": value}})
    _same({"v": value})
    _same({"signatures": [{"v": value}]})


def test_a_demo_laptop_s_records_hash_as_before(tmp_path):
    store = new_store(tmp_path / "laptop")
    fill_demo(store, requests=16, now=DEMO_NOW)
    with store.read() as session:
        records = list(records_for(session, outbox.pending(session, 100_000)).values())
    store.close()
    assert {r["table"] for r in records} >= {"slips", "service_requests", "customers"}
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in json.dumps(r, ensure_ascii=False))
               for r in records)
    for record in records:
        body = {k: v for k, v in record.items() if k != "hash"}
        assert _canonical(body) == canonical_bytes(body)
        assert content_hash(record) == hashlib.sha256(canonical_bytes(body)).hexdigest()


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70),
                                                           max_value=2**70),
                     st.text(max_size=30), st.floats())
_ROWS = st.dictionaries(st.text(max_size=8), _SCALARS, max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=8),
                       st.one_of(_SCALARS, _ROWS, st.lists(_ROWS, max_size=3),
                                 st.lists(_SCALARS, max_size=3)), max_size=6))
def test_any_record_shape_gives_canonical_bytes(record):
    _same(record)
