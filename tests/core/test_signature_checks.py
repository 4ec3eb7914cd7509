"""What makes strokes unacceptable as a signature (the laptop and the archive both ask)."""

from __future__ import annotations

import json

import pytest

from fieldapp.seal.signatures import MIN_POINTS, json_value, stroke_issues, strokes_from_json


def line(n: int, *, x: int = 10, y: int = 10, t: int = 0, p: int = 500) -> list[list[int]]:
    return [[x + i % 50, y, t + i, p] for i in range(n)]


def codes(strokes, width: int = 600, height: int = 200) -> list[str]:
    return [i.code for i in stroke_issues(strokes, width, height, "signature.customer")]


def test_a_plain_signature_inside_the_pad_is_fine():
    assert codes([line(MIN_POINTS), line(MIN_POINTS, y=150)]) == []


def test_too_few_points_ask_to_sign_first():
    assert codes([line(1)]) == ["signature_empty"]


@pytest.mark.parametrize("point", [
    [700, 10, 0, 500],   # right of the pad
    [10, 201, 0, 500],   # below it
    [-1, 10, 0, 500],    # left of it
    [10, 10, -5, 500],   # before the first touch
    [10, 10, 0, 1001],   # pressure beyond the scale
])
def test_a_point_outside_the_pad_or_its_scales_is_refused(point):
    assert codes([[*line(MIN_POINTS), point]]) == ["signature_format"]


@pytest.mark.parametrize("point", [[10, 10, 0], [10, 10, 0, 500, 1], [10.5, 10, 0, 500],
                                   ["10", 10, 0, 500], [10, None, 0, 500]])
def test_a_point_of_the_wrong_shape_or_type_is_malformed(point):
    assert codes([[*line(MIN_POINTS), point]]) == ["signature_format"]


def test_a_pad_without_size_is_invalid():
    assert codes([line(MIN_POINTS)], width=0) == ["pad_size"]


@pytest.mark.parametrize("text", [
    "[[[1,2,3,500]]]", '{"a":1,"a":2}', "[18446744073709551616]", "[NaN]", "[1.5e3]",
    '"\\ud800"', '["\\u4e2d文"]', "[]", "[-9223372036854775809]", "[1e400]",
    "[0.12345678901234567890123]", "[9223372036854775807]",
])
def test_json_value_gives_what_json_gives(text):
    """The fast parse (orjson) is an implementation detail: the value is json's, the
    refusals too (what orjson rejects and json takes goes to json)."""
    assert repr(json_value(text)) == repr(json.loads(text))  # repr: NaN is not == NaN


@pytest.mark.parametrize("text", ["[1,2", "", "[1,]", "\ufeff[1]"])
def test_json_value_refuses_what_json_refuses(text):
    with pytest.raises(ValueError):
        json.loads(text)
    with pytest.raises(ValueError):
        json_value(text)


def test_json_value_of_no_text_is_json_s_type_error():
    with pytest.raises(TypeError):
        json_value(5)


def _walked(text: str) -> list:
    """strokes_from_json as it read every value before its shortcut for integers."""
    return [[[int(v) for v in point] for point in stroke] for stroke in json.loads(text)]


@pytest.mark.parametrize("text", [
    "[[[1,2,3,500],[4,5,6,700]],[[7,8,9,0]]]", "[]", "[[]]", "[[[]]]", "[[[1.0,2,3,4]]]",
    "[[[1.9,2,3,4]]]", "[[[true,2,3,4]]]", "[[[1,2,3,4]],[[5.5,6,7,8]]]", '[[["7",2,3,4]]]',
])
def test_strokes_from_json_reads_as_the_walk_over_every_value_did(text):
    """The stored strokes (integers) are taken as parsed; anything else is converted as
    before, so a seal compares the same values either way."""
    assert strokes_from_json(text) == _walked(text)
    assert all(type(v) is int for stroke in strokes_from_json(text)
               for point in stroke for v in point)


@pytest.mark.parametrize("text", ['{"a":[[1]]}', "[[1,2]]", "[5]", '[[[1,"x",3,4]]]', "[null]"])
def test_strokes_from_json_refuses_what_the_walk_refused(text):
    with pytest.raises((TypeError, ValueError)) as walked:
        _walked(text)
    with pytest.raises(walked.type):
        strokes_from_json(text)
