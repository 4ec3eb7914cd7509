"""大写金额 follows the PBOC rules for filling in bills (正确填写票据和结算凭证的基本规定)."""

from __future__ import annotations

import pytest

from fieldapp.documents import amount_in_chinese_capitals

CASES = [
    (0, "零元整"),
    (1, "壹分"),
    (5, "伍分"),
    (10, "壹角整"),
    (15, "壹角伍分"),
    (50, "伍角整"),
    (100, "壹元整"),
    (1000, "壹拾元整"),
    (1500, "壹拾伍元整"),
    (10150, "壹佰零壹元伍角整"),
    (35000, "叁佰伍拾元整"),
    (32504, "叁佰贰拾伍元零肆分"),  # 角 zero, 分 not: 零 after 元
    (140950, "壹仟肆佰零玖元伍角整"),
    (600714, "陆仟零柒元壹角肆分"),  # several zeros in a row: one 零
    (168032, "壹仟陆佰捌拾元叁角贰分"),  # optional 零 after a zero 元 digit: not written
    (1640902, "壹万陆仟肆佰零玖元零贰分"),
    (10700053, "壹拾万柒仟元伍角叁分"),  # zero 万 digit, 千 digit not zero: no 零
    (10001000, "壹拾万零壹拾元整"),  # zero 千 after 万: 零
    (100000001, "壹佰万元零壹分"),
    (100000100, "壹佰万零壹元整"),
    (10000000000, "壹亿元整"),
    (10000000100, "壹亿零壹元整"),  # an all-zero 万 group: one 零, no 万
    (10100000000, "壹亿零壹佰万元整"),
    (11000000000, "壹亿壹仟万元整"),
    (99999999999999, "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
]


@pytest.mark.parametrize(("fen", "expected"), CASES)
def test_amount_in_chinese_capitals_follows_pboc_rules(fen: int, expected: str) -> None:
    assert amount_in_chinese_capitals(fen) == expected


def test_zheng_closes_amounts_without_fen_and_never_follows_fen() -> None:
    for fen in range(0, 100_000, 37):
        text = amount_in_chinese_capitals(fen)
        assert text.endswith("整") == (fen % 10 == 0)
        assert "分整" not in text


def test_no_double_zero_and_no_zero_before_a_unit() -> None:
    for fen in range(1, 2_000_000, 997):
        text = amount_in_chinese_capitals(fen)
        assert "零零" not in text
        assert not any(f"零{unit}" in text for unit in "拾佰仟万亿元角")


@pytest.mark.parametrize("bad", [-1, 10**14])
def test_amount_out_of_range_is_refused(bad: int) -> None:
    with pytest.raises(ValueError):
        amount_in_chinese_capitals(bad)


@pytest.mark.parametrize("bad", [1.5, "100", True])
def test_amount_must_be_integer_fen(bad: object) -> None:
    with pytest.raises(TypeError):
        amount_in_chinese_capitals(bad)  # type: ignore[arg-type]
