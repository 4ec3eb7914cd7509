"""`json_value` sends text with a run of 19 ASCII digits to json (orjson reads an integer
beyond 64 bits as a float); whatever the run's place — a number, a string, a key, the
text as str or as UTF-8 bytes — the value is json's."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.seal.signatures import json_value

_NUMBERS = st.one_of(st.integers(min_value=-(10**25), max_value=10**25),
                     st.integers(min_value=-(2**64), max_value=2**64),
                     st.floats(allow_nan=False, allow_infinity=False))
_TEXTS = st.text(alphabet=st.sampled_from("0123456789中文-a\\\" ٣"), max_size=40)
_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), _NUMBERS, _TEXTS),
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(_TEXTS, inner, max_size=5)),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_VALUES, st.booleans(), st.booleans())
def test_json_value_is_json_s_value(value, as_bytes, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only)
    argument = text.encode("utf-8") if as_bytes else text
    assert repr(json_value(argument)) == repr(json.loads(argument))


@pytest.mark.parametrize("text", [
    "[1234567890123456789]", "[12345678901234567890]", "[123456789012345678901]",
    "[-123456789012345678901]", '["1234567890123456789012"]', "[1.23456789012345678901]",
    "[1e1234567890123456789]", '{"1234567890123456789012":1}', "[٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣]",
    b"[99999999999999999999999]", bytearray(b"[1,2]"), '["\ud800"]',
])
def test_json_value_of_long_runs_of_digits_is_json_s(text):
    try:
        expected = repr(json.loads(text))
    except ValueError:
        with pytest.raises(ValueError):
            json_value(text)
        return
    assert repr(json_value(text)) == expected
