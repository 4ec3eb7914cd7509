"""Fee lines as an engineer types or taps them, and the company's price list.

`check_fee_lines` is what a form calls on every keystroke: each line on its own, so one
refused line does not hide the others, and the total counts only the lines that would be
saved (`visit.save_changes` stores exactly `FeeCheck.lines`). Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fieldapp.base.errors import FieldIssue, ValidationError
from fieldapp.base.money import MAX_AMOUNT_YUAN, has_at_most_two_decimals, parse_yuan
from fieldapp.rules.validation import (
    FEE_KINDS,
    MAX_LENGTHS,
    MAX_SLIP_TOTAL_FEN,
    FeeLineInput,
    fee_line_issue,
    parse_fee_line,
)


@dataclass(frozen=True)
class FeeLineText:
    """One fee line as typed: quantity and unit price are still text."""

    kind: str = "labour"
    description: str = ""
    quantity: str = "1"
    unit_price: str = ""

    @property
    def blank(self) -> bool:
        """Just added, nothing typed yet: neither counted nor refused."""
        return not self.description.strip() and not self.unit_price.strip()


@dataclass(frozen=True)
class FeeCheck:
    lines: tuple[FeeLineInput, ...]  # what would be saved, in order
    issues: tuple[FieldIssue, ...]  # of the refused lines, numbered as on screen (1-based)
    refused: frozenset[int]  # rows (0-based) that would not be saved
    blank: frozenset[int]  # rows with nothing typed yet
    amounts: tuple[int | None, ...]  # each row's amount in fen; None: refused or blank
    total_fen: int  # the sum of `lines`

    def issues_of(self, row: int) -> tuple[FieldIssue, ...]:
        prefix = f"fee_lines[{row + 1}]"
        return tuple(i for i in self.issues if i.field.startswith(prefix))


def _required_price(position: int) -> FieldIssue:
    return FieldIssue(f"fee_lines[{position}].unit_price", "required",
                      f"第 {position} 行请填写单价。",
                      f"Fee line {position}: enter the unit price.")


def check_fee_lines(rows: Sequence[FeeLineText]) -> FeeCheck:
    """Every row checked on its own; the ones that pass, and the total they make."""
    lines: list[FeeLineInput] = []
    issues: list[FieldIssue] = []
    refused: set[int] = set()
    blank: set[int] = set()
    amounts: list[int | None] = []
    total = 0
    for row, text in enumerate(rows):
        position = row + 1
        if text.blank:
            blank.add(row)
            amounts.append(None)
            continue
        row_issues: list[FieldIssue] = []
        line: FeeLineInput | None = None
        if not text.unit_price.strip():
            row_issues.append(_required_price(position))
        else:
            try:
                line = parse_fee_line(text.kind, text.description, text.quantity or "",
                                      text.unit_price, position)
            except ValidationError as exc:
                row_issues += exc.issues
        if line is not None:
            row_issues += fee_line_issue(line, position)
        if line is not None and not row_issues and total + line.amount_fen > MAX_SLIP_TOTAL_FEN:
            row_issues.append(FieldIssue(
                f"fee_lines[{position}].unit_price", "total_too_large",
                f"加上第 {position} 行，费用合计超过上限 {MAX_AMOUNT_YUAN:,} 元，请核对。",
                f"With fee line {position} the total is above the {MAX_AMOUNT_YUAN:,} yuan "
                "limit; please check it."))
        if row_issues or line is None:
            issues += row_issues
            refused.add(row)
            amounts.append(None)
            continue
        lines.append(line)
        amounts.append(line.amount_fen)
        total += line.amount_fen
    return FeeCheck(tuple(lines), tuple(issues), frozenset(refused), frozenset(blank),
                    tuple(amounts), total)


def price_text(price: Decimal) -> str:
    """A unit price as an engineer would type it: 150, 45.5 → "150.00", "45.50"."""
    return f"{price:.2f}"


# -- the price list ---------------------------------------------------------------------

@dataclass(frozen=True)
class PriceItem:
    """A common item of the company's price list: one tap adds it as a fee line."""

    kind: str
    description: str
    unit_price: Decimal

    def as_line(self) -> FeeLineText:
        return FeeLineText(self.kind, self.description, "1", price_text(self.unit_price))

    def as_setting(self) -> dict[str, str]:
        return {"kind": self.kind, "description": self.description,
                "unit_price": price_text(self.unit_price)}


def price_item_issues(position: int, kind: str, description: str,
                      unit_price: str) -> list[FieldIssue]:
    """What is wrong with one row of the price list editor (numbered from 1)."""
    field = f"price_list[{position}]"
    issues: list[FieldIssue] = []
    if kind not in FEE_KINDS:
        issues.append(FieldIssue(f"{field}.kind", "invalid_choice", f"第 {position} 项类别无效。",
                                 f"Item {position}: invalid kind."))
    if not description.strip():
        issues.append(FieldIssue(f"{field}.description", "required",
                                 f"第 {position} 项请填写名称。",
                                 f"Item {position}: enter a name."))
    elif len(description.strip()) > MAX_LENGTHS["description"]:
        issues.append(FieldIssue(f"{field}.description", "too_long",
                                 f"第 {position} 项名称不能超过 200 个字。",
                                 f"Item {position}: name over 200 characters."))
    try:
        price = parse_yuan(unit_price)
    except ValueError:
        issues.append(FieldIssue(f"{field}.unit_price", "not_a_number",
                                 f"第 {position} 项单价不是金额。",
                                 f"Item {position}: the unit price is not an amount."))
        return issues
    if price < 0 or price > MAX_AMOUNT_YUAN or not has_at_most_two_decimals(price):
        issues.append(FieldIssue(f"{field}.unit_price", "bad_price",
                                 f"第 {position} 项单价须在 0 到 {MAX_AMOUNT_YUAN:,} 元之间，"
                                 "最多两位小数。",
                                 f"Item {position}: the unit price must be 0 to "
                                 f"{MAX_AMOUNT_YUAN:,} yuan, at most two decimals."))
    return issues


def price_items(raw: Any) -> tuple[PriceItem, ...]:
    """The price list from the `price_list` setting; entries that do not check are left out
    (a hand-edited settings file never stops the app)."""
    items: list[PriceItem] = []
    for position, entry in enumerate(raw if isinstance(raw, list) else [], start=1):
        if not isinstance(entry, dict):
            continue
        kind, description, price = (str(entry.get(k, "")) for k in
                                    ("kind", "description", "unit_price"))
        if price_item_issues(position, kind, description, price):
            continue
        items.append(PriceItem(kind, description.strip(), parse_yuan(price)))
    return tuple(items)
