"""The rules of reference data: customers, contacts, sites, devices, engineers, contracts.

Lengths are the columns' (fieldapp.store.models): a longer value would otherwise reach
PostgreSQL and come back as a database error instead of a message. Text may not hold NUL
(PostgreSQL refuses it); phones are phone numbers (validation.phone_issues).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from fieldapp.base.errors import FieldIssue
from fieldapp.base.i18n import LANGUAGES
from fieldapp.base.ids import PORTAL_OPERATOR_CODE, is_valid_operator_code
from fieldapp.rules.validation import choice_issue, phone_issues
from fieldapp.sla.calendar import ServiceCalendar
from fieldapp.sla.terms import SlaTerms


@dataclass(frozen=True)
class _Text:
    zh: str
    en: str
    limit: int | None = None  # characters; None: unlimited (a Text column)
    required: bool = False
    phone: bool = False


_CUSTOMER = {
    "code": _Text("客户编码", "customer code", 32, required=True),
    "name": _Text("客户名称", "customer name", 200, required=True),
    "account_manager": _Text("客户经理", "account manager", 100),
    "phone": _Text("客户电话", "customer's phone", 50, phone=True),
    "address": _Text("客户地址", "customer's address", 300),
}
_CONTACT = {
    "name": _Text("联系人姓名", "contact's name", 100, required=True),
    "phone": _Text("联系人电话", "contact's phone", 50, phone=True),
    "email": _Text("电子邮箱", "email", 200),
    "title": _Text("职务", "title", 100),
}
_SITE = {
    "name": _Text("地点名称", "site name", 200, required=True),
    "address": _Text("地点地址", "site address", 300),
}
_DEVICE = {
    "device_type": _Text("设备类型", "device type", 50, required=True),
    "device_class": _Text("设备类别", "device class", 30),
    "brand": _Text("品牌", "brand", 100),
    "model": _Text("型号", "model", 100),
    "serial": _Text("序列号", "serial number", 100),
    "asset_tag": _Text("资产编号", "asset tag", 100),
}
_ENGINEER = {
    "name": _Text("工程师姓名", "engineer's name", 100, required=True),
    "phone": _Text("工程师电话", "engineer's phone", 50, phone=True),
    "skills": _Text("技能", "skills"),
}
_CONTRACT = {
    "number": _Text("合同编号", "contract number", 50, required=True),
}


def _text_issues(specs: Mapping[str, _Text], values: Mapping[str, str | None]
                 ) -> list[FieldIssue]:
    issues: list[FieldIssue] = []
    for field, spec in specs.items():
        value = values.get(field) or ""
        if spec.required and not value.strip():
            issues.append(FieldIssue(field, "required", f"请填写{spec.zh}。",
                                     f"Please enter the {spec.en}."))
        elif spec.limit is not None and len(value) > spec.limit:
            issues.append(FieldIssue(field, "too_long", f"{spec.zh}不能超过 {spec.limit} 个字。",
                                     f"The {spec.en} may have at most {spec.limit} characters."))
        elif "\x00" in value:
            issues.append(FieldIssue(field, "bad_character", f"{spec.zh}含有无效字符。",
                                     f"The {spec.en} contains an invalid character."))
        elif spec.phone:
            issues += phone_issues(field, value, (spec.zh, spec.en))
    return issues


def customer_issues(*, code: str, name: str, account_manager: str = "", phone: str = "",
                    address: str = "", document_language: str = "zh") -> list[FieldIssue]:
    issues = _text_issues(_CUSTOMER, {"code": code, "name": name, "phone": phone,
                                      "account_manager": account_manager, "address": address})
    return issues + choice_issue("document_language", document_language, LANGUAGES)


def contact_issues(*, name: str, phone: str = "", email: str = "", title: str = ""
                   ) -> list[FieldIssue]:
    return _text_issues(_CONTACT, {"name": name, "phone": phone, "email": email,
                                   "title": title})


def site_issues(*, name: str, address: str = "") -> list[FieldIssue]:
    return _text_issues(_SITE, {"name": name, "address": address})


def device_issues(*, device_type: str, device_class: str = "other", brand: str = "",
                  model: str = "", serial: str = "", asset_tag: str = "",
                  customer_id: uuid.UUID | None = None,
                  site_customer_id: uuid.UUID | None = None) -> list[FieldIssue]:
    """`site_customer_id`: the customer of the device's site, which must be its own."""
    issues = _text_issues(_DEVICE, {"device_type": device_type, "device_class": device_class,
                                    "brand": brand, "model": model, "serial": serial,
                                    "asset_tag": asset_tag})
    if site_customer_id is not None and customer_id is not None and (
            site_customer_id != customer_id):
        issues.append(FieldIssue("site_id", "wrong_customer", "所选地点不属于该客户。",
                                 "The selected site belongs to another customer."))
    return issues


def engineer_issues(*, code: str, name: str, phone: str = "", skills: str = ""
                    ) -> list[FieldIssue]:
    """The code is in every number the engineer hands out (S-E07-…): `WEB` is the portal's."""
    issues: list[FieldIssue] = []
    if code == PORTAL_OPERATOR_CODE:
        issues.append(FieldIssue("code", "reserved", f"工号 {code} 保留给客户门户的记录。",
                                 f"The code {code} is reserved for the customers' portal."))
    elif not is_valid_operator_code(code):
        issues.append(FieldIssue("code", "bad_code", "工号须为 2–8 位大写字母或数字。",
                                 "The code must be 2–8 capital letters or digits."))
    return issues + _text_issues(_ENGINEER, {"name": name, "phone": phone, "skills": skills})


def contract_issues(*, number: str, starts_on: date, ends_on: date, sla_terms: str = "{}",
                    service_calendar: str = "{}") -> list[FieldIssue]:
    """The SLA terms and service calendar must be what the SLA clocks can read (JSON of
    SlaTerms / ServiceCalendar), or every clock of the customer's requests would fail."""
    issues = _text_issues(_CONTRACT, {"number": number})
    if ends_on < starts_on:
        issues.append(FieldIssue("ends_on", "out_of_order", "合同结束日期不能早于开始日期。",
                                 "The contract cannot end before it starts."))
    if not _readable(sla_terms, SlaTerms.from_dict):
        issues.append(FieldIssue("sla_terms", "unreadable",
                                 "合同的服务时限条款无法读取（须为 JSON）。",
                                 "The contract's SLA terms cannot be read (JSON expected)."))
    if not _readable(service_calendar, lambda data: ServiceCalendar.from_dict(data).zone):
        issues.append(FieldIssue("service_calendar", "unreadable",
                                 "合同的服务日历无法读取（须为 JSON）。",
                                 "The contract's service calendar cannot be read (JSON "
                                 "expected)."))
    return issues


def _readable(text: str, read: Callable[[dict[str, Any]], object]) -> bool:
    try:
        data = json.loads(text or "{}")
        if not isinstance(data, dict):
            return False
        read(data)
    except (ValueError, TypeError, KeyError, AttributeError, LookupError):
        return False
    return True
