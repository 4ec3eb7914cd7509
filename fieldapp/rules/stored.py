"""The record rules applied to a record's stored column values.

A record that arrives whole — pushed by a laptop (fieldapp.archive.rules), a row of a
slip export (fieldapp.tools.exchange), a row of the reference import
(fieldapp.archive.importer) — is a dict of column values, not a form. These functions
hand those values to the kind's `*_issues()` rule, so every path that stores such a
record refuses it with the same fields and messages (tests/archive/test_rules_parity.py).
What no laptop checks because it made the value itself (a stored fee line's amount, a
signature's JSON) is checked here too.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from fieldapp.base.errors import FieldIssue
from fieldapp.base.money import line_amount_fen
from fieldapp.rules.reference import (
    contact_issues,
    contract_issues,
    customer_issues,
    device_issues,
    engineer_issues,
    site_issues,
)
from fieldapp.rules.requests import request_issues
from fieldapp.rules.slips import signature_issues, slip_issues
from fieldapp.rules.validation import FeeLineInput, fee_line_issues
from fieldapp.rules.workflows import loaner_issues, question_issues, repair_intake_issues
from fieldapp.seal.signatures import json_value

__all__ = ["REFERENCE_KINDS", "fee_lines_issues", "named_row", "question_record_issues",
           "reference_issues", "repair_order_record_issues", "request_record_issues",
           "signature_record_issues", "slip_record_issues", "texts"]

Values = Mapping[str, Any]
Owners = Mapping[str, uuid.UUID | None]  # "contact_id" / "site_id" / "device_id" → customer


def texts(v: Values, *fields: str) -> dict[str, str]:
    return {f: v.get(f) or "" for f in fields}


_REFERENCE_RULES: dict[str, Callable[[Values, Owners], list[FieldIssue]]] = {
    "customers": lambda v, _: customer_issues(
        **texts(v, "code", "name", "account_manager", "phone", "address"),
        document_language=v.get("document_language") or "zh"),
    "contacts": lambda v, _: contact_issues(**texts(v, "name", "phone", "email", "title")),
    "sites": lambda v, _: site_issues(**texts(v, "name", "address")),
    "devices": lambda v, owners: device_issues(
        **texts(v, "device_type", "device_class", "brand", "model", "serial", "asset_tag"),
        customer_id=v.get("customer_id"), site_customer_id=owners.get("site_id")),
    "engineers": lambda v, _: engineer_issues(**texts(v, "code", "name", "phone", "skills")),
    "contracts": lambda v, _: contract_issues(
        number=v.get("number") or "", starts_on=v["starts_on"], ends_on=v["ends_on"],
        sla_terms=v.get("sla_terms") or "{}",
        service_calendar=v.get("service_calendar") or "{}"),
    "loaners": lambda v, _: loaner_issues(**texts(v, "asset_tag", "device_class")),
}
REFERENCE_KINDS = tuple(_REFERENCE_RULES)


def reference_issues(table: str, values: Values, owners: Owners | None = None
                     ) -> list[FieldIssue]:
    """The rule of a reference record (`customers` … `contracts`, `loaners`) given its
    column values;
    `owners`: the customer of the site a device names."""
    return _REFERENCE_RULES[table](values, dict(owners or {}))


def request_record_issues(v: Values, now: datetime, owners: Owners | None = None
                          ) -> list[FieldIssue]:
    """A stored service request's values through `request_issues`, its status included."""
    return request_issues(
        customer_id=v.get("customer_id"), channel=v.get("channel"),
        intake_channel=v.get("intake_channel"), service_kind=v.get("service_kind"),
        fault_reported=v.get("fault_reported") or "", contact_name=v.get("contact_name") or "",
        contact_phone=v.get("contact_phone") or "", requested_at=v.get("requested_at"),
        answered_at=v.get("answered_at"), now=now, owners=owners,
        status=v.get("status") or "")


def question_record_issues(v: Values, now: datetime) -> list[FieldIssue]:
    """A stored open question through `question_issues`."""
    return question_issues(**texts(v, "question", "asked_by"), asked_at=v["asked_at"],
                           promised_at=v["promised_at"], now=now)


