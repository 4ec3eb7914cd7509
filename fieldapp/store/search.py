"""The slip search index (SQLite only; schema and triggers in migration 0005).

``slip_search`` holds each slip's searchable text in one lower-cased column, and
``slip_search_fts`` is an FTS5 trigram index over it. `slip_ids_matching` gives the
slip ids whose text contains a term, with exactly LIKE's semantics (substring, ASCII
case-insensitive, ``%`` and ``_`` literal): the trigram index narrows terms of three
characters or more, and ``instr`` on the one column decides — so shorter terms, which
trigrams cannot index, are a plain scan of one narrow table instead of LIKE over joins.

Serial numbers and asset tags are printed on the device, not written on the slip: the
slips of a device whose serial or asset tag contains the term match too
(`device_slip_ids`, also used where there is no index, the archive).
"""

from __future__ import annotations

import uuid

from sqlalchemy import (
    Column,
    CompoundSelect,
    Integer,
    MetaData,
    Select,
    Table,
    Text,
    Uuid,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from fieldapp.store.models import Device, ServiceRequest, Slip

SEPARATOR = "\n"  # between the fields in `body`; a term containing it is not indexable
MIN_TRIGRAM = 3

_metadata = MetaData()  # not Base.metadata: these tables exist on SQLite only
slip_search = Table(
    "slip_search", _metadata,
    Column("id", Integer, primary_key=True),
    Column("slip_id", Uuid, nullable=False),
    Column("body", Text, nullable=False),
)
slip_search_fts = Table("slip_search_fts", _metadata, Column("rowid", Integer),
                        Column("body", Text))

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_INFO_KEY = "fieldapp.search_index"


def index_kind(session: Session) -> str | None:
    """'fts' (trigram index), 'scan' (slip_search only) or None (no index: not SQLite)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    info = connection.info  # per pooled DBAPI connection: looked up once
    if _INFO_KEY not in info:
        names = set(connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE name IN ('slip_search', 'slip_search_fts')"
        ).scalars())
        info[_INFO_KEY] = ("fts" if "slip_search_fts" in names
                           else "scan" if "slip_search" in names else None)
    kind: str | None = info[_INFO_KEY]  # connection.info is a plain dict of Any
    return kind


def usable_for(session: Session, term: str) -> bool:
    return bool(term) and SEPARATOR not in term and index_kind(session) is not None


def slip_ids_matching(session: Session, term: str) -> CompoundSelect[uuid.UUID]:
    """SELECT of slip ids whose searchable text contains `term` (see the module doc)."""
    needle = term.translate(_ASCII_LOWER)
    query = select(slip_search.c.slip_id).where(func.instr(slip_search.c.body, needle) > 0)
    if len(term) >= MIN_TRIGRAM and index_kind(session) == "fts":
        phrase = '"' + needle.replace('"', '""') + '"'
        candidates = select(slip_search_fts.c.rowid).where(
            text("slip_search_fts MATCH :phrase").bindparams(phrase=phrase))
        query = query.where(slip_search.c.id.in_(candidates))
    return query.union(device_slip_ids(term))


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def device_ids_matching(term: str) -> Select[uuid.UUID]:
    """SELECT of the ids of devices whose serial number or asset tag contains `term`
    (substring, ASCII case ignored, ``%`` and ``_`` literal, as the index)."""
    pattern = f"%{_escape_like(term)}%"
    return select(Device.id).where(or_(Device.serial.ilike(pattern, escape="\\"),
                                       Device.asset_tag.ilike(pattern, escape="\\")))


def device_slip_ids(term: str) -> Select[uuid.UUID]:
    """SELECT of the ids of the slips of those devices."""
    return (select(Slip.id).join(ServiceRequest, Slip.request_id == ServiceRequest.id)
            .where(ServiceRequest.device_id.in_(device_ids_matching(term))))
