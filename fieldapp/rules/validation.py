"""Validation rules for requests, slips and fee lines, with field-specific messages.

Each check returns FieldIssues (empty: fine); callers raise ValidationError before
writing anything, so invalid input changes nothing. Field names are the model's
attribute names, so a form can put each message next to its field.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from fieldapp.base.errors import FieldIssue, ValidationError
from fieldapp.base.money import (
    MAX_AMOUNT_YUAN,
    has_at_most_two_decimals,
    line_amount_fen,
    yuan_to_fen,
)
from fieldapp.base.timeutil import FUTURE_SKEW, format_local
from fieldapp.sla.request_clocks import INTAKE_LABELS, Channel, IntakeChannel, ServiceKind
from fieldapp.sla.request_clocks import SERVICE_KIND_LABELS as SERVICE_KIND_LABELS
from fieldapp.store.values import FeeKind, SignerRole, SlipResult

CHANNELS = tuple(Channel)
# What an operator chooses when taking a request; `portal` requests come from the
# customers' web pages only (fieldapp.archive.portal).
DESK_CHANNELS = tuple(c for c in Channel if c is not Channel.PORTAL)
CHANNEL_LABELS = {
    "phone": ("电话", "Phone"),
    "onsite": ("现场", "On site"),
    "remote": ("远程", "Remote"),
    "sendin": ("送修", "Send-in repair"),
    "letter": ("信件", "Letter"),
    "portal": ("网页", "Web portal"),
}
INTAKE_CHANNELS = tuple(IntakeChannel)
# What an operator chooses when taking a request; `portal` is the customers' own web pages.
DESK_INTAKE_CHANNELS = tuple(c for c in IntakeChannel if c is not IntakeChannel.PORTAL)
INTAKE_CHANNEL_LABELS = INTAKE_LABELS
SERVICE_KINDS = tuple(ServiceKind)
FEE_KINDS = tuple(FeeKind)
FEE_KIND_LABELS = {
    "labour": ("人工费", "Labour"),
    "parts": ("配件费", "Parts"),
    "travel": ("交通费", "Travel"),
    "other": ("其他", "Other"),
}
RESULTS = tuple(SlipResult)
RESULT_LABELS = {
    "solved": ("已解决", "Solved"),
    "unsolved": ("未解决（需再次上门）", "Not solved (revisit needed)"),
    "escalated": ("已升级", "Escalated"),
}
SIGNER_ROLES = tuple(SignerRole)

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "customer_id": ("客户", "customer"),
    "channel": ("请求方式", "channel"),
    "intake_channel": ("受理渠道", "intake channel"),
    "service_kind": ("服务类型", "service kind"),
    "hardware_fault": ("硬件故障", "hardware fault"),
    "contact_name": ("联系人", "contact name"),
    "contact_phone": ("联系电话", "contact phone"),
    "fault_reported": ("故障现象", "fault as reported"),
    "requested_at": ("请求时间", "request time"),
    "answered_at": ("响应时间", "answer time"),
    "arrived_at": ("到达时间", "arrival time"),
    "started_at": ("服务开始时间", "service start time"),
    "solved_at": ("故障解决时间", "time solved"),
    "departed_at": ("离开时间", "departure time"),
    "fault_found": ("现场故障描述", "fault as found on site"),
    "handling": ("处理方式", "handling"),
    "result": ("处理结果", "result"),
    "signer_name": ("签字人姓名", "signer's name"),
    "signed_at": ("签字时间", "signing time"),
    "amendment_reason": ("更正原因", "reason for the amendment"),
}

MAX_LENGTHS = {
    "contact_name": 100,
    "contact_phone": 50,
    "fault_reported": 2000,
    "fault_found": 5000,
    "handling": 10000,
    "signer_name": 50,
    "description": 200,
    "amendment_reason": 1000,
}
MAX_QUANTITY = Decimal(10000)
MAX_SLIP_TOTAL_FEN = yuan_to_fen(MAX_AMOUNT_YUAN)

# The order the work happens in (R2.1–R2.2); each must be >= the one before.
TIMELINE = ("requested_at", "arrived_at", "started_at", "solved_at", "departed_at")


def label(field: str) -> tuple[str, str]:
    return FIELD_LABELS.get(field, (field, field))


def required(field: str) -> FieldIssue:
    zh, en = label(field)
    return FieldIssue(field, "required", f"请填写{zh}。", f"Please enter the {en}.")


def blank_issue(field: str, value: str, zh: str, en: str) -> list[FieldIssue]:
    """`field` left empty (or only spaces), said in the record's own words."""
    return [] if value.strip() else [FieldIssue(field, "required", zh, en)]


def future_issue(field: str, moment: datetime, now: datetime, zh: str, en: str
                 ) -> list[FieldIssue]:
    """`moment` later than now, beyond the skew a laptop's clock may have (FUTURE_SKEW),
    said in the record's own words."""
    return ([FieldIssue(field, "in_future", zh, en)] if moment > now + FUTURE_SKEW else [])


