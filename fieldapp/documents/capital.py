"""Amounts in Chinese capital numerals (大写金额), as on cheques and receipts.

Follows the People's Bank of China 《正确填写票据和结算凭证的基本规定》:

* digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟万亿, then 元角分;
* zeros between digits are written as one 零 (¥6007.14 → 陆仟零柒元壹角肆分);
* 角 zero but 分 not: 零 after 元 (¥325.04 → 叁佰贰拾伍元零肆分);
* where the rules allow writing 零 or not (the 万 and 元 positions are zero but the
  following 千 or 角 is not: ¥1680.32, ¥107000.53) we write it only where it is
  required: 壹仟陆佰捌拾元叁角贰分, 壹拾万柒仟元伍角叁分;
* "壹拾" keeps its 壹 (¥10 → 壹拾元整): 拾 alone is a unit and could be altered;
* 整 closes every amount without 分. After 元 the rules require it; after 角 they allow
  it, and we write it there too (¥101.50 → 壹佰零壹元伍角整), as accounting software
  does, so that nothing can be appended to a printed amount. Never 整 after 分.

Zero is 零元整. The currency prefix (人民币) is left to the caller.
"""

from __future__ import annotations

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_GROUP_UNITS = ("", "万", "亿")
MAX_FEN = 10**12 * 100 - 1  # below 1 万亿 yuan


def amount_in_chinese_capitals(fen: int) -> str:
    """Render an amount in fen (分) as 大写金额, e.g. 35000 → 叁佰伍拾元整."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"amount must be integer fen, not {type(fen).__name__}")
    if fen < 0 or fen > MAX_FEN:
        raise ValueError(f"amount {fen} fen is outside 0 .. {MAX_FEN}")
    yuan, rest = divmod(fen, 100)
    jiao, fen_digit = divmod(rest, 10)
    if fen == 0:
        return "零元整"
    text = ""
    if yuan:
        text = _integer_part(yuan) + "元"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif fen_digit and yuan:
        text += "零"  # ¥325.04 → 叁佰贰拾伍元零肆分
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    else:
        text += "整"
    return text


def _integer_part(number: int) -> str:
    digits = str(number)
    length = len(digits)
    out: list[str] = []
    pending_zero = False
    group_has_digit = False
    for index, char in enumerate(digits):
        position = length - 1 - index
        digit = int(char)
        if digit == 0:
            pending_zero = bool(out)
        else:
            if pending_zero:
                out.append("零")
                pending_zero = False
            out.append(DIGITS[digit] + _SMALL_UNITS[position % 4])
            group_has_digit = True
        if position % 4 == 0 and position > 0:
            if group_has_digit:
                out.append(_GROUP_UNITS[position // 4])
                # Trailing zeros of a group are not read (壹拾万柒仟); a zero 千 in the
                # next group still brings its 零 (壹拾万零壹拾).
                pending_zero = False
            group_has_digit = False
    return "".join(out)