def repair_order_record_issues(v: Values, *, requested_at: datetime, now: datetime
                               ) -> list[FieldIssue]:
    """A stored repair order's sealed intake, with its request's `requested_at`, through
    `repair_intake_issues`; the engineer's strokes read from their JSON."""
    strokes = _strokes(v.get("engineer_strokes"))
    if not isinstance(strokes, list) or not all(isinstance(s, list) for s in strokes):
        return [FieldIssue("signature.engineer", "signature_format", "签名数据格式错误。",
                           "The signature data is malformed.")]
    return repair_intake_issues(
        **texts(v, "company_contact", "fault_description", "contact_phone"),
        requested_at=requested_at, received_at=v["received_at"], arrived_at=v["arrived_at"],
        departed_at=v["departed_at"], signer_name=v.get("engineer_signer") or "",
        strokes=strokes, pad_width=int(v["pad_width"]), pad_height=int(v["pad_height"]),
        now=now)


def _strokes(raw: Any) -> Any:
    try:
        return json_value(raw) if isinstance(raw, str) else raw
    except ValueError:
        return None


def slip_record_issues(v: Values, *, channel: str, requested_at: datetime,
                       signatures: Sequence[Values], fee_lines: Sequence[Values],
                       now: datetime, strokes: Callable[[int], Any] | None = None
                       ) -> list[FieldIssue]:
    """A stored slip's values with its request's `channel` and `requested_at`, its
    signatures and fee lines (their stored rows): `slip_issues`, `signature_issues` for
    each signature, `fee_lines_issues`. `strokes(i)`: signature i's strokes parsed (the
    wire parses them once); else read from its `strokes` JSON."""
    issues = slip_issues(
        channel=channel, requested_at=requested_at,
        arrived_at=v.get("arrived_at"), started_at=v.get("started_at"),
        solved_at=v.get("solved_at"), departed_at=v.get("departed_at"),
        fault_found=v.get("fault_found") or "", handling=v.get("handling") or "",
        result=v.get("result") or "", now=now,
        amendment_reason=v.get("amendment_reason"), amends=v.get("amends_slip_id") is not None,
        signer_roles=[str(s.get("role", "")) for s in signatures],
        sealed=v.get("seal") is not None, status=v.get("status") or "")
    issues += fee_lines_issues(fee_lines)
    for i, sig in enumerate(signatures):
        issues += signature_record_issues(sig, now, strokes(i) if strokes is not None
                                          else _strokes(sig.get("strokes")))
    return issues


def signature_record_issues(sig: Values, now: datetime, strokes: Any = None
                            ) -> list[FieldIssue]:
    """A stored signature: `signature_issues`, its strokes parsed from their JSON (or
    given, parsed already); strokes that are no list of lists are malformed."""
    drawn = _strokes(sig.get("strokes")) if strokes is None else strokes
    if not isinstance(drawn, list) or not all(isinstance(s, list) for s in drawn):
        return [FieldIssue(f"signature.{sig.get('role', '')}", "signature_format",
                           "签名数据格式错误。", "The signature data is malformed.")]
    return signature_issues(
        role=sig.get("role", ""), signer_name=sig.get("signer_name") or "",
        strokes=drawn, pad_width=int(sig["pad_width"]), pad_height=int(sig["pad_height"]),
        signed_at=sig["signed_at"], now=now)


def fee_lines_issues(lines: Sequence[Values]) -> list[FieldIssue]:
    """Stored fee lines: the fee lines' rule, and each amount being its quantity x price."""
    issues: list[FieldIssue] = []
    inputs = []
    for i, line in enumerate(lines, start=1):
        quantity = Decimal(int(line["quantity_milli"])) / 1000
        price = Decimal(int(line["unit_price_fen"])) / 100
        if int(line["amount_fen"]) != line_amount_fen(quantity, int(line["unit_price_fen"])):
            issues.append(FieldIssue(f"fee_lines[{i}].amount", "wrong_amount",
                                     f"第 {i} 行金额与数量、单价不符。",
                                     f"Fee line {i}: the amount does not match quantity x price."))
        inputs.append(FeeLineInput(line["kind"], line.get("description") or "", quantity, price))
    return issues + fee_line_issues(inputs)


def named_row(kind: str, row: int, issues: Sequence[FieldIssue], *,
              zh_row: str = "行", en_row: str = "row") -> list[FieldIssue]:
    """The issues of one row of a file, each naming it: field `engineers[3].code`, text
    "engineers 第 3 行：…" / "engineers row 3: …"."""
    return [FieldIssue(f"{kind}[{row}].{i.field}", i.code, f"{kind} 第 {row} {zh_row}：{i.zh}",
                       f"{kind} {en_row} {row}: {i.en}") for i in issues]