def raise_if(issues: list[FieldIssue]) -> None:
    if issues:
        raise ValidationError(issues)


def text_issues(values: Mapping[str, str | None], required_fields: tuple[str, ...] = ()) -> list[
    FieldIssue
]:
    issues = []
    for field, value in values.items():
        text = (value or "").strip()
        if field in required_fields and not text:
            issues.append(required(field))
            continue
        limit = MAX_LENGTHS.get(field)
        if limit is not None and len(value or "") > limit:
            zh, en = label(field)
            issues.append(FieldIssue(field, "too_long", f"{zh}不能超过 {limit} 个字。",
                                     f"The {en} may have at most {limit} characters."))
        if "\x00" in (value or ""):
            zh, en = label(field)
            issues.append(FieldIssue(field, "bad_character", f"{zh}含有无效字符。",
                                     f"The {en} contains an invalid character."))
        elif field in PHONE_FIELDS:
            issues += phone_issues(field, value)
    return issues


# Phone numbers as people write them: digits, an optional +, separators, an extension
# (转 801, 分机 801, ext. 801, x801), several numbers (/ 、 , ;). Checked after NFKC, so
# full-width digits and brackets from a Chinese input method count as digits and brackets.
PHONE_FIELDS = ("contact_phone",)
MIN_PHONE_DIGITS = 3
_PHONE_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x)\s*(?=\d)", re.IGNORECASE)
_PHONE_CHARACTERS = re.compile(r"[0-9+\-–—()./、,;#*\s]*")


