"""Importing reference data (customers, sites, contacts, devices, engineers, contracts).

From JSON (``{"customers": [...], "sites": [...], ...}``) or one CSV file per kind (a
header row naming the columns). Rows are matched by their natural key, so importing the
same file twice changes nothing: customers and engineers by `code`, contracts by
`number`, sites and contacts by customer code + name, devices by customer code + serial
(or asset tag). Every row is checked by its kind's rule (fieldapp.rules.reference, the
laptop's and the archive's own); everything is one transaction, so a bad row stops the
import, naming the row and the field, and nothing of it is written.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive import crud
from fieldapp.archive.db import lock_change_log
from fieldapp.base.device_classes import device_class_from_text
from fieldapp.base.errors import FieldIssue, ValidationError
from fieldapp.rules.stored import reference_issues
from fieldapp.store.models import Contact, Contract, Customer, Device, Engineer, Record, Site

KINDS = ("engineers", "customers", "sites", "contacts", "devices", "contracts")
_BOOLS = {"1": True, "true": True, "yes": True, "是": True, "0": False, "false": False,
          "no": False, "否": False, "": False}


@dataclass
class ImportResult:
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)


def _bad(kind: str, index: int, zh: str, en: str) -> ValidationError:
    return ValidationError([FieldIssue(kind, "bad_row", f"{kind} 第 {index} 行：{zh}",
                                       f"{kind} row {index}: {en}")])


def read_file(path: Path, kind: str | None = None) -> dict[str, list[dict[str, Any]]]:
    if path.suffix.lower() == ".json":
        data = json.loads(path.read_text("utf-8"))
        if not isinstance(data, dict):
            raise _bad("file", 0, "JSON 须为对象。", "the JSON must be an object.")
        return {k: v for k, v in data.items() if k in KINDS}
    kind = kind or path.stem
    if kind not in KINDS:
        kinds = ", ".join(KINDS)
        raise ValidationError([FieldIssue(
            "file", "unknown_kind", f"无法从文件名看出资料类别，请用 --kind 指定（{kinds}）。",
            f"the file name does not say the kind: say it with --kind ({kinds}).")])
    with path.open(newline="", encoding="utf-8-sig") as f:
        return {kind: list(csv.DictReader(f))}


def _customer(session: Session, code: Any, kind: str, index: int) -> Customer:
    customer = session.scalar(select(Customer).where(Customer.code == str(code or "")))
    if customer is None:
        raise _bad(kind, index, f"没有客户编码 {code}。", f"no customer with code {code}.")
    return customer


def _bool(value: Any) -> bool:
    return value if isinstance(value, bool) else _BOOLS.get(str(value).strip().lower(), False)


_LANGUAGES = {"zh": "zh", "中文": "zh", "chinese": "zh", "en": "en", "英文": "en",
              "english": "en"}


def _document_language(value: str) -> str:
    """zh / en (also 中文 / 英文, Chinese / English); anything else is refused."""
    try:
        return _LANGUAGES[value.strip().casefold()]
    except KeyError:
        raise ValueError(f"document_language {value!r} (zh/en)") from None


def _values(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    text = {k: str(v).strip() for k, v in row.items() if v is not None and not isinstance(v, bool)}
    if kind == "engineers":
        skills = row.get("skills", "")
        skills = ",".join(skills) if isinstance(skills, list) else str(skills or "")
        return {"code": text.get("code", ""), "name": text.get("name", ""),
                "phone": text.get("phone", ""), "skills": skills,
                "active": _bool(row.get("active", True))}
    if kind == "customers":
        values = {"code": text.get("code", ""), "name": text.get("name", ""),
                  "is_group": _bool(row.get("is_group", False)),
                  "account_manager": text.get("account_manager", ""),
                  "phone": text.get("phone", ""), "address": text.get("address", "")}
        if text.get("document_language"):  # left out: unchanged (zh for a new customer)
            values["document_language"] = _document_language(text["document_language"])
        return values
    if kind == "sites":
        return {"name": text.get("name", ""), "address": text.get("address", ""),
                "in_city": _bool(row.get("in_city", True))}
    if kind == "contacts":
        return {k: text.get(k, "") for k in ("name", "phone", "email", "title")}
    if kind == "devices":
        return {k: text.get(k, "") for k in ("device_type", "device_class", "brand", "model",
                                               "serial", "asset_tag")} | {
            "device_class": device_class_from_text(text.get("device_class") or "other")}
    if kind == "contracts":
        return {"number": text.get("number", ""),
                "starts_on": date.fromisoformat(text.get("starts_on", "")),
                "ends_on": date.fromisoformat(text.get("ends_on", "")),
                "sla_terms": text.get("sla_terms") or "{}",
                "service_calendar": text.get("service_calendar") or "{}"}
    raise ValueError(kind)


MODELS: dict[str, type[Record]] = {"engineers": Engineer, "customers": Customer, "sites": Site,
                                 "contacts": Contact, "devices": Device, "contracts": Contract}


def row_issues(kind: str, index: int, values: dict[str, Any]) -> list[FieldIssue]:
    """The kind's rule (fieldapp.rules.reference, as the archive's ingest applies it to a
    pushed record), each issue naming the row: field `engineers[3].code`, text
    "engineers 第 3 行：…" / "engineers row 3: …"."""
    return [FieldIssue(f"{kind}[{index}].{i.field}", i.code, f"{kind} 第 {index} 行：{i.zh}",
                       f"{kind} row {index}: {i.en}") for i in reference_issues(kind, values)]


def import_reference(session: Session, data: dict[str, list[dict[str, Any]]]) -> ImportResult:
    lock_change_log(session)
    result = ImportResult()
    for kind in KINDS:
        for index, row in enumerate(data.get(kind) or [], start=1):
            if not isinstance(row, dict):
                raise _bad(kind, index, "须为对象。", "must be an object.")
            try:
                values = _values(kind, row)
            except ValueError as exc:
                raise _bad(kind, index, f"格式错误：{exc}", f"malformed: {exc}") from exc
            issues = row_issues(kind, index, values)
            if issues:  # the caller's transaction rolls back: nothing of the file is kept
                raise ValidationError(issues)
            _upsert(session, kind, index, row, values, result)
    return result


def _upsert(session: Session, kind: str, index: int, row: dict[str, Any],
            values: dict[str, Any], result: ImportResult) -> None:
    model = MODELS[kind]
    query = select(model)
    if kind in ("engineers", "customers"):
        coded = Engineer if kind == "engineers" else Customer
        query = query.where(coded.code == values["code"])
    elif kind == "contracts":
        query = query.where(Contract.number == values["number"])
    else:
        customer = _customer(session, row.get("customer_code"), kind, index)
        values["customer_id"] = customer.id
        if kind == "devices":
            if values["serial"]:
                query = query.where(Device.customer_id == customer.id,
                                    Device.serial == values["serial"])
            else:
                query = query.where(Device.customer_id == customer.id,
                                    Device.asset_tag == values["asset_tag"])
            site_name = str(row.get("site_name") or "").strip()
            if site_name:
                site = session.scalar(select(Site).where(Site.customer_id == customer.id,
                                                         Site.name == site_name))
                if site is None:
                    raise _bad(kind, index, f"没有地点 {site_name}。", f"no site {site_name}.")
                values["site_id"] = site.id
        else:  # sites and contacts: by name within the customer
            named = Site if kind == "sites" else Contact
            query = query.where(named.customer_id == customer.id, named.name == values["name"])
    if kind == "contracts":
        values["customer_id"] = _customer(session, row.get("customer_code"), kind, index).id
    existing = session.scalar(query)
    bucket = result.unchanged
    if existing is None:
        existing = model(**values)
        session.add(existing)
        bucket = result.added
    elif any(getattr(existing, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(existing, k, v)
        bucket = result.updated
    bucket[kind] = bucket.get(kind, 0) + 1
    session.flush()
    if bucket is not result.unchanged:
        crud.record_change(session, table=model.__tablename__, record_id=existing.id)
