"""Export and import slips as JSON (format ``fieldapp-slips``, version 1; docs/json-format.md).

An export is self-contained: each slip comes with its request and the reference records
they point at, every column included (UUIDs and times as text, binary as base64), so an
import into an empty store recreates the same rows and a second export is identical.
Import is idempotent: a record already present with the same content is skipped; a sealed
slip whose seal does not verify, or that would overwrite a different sealed slip, is refused,
and so is a new row its kind's record rule refuses (fieldapp.rules.stored, as the archive
checks a pushed record): the whole file, each issue naming its row.
"""

from __future__ import annotations

import base64
import functools
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, LargeBinary, Uuid, select, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from fieldapp import __version__
from fieldapp.base.errors import FieldIssue, ValidationError
from fieldapp.base.timeutil import iso_utc, utcnow
from fieldapp.records.attachments import attachments_of
from fieldapp.rules.attachments import STORED_TYPES, caption_issues, kind_issues
from fieldapp.rules.stored import (
    REFERENCE_KINDS,
    fee_lines_issues,
    named_row,
    reference_issues,
    request_record_issues,
    signature_record_issues,
    slip_record_issues,
)
from fieldapp.rules.validation import raise_if
from fieldapp.seal.seal_status import refuse_if_tampered
from fieldapp.seal.sealing import SIGNATURE_ONLY, verify_slip
from fieldapp.store.attachment_models import Attachment, OwnerKind
from fieldapp.store.models import (
    Base,
    Contact,
    Contract,
    Customer,
    Device,
    Engineer,
    FeeLine,
    ServiceRequest,
    Signature,
    Site,
    Slip,
    fill_request_kinds,
)
from fieldapp.store.types import UTCDateTime

FORMAT = "fieldapp-slips"
SEAL_COLUMNS = ("seal", "seal_document", "sealed_at", "status")
VERSION = 1

# Import order: a row's references come before it.
SECTIONS: tuple[tuple[str, type[Base]], ...] = (
    ("engineers", Engineer),
    ("customers", Customer),
    ("contacts", Contact),
    ("sites", Site),
    ("devices", Device),
    ("contracts", Contract),
    ("requests", ServiceRequest),
    ("slips", Slip),
    ("fee_lines", FeeLine),
    ("signatures", Signature),
    # the rows (a format-4 seal names them); their files travel beside this JSON in a
    # package (fieldapp.tools.exchange_package), never inside it
    ("attachments", Attachment),
)


def row_to_dict(row: Any, model: type[Base] | None = None) -> dict[str, Any]:
    """An ORM object, or a Core row of `model`'s table, as lossless JSON values."""
    out: dict[str, Any] = {}
    for column in (model or row).__table__.columns:
        value = getattr(row, column.key)
        if value is None:
            out[column.key] = None
        elif isinstance(column.type, Uuid):
            out[column.key] = str(value)
        elif isinstance(column.type, (UTCDateTime, Date)):
            out[column.key] = value.isoformat()
        elif isinstance(column.type, LargeBinary):
            out[column.key] = base64.b64encode(value).decode("ascii")
        else:
            out[column.key] = value
    return out