def normalize_phone(value: str) -> str:
    """The phone as stored: full-width digits and brackets made plain, ends trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def phone_issues(field: str, value: str | None, labels: tuple[str, str] | None = None
                 ) -> list[FieldIssue]:
    """A phone number is digits (at least three) with the usual separators; empty is fine
    here (whether one is required is the caller's rule). Codes: `phone_characters` (can be
    shown while typing), `phone_too_short`. `labels`: the field's (zh, en) name where
    FIELD_LABELS has none (a customer's or an engineer's phone)."""
    text = normalize_phone(value or "")
    if not text:
        return []
    zh, en = labels or label(field)
    if not _PHONE_CHARACTERS.fullmatch(_PHONE_EXTENSION.sub(" ", text)):
        return [FieldIssue(field, "phone_characters",
                           f"{zh}只能填数字，可带空格、-、+、括号和分机号，"
                           "例如 139 0022 0000 或 022-2345 6789 转 801。",
                           f"The {en} may contain only digits, spaces, -, +, brackets and an "
                           "extension, e.g. 139 0022 0000 or 022-2345 6789 ext. 801.")]
    if sum(c.isascii() and c.isdigit() for c in text) < MIN_PHONE_DIGITS:
        return [FieldIssue(field, "phone_too_short",
                           f"{zh}至少要有 {MIN_PHONE_DIGITS} 位数字。",
                           f"The {en} needs at least {MIN_PHONE_DIGITS} digits.")]
    return []


def choice_issue(field: str, value: str, allowed: tuple[str, ...]) -> list[FieldIssue]:
    if value in allowed:
        return []
    zh, en = label(field)
    return [FieldIssue(field, "invalid_choice", f"{zh}无效：{value!r}。",
                       f"Invalid {en}: {value!r} (one of {', '.join(allowed)}).")]


def timeline_issues(times: Mapping[str, datetime | None], now: datetime) -> list[FieldIssue]:
    """Times in the order the work happens, and none in the future beyond a small skew."""
    issues: list[FieldIssue] = []
    for field, moment in times.items():
        if moment is not None and moment > now + FUTURE_SKEW:
            zh, en = label(field)
            issues.append(FieldIssue(field, "in_future", f"{zh}不能晚于当前时间。",
                                     f"The {en} cannot be in the future."))
    present = [(f, times[f]) for f in TIMELINE if times.get(f) is not None]
    for (earlier, t0), (later, t1) in itertools.pairwise(present):
        assert t0 is not None and t1 is not None
        if t1 < t0:
            zh0, en0 = label(earlier)
            zh1, en1 = label(later)
            issues.append(FieldIssue(
                later, "out_of_order",
                f"{zh1}（{format_local(t1)}）不能早于{zh0}（{format_local(t0)}）。",
                f"The {en1} ({format_local(t1)}) cannot be before the {en0} ({format_local(t0)}).",
            ))
    return issues


@dataclass(frozen=True)
class FeeLineInput:
    """A fee line as entered: quantity and unit price in yuan as Decimals."""

    kind: str
    description: str
    quantity: Decimal
    unit_price: Decimal

    @property
    def unit_price_fen(self) -> int:
        return yuan_to_fen(self.unit_price)

    @property
    def quantity_milli(self) -> int:
        return int(self.quantity * 1000)

    @property
    def amount_fen(self) -> int:
        return line_amount_fen(self.quantity, self.unit_price_fen)


def fee_line_issues(lines: list[FeeLineInput]) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    total = 0
    for i, line in enumerate(lines, start=1):
        line_issues = fee_line_issue(line, i)
        issues += line_issues
        if not line_issues:
            total += line.amount_fen
    if total > MAX_SLIP_TOTAL_FEN:
        issues.append(FieldIssue("fee_lines", "total_too_large",
                                 f"费用合计超过上限 {MAX_AMOUNT_YUAN:,} 元，请核对。",
                                 f"The total is above the {MAX_AMOUNT_YUAN:,} yuan limit."))
    return issues


def fee_line_issue(line: FeeLineInput, i: int) -> list[FieldIssue]:
    """What is wrong with fee line number `i` on its own (empty: it can be saved)."""
    issues: list[FieldIssue] = []
    field = f"fee_lines[{i}]"
    if line.kind not in FEE_KINDS:
        issues.append(FieldIssue(f"{field}.kind", "invalid_choice", f"第 {i} 行费用类别无效。",
                                 f"Fee line {i}: invalid kind {line.kind!r}."))
    if len(line.description) > MAX_LENGTHS["description"]:
        issues.append(FieldIssue(f"{field}.description", "too_long",
                                 f"第 {i} 行说明不能超过 200 个字。",
                                 f"Fee line {i}: description over 200 characters."))
    q = line.quantity
    if not q.is_finite() or q <= 0 or q > MAX_QUANTITY or q != q.quantize(Decimal("0.001")):
        issues.append(FieldIssue(f"{field}.quantity", "bad_quantity",
                                 f"第 {i} 行数量须大于 0、不超过 10000，最多三位小数。",
                                 f"Fee line {i}: quantity must be above 0, at most 10000, "
                                 "with at most three decimals."))
        return issues
    p = line.unit_price
    if not p.is_finite() or p < 0:
        issues.append(FieldIssue(f"{field}.unit_price", "negative",
                                 f"第 {i} 行单价不能为负数。",
                                 f"Fee line {i}: the unit price cannot be negative."))
        return issues
    if not has_at_most_two_decimals(p):
        issues.append(FieldIssue(f"{field}.unit_price", "too_many_decimals",
                                 f"第 {i} 行单价最多两位小数（精确到分）。",
                                 f"Fee line {i}: at most two decimals (fen)."))
        return issues
    if p > MAX_AMOUNT_YUAN or line.amount_fen > MAX_SLIP_TOTAL_FEN:
        issues.append(FieldIssue(f"{field}.unit_price", "too_large",
                                 f"第 {i} 行金额超过上限 {MAX_AMOUNT_YUAN:,} 元，请核对。",
                                 f"Fee line {i}: amount above the {MAX_AMOUNT_YUAN:,} yuan "
                                 "limit; please check it."))
    return issues


def parse_fee_line(kind: str, description: str, quantity: str | Decimal | int,
                   unit_price: str | Decimal | int, position: int) -> FeeLineInput:
    """Turn typed text into a FeeLineInput, or raise ValidationError naming the field."""
    from fieldapp.base.money import parse_yuan

    field = f"fee_lines[{position}]"
    try:
        q = parse_yuan(quantity)
    except ValueError:
        raise ValidationError([FieldIssue(f"{field}.quantity", "not_a_number",
                                          f"第 {position} 行数量不是数字：{quantity!r}。",
                                          f"Fee line {position}: quantity is not a number: "
                                          f"{quantity!r}.")]) from None
    try:
        p = parse_yuan(unit_price)
    except ValueError:
        raise ValidationError([FieldIssue(f"{field}.unit_price", "not_a_number",
                                          f"第 {position} 行单价不是金额：{unit_price!r}。",
                                          f"Fee line {position}: unit price is not an amount: "
                                          f"{unit_price!r}.")]) from None
    return FeeLineInput(kind=kind, description=description.strip(), quantity=q, unit_price=p)


def slip_ready_to_sign_issues(*, channel: str, arrived_at: datetime | None,
                              started_at: datetime | None, solved_at: datetime | None,
                              departed_at: datetime | None, fault_found: str, handling: str,
                              result: str) -> list[FieldIssue]:
    """What a slip still lacks before anyone may sign it (R2.2)."""
    issues: list[FieldIssue] = []
    visited = channel in (Channel.ONSITE, Channel.SENDIN)
    if visited and arrived_at is None:
        issues.append(required("arrived_at"))
    if started_at is None:
        issues.append(required("started_at"))
    if not fault_found.strip():
        issues.append(required("fault_found"))
    if not handling.strip():
        issues.append(required("handling"))
    if not result:
        issues.append(required("result"))
    elif result == SlipResult.SOLVED and solved_at is None:
        issues.append(FieldIssue("solved_at", "required", "结果为已解决时请填写故障解决时间。",
                                 "Enter the time solved when the result is 'solved'."))
    if visited and departed_at is None:
        issues.append(required("departed_at"))
    return issues
