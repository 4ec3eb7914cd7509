"""Money is exact: Decimal yuan in the domain, integer fen (分) in storage."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN_PER_YUAN = 100
MAX_AMOUNT_YUAN = Decimal("1000000.00")  # one slip line above a million yuan is a typo
CENT = Decimal("0.01")


def parse_yuan(text: str | int | Decimal) -> Decimal:
    """Parse a yuan amount typed by a person ("350", "12.5", "1,000.00", "¥80")."""
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int):
        return Decimal(text)
    cleaned = str(text).strip().replace(",", "").replace("，", "").lstrip("¥￥")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    return value


def has_at_most_two_decimals(value: Decimal) -> bool:
    return value == value.quantize(CENT)


def yuan_to_fen(value: Decimal) -> int:
    if not has_at_most_two_decimals(value):
        raise ValueError(f"{value} has more than two decimals")
    return int(value * FEN_PER_YUAN)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(CENT)


def line_amount_fen(quantity: Decimal, unit_price_fen: int) -> int:
    """Quantity times unit price, rounded half-up to the fen, as an accountant would."""
    return int((quantity * unit_price_fen).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_yuan(fen: int) -> str:
    return f"¥{fen_to_yuan(fen):,.2f}"
