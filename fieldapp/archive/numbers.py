"""A pushed record whose number the archive holds under another id: one number used on
two computers (issue 19, item 5). Refused with a reason that says so and what happens
next, before the database would refuse it with a bare constraint error.

Numbers are unique by construction between an engineer's laptops (fieldapp.records.numbering),
so this is rare: staff laptops sharing the centre's block, a laptop working before its
first login. The laptop renumbers its draft or unsent request by itself on the pull that
brings the archive's record (fieldapp.sync.giving_way); a signed number stays, and the
service centre settles it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.rules import Reason
from fieldapp.store.tables import SYNC_MODELS, WORK_TABLES
from fieldapp.sync.status import TABLE_LABELS

# the work tables whose `number` column is unique (a laptop numbers them offline)
NUMBERED = tuple(table for table in WORK_TABLES
                 if "number" in SYNC_MODELS[table].__table__.c
                 and SYNC_MODELS[table].__table__.c.number.unique)
_CHUNK = 500


def numbers_held(session: Session, records: list[dict[str, Any]]
                 ) -> dict[tuple[str, str], uuid.UUID]:
    """(table, number) → the id the archive holds it under, for the numbers these records
    carry (one query per table and 500 numbers)."""
    wanted: dict[str, set[str]] = {}
    for record in records:
        row = record.get("row")
        if record.get("table") in NUMBERED and isinstance(row, dict) and row.get("number"):
            wanted.setdefault(str(record["table"]), set()).add(str(row["number"]))
    held: dict[tuple[str, str], uuid.UUID] = {}
    for table, numbers in wanted.items():
        columns = SYNC_MODELS[table].__table__.c
        ordered = sorted(numbers)
        for start in range(0, len(ordered), _CHUNK):
            for record_id, number in session.execute(select(columns.id, columns.number).where(
                    columns.number.in_(ordered[start:start + _CHUNK]))):
                held[(table, number)] = record_id
    return held


def number_taken(table: str, number: str) -> Reason:
    zh, en = TABLE_LABELS.get(table, (table, table))
    return ("number_taken",
            f"编号 {number} 已被档案中另一条{zh}使用（同一编号在两台电脑上使用）。本机的草稿和"
            "未上传的请求会在下次同步时自动改号后重新上传；已签名的请联系服务中心。",
            f"The number {number} is held in the archive by another {en.lower()} (one "
            "number used on two computers). A draft or an unsent request here takes "
            "another number at the next sync and is sent again; a signed one: contact "
            "the service centre.")