def dict_to_values(model: type[Base], data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, convert in _converters(model):
        if key not in data:
            continue
        value = data[key]
        values[key] = value if value is None or convert is None else convert(value)
    if model is ServiceRequest:
        fill_request_kinds(values)  # an older laptop or export gives the old channel only
    return values


@functools.cache
def _converters(model: type[Base]) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    """Per column, how its JSON value becomes a Python value (decided once per model:
    the archive converts every pushed row several times)."""
    out: list[tuple[str, Callable[[Any], Any] | None]] = []
    for column in model.__table__.columns:
        convert: Callable[[Any], Any] | None = None
        if isinstance(column.type, Uuid):
            convert = _uuid
        elif isinstance(column.type, UTCDateTime):
            convert = functools.partial(_aware_time, column.key)
        elif isinstance(column.type, Date):
            convert = date.fromisoformat
        elif isinstance(column.type, LargeBinary):
            convert = _binary
        out.append((column.key, convert))
    return tuple(out)


# A push names the same ids again and again (a slip's request, customer, engineer; each
# row converted more than once on its way in): the parsed UUID is kept, not made anew
# (~3 µs each, ~50,000 for a push of 1,000 sealed slips). What does not parse raises, as
# `uuid.UUID` does, and is not kept.
_uuid_of_text = functools.lru_cache(maxsize=16_384)(uuid.UUID)


def _uuid(value: Any) -> uuid.UUID:
    return _uuid_of_text(value) if type(value) is str else uuid.UUID(value)


def _aware_time(key: str, value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{key}: time without a zone: {value}")
    return moment


def _binary(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def export_slips(session: Session, slips: Iterable[Slip]) -> dict[str, Any]:
    sections: dict[str, dict[uuid.UUID, Base]] = {name: {} for name, _ in SECTIONS}
    for slip in slips:
        # a slip changed here is not passed on; whose key sealed it the importer's
        # `verify` judges (a backup restored elsewhere has no receipt to show yet)
        refuse_if_tampered(slip, SIGNATURE_ONLY)
        request = slip.request
        sections["slips"][slip.id] = slip
        sections["requests"][request.id] = request
        sections["customers"][request.customer.id] = request.customer
        sections["engineers"][slip.engineer.id] = slip.engineer
        if request.assigned_engineer is not None:
            sections["engineers"][request.assigned_engineer.id] = request.assigned_engineer
        for name, obj in (("contacts", request.contact), ("sites", request.site),
                          ("devices", request.device), ("contracts", request.contract)):
            if obj is not None:
                sections[name][obj.id] = obj
        if request.device is not None and request.device.site is not None:
            sections["sites"][request.device.site.id] = request.device.site
        if slip.amends is not None:
            sections["slips"][slip.amends.id] = slip.amends
        for line in slip.fee_lines:
            sections["fee_lines"][line.id] = line
        for sig in slip.signatures:
            sections["signatures"][sig.id] = sig
    for slip_id in list(sections["slips"]):
        for row in attachments_of(session, OwnerKind.SLIP, slip_id, include_removed=True):
            sections["attachments"][row.id] = row
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso_utc(utcnow()),
        "exported_by": f"fieldapp {__version__}",
        **{name: [row_to_dict(r) for _, r in sorted(rows.items(), key=lambda kv: str(kv[0]))]
           for name, rows in sections.items()},
    }


@dataclass
class ImportReport:
    added: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    files: int = 0  # attached files the package carried, checked and stored
    files_missing: int = 0  # files the rows name that are neither in the export nor here

    def count(self, bucket: dict[str, int], section: str) -> None:
        bucket[section] = bucket.get(section, 0) + 1


def _bad(zh: str, en: str) -> ValidationError:
    return ValidationError([FieldIssue("file", "bad_import", zh, en)])


def import_slips(session: Session, data: Any, *, now: datetime | None = None) -> ImportReport:
    """Import an export into this store in the caller's transaction (all or nothing).

    Every new row is checked by its kind's record rule (fieldapp.rules.stored) before
    anything is written: a bad row refuses the whole file, each issue naming its row."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad("不是 fieldapp 服务单导出文件。", "This is not a fieldapp slip export.")
    if data.get("version") != VERSION:
        raise _bad(f"不支持的导出文件版本：{data.get('version')}。",
                   f"Unsupported export version: {data.get('version')}.")
    sections = _read_sections(data)
    raise_if(_row_issues(session, sections, now or utcnow()))
    report = ImportReport()
    # Sealed slips go in unsealed, their fee lines and signatures after them, and the
    # seal last: the same order as on the laptop, which the database triggers require.
    seals: dict[uuid.UUID, dict[str, Any]] = {}
    for section, model in SECTIONS:
        for index, values in enumerate(sections[section]):
            record_id = values["id"]
            existing = session.get(model, record_id)
            if existing is None:
                if model is Slip and values.get("seal") is not None:
                    seals[record_id] = {k: values.pop(k) for k in SEAL_COLUMNS}
                    seals[record_id]["updated_at"] = values["updated_at"]
                try:
                    session.add(model(**values))
                    session.flush()
                except (sa_exc.IntegrityError, sa_exc.StatementError, TypeError,
                        OverflowError) as exc:  # an integer SQLite cannot hold
                    # a missing reference, a duplicate number, a required value left out
                    raise _bad(f"{section} 第 {index + 1} 条记录无法导入（缺少引用、重复或缺项），"
                               "未导入任何内容。",
                               f"{section} record {index + 1} cannot be stored (a missing "
                               "reference, a duplicate or a missing value); nothing was "
                               "imported.") from exc
                report.count(report.added, section)
            elif row_to_dict(existing) == row_to_dict(model(**values)):
                report.count(report.unchanged, section)
            else:
                raise _bad(f"{section} 中记录 {record_id} 与本地已有记录不同，未导入任何内容。",
                           f"{section} record {record_id} differs from the one already here; "
                           "nothing was imported.")
    for slip_id, sealed in seals.items():
        # A Core UPDATE naming updated_at, so the ORM's onupdate does not restamp it.
        session.execute(update(Slip.__table__).where(Slip.id == slip_id).values(**sealed))
    session.expire_all()
    for values in sections["slips"]:
        slip = session.scalar(select(Slip).where(Slip.id == values["id"]))
        if slip is not None and slip.seal is not None:
            result = verify_slip(slip, SIGNATURE_ONLY)  # whose key: `verify` says
            if not result.ok:
                zh = "；".join(p[0] for p in result.problems)
                en = "; ".join(p[1] for p in result.problems)
                raise _bad(f"服务单 {slip.number} 的封存校验失败：{zh}",
                           f"Slip {slip.number} fails its seal check: {en}")
    return report


def _read_sections(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every section's rows as column values (each with an id), or the file refused."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for section, model in SECTIONS:
        rows = data.get(section, [])
        if not isinstance(rows, list):
            raise _bad(f"导出文件中 {section} 部分格式错误。", f"Section {section} is malformed.")
        sections[section] = []
        for index, raw in enumerate(rows):
            try:
                values = dict_to_values(model, raw)
                record_id = values["id"]
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise _bad(f"{section} 第 {index + 1} 条记录格式错误：{exc}",
                           f"{section} record {index + 1} is malformed: {exc}") from exc
            if record_id is None:
                raise _bad(f"{section} 第 {index + 1} 条记录缺少 id，未导入任何内容。",
                           f"{section} record {index + 1} has no id; nothing was imported.")
            sections[section].append(values)
    return sections


_OWNED: dict[str, type[Contact] | type[Site] | type[Device]] = {
    "contact_id": Contact, "site_id": Site, "device_id": Device}


def _row_issues(session: Session, sections: dict[str, list[dict[str, Any]]], now: datetime
                ) -> list[FieldIssue]:
    """The record rule of every row not here yet (a row already here is compared, not
    checked again), each issue naming its section and row."""
    new = {section: [(i, v) for i, v in enumerate(sections[section], start=1)
                     if session.get(model, v["id"]) is None]
           for section, model in SECTIONS}
    customer_of: dict[uuid.UUID, uuid.UUID | None] = {
        v["id"]: v.get("customer_id") for section in ("contacts", "sites", "devices")
        for v in sections[section]}
    requests = {v["id"]: v for v in sections["requests"]}
    by_slip: dict[str, dict[uuid.UUID, list[dict[str, Any]]]] = {
        "fee_lines": {}, "signatures": {}}
    for section, of_slip in by_slip.items():
        for v in sections[section]:
            of_slip.setdefault(v.get("slip_id"), []).append(v)  # type: ignore[arg-type]
    new_slips = {v["id"] for _, v in new["slips"]}

    def owners(v: dict[str, Any]) -> dict[str, uuid.UUID | None]:
        found: dict[str, uuid.UUID | None] = {}
        for column, model in _OWNED.items():
            item = v.get(column)
            if item is not None:
                found[column] = (customer_of[item] if item in customer_of else
                                session.scalar(select(model.customer_id)
                                               .where(model.id == item)))
        return found

    def request_of(slip: dict[str, Any]) -> tuple[str, datetime] | None:
        request = requests.get(slip.get("request_id"))
        if request is not None:
            return request.get("channel") or "", request["requested_at"]
        row = session.execute(select(ServiceRequest.channel, ServiceRequest.requested_at)
                              .where(ServiceRequest.id == slip.get("request_id"))).first()
        return None if row is None else (row.channel, row.requested_at)

    issues: list[FieldIssue] = []
    for section, rows in new.items():
        for index, v in rows:
            try:
                found = _issues_of(section, v, now, owners, request_of, by_slip, new_slips)
            except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
                # a value of the wrong type where the rule reads text, a number, a time
                raise _bad(f"{section} 第 {index} 条记录格式错误：{exc}",
                           f"{section} record {index} is malformed: {exc}") from exc
            issues += named_row(section, index, found, zh_row="条记录", en_row="record")
    return issues


def _issues_of(section: str, v: dict[str, Any], now: datetime,
               owners: Callable[[dict[str, Any]], dict[str, uuid.UUID | None]],
               request_of: Callable[[dict[str, Any]], tuple[str, datetime] | None],
               by_slip: dict[str, dict[uuid.UUID, list[dict[str, Any]]]],
               new_slips: set[uuid.UUID]) -> list[FieldIssue]:
    if section in REFERENCE_KINDS:
        return reference_issues(section, v, owners(v))
    if section == "requests":
        return request_record_issues(v, now, owners(v))
    if section == "slips":
        request = request_of(v)
        if request is None:  # the write says so: a missing reference
            return []
        return slip_record_issues(v, channel=request[0], requested_at=request[1], now=now,
                                  signatures=by_slip["signatures"].get(v["id"], []),
                                  fee_lines=by_slip["fee_lines"].get(v["id"], []))
    if section == "attachments":
        return _attachment_issues(v)
    if v.get("slip_id") in new_slips:
        return []  # checked with its slip
    if section == "fee_lines":
        return fee_lines_issues([v])
    return signature_record_issues(v, now)


def _attachment_issues(v: dict[str, Any]) -> list[FieldIssue]:
    """An attachment row of an exported slip: its caption and kind as the laptop checks
    them, a stored type and a slip for owner."""
    issues = caption_issues(v.get("caption") or "") + kind_issues(v.get("kind") or "")
    if v.get("owner_kind") != OwnerKind.SLIP or v.get("media_type") not in STORED_TYPES:
        issues.append(FieldIssue("attachment", "bad_attachment", "附件记录无效。",
                                 "The attachment record is not valid."))
    return issues


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
