"""The slip search index (SQLite only; schema and triggers in migrations 0005 and 0012).

``slip_search`` holds each slip's searchable text in one lower-cased column (with the
serial number and asset tag of its device since 0012); ``slip_search_fts`` is an FTS5
trigram index over it and ``slip_search_bigram`` an FTS5 index of its character bigrams.
`slip_ids_matching` gives the slip ids whose text contains a term, with exactly LIKE's
semantics (substring, ASCII case-insensitive, ``%`` and ``_`` literal): terms of three
characters or more are narrowed by the trigrams, one- and two-character terms by the
bigram table (``蓝屏`` is one token, and so is ``蓝`` alone), and ``instr`` on the one
column decides. Without FTS5 every term is a plain scan of that narrow table.

The list's first page finds a term one of two ways by how many slips have it (`plan`):
few matches are collected and sorted; a term found in many slips is not collected at all —
the list walks its order index and checks each slip's text (`slip_has_term`) until the
page is full, which stops early exactly because the term is common. Counting a term
with no other filter asks the index alone (`count_matching`).

Before 0012, serial numbers and asset tags were not in the text: the slips of a device
whose serial or asset tag contains the term match too (`device_slip_ids`, also used where
there is no index, the archive).
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import (
    Column,
    ColumnElement,
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
from sqlalchemy.orm import QueryableAttribute, Session

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

slip_search_bigram = Table("slip_search_bigram", _metadata, Column("rowid", Integer),
                           Column("grams", Text))

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_INFO_KEY = "fieldapp.search_index"
_TABLES = ("slip_search", "slip_search_fts", "slip_search_bigram", "slip_search_positions")
# A term is "common" when it is in at least this many slips per 50 of the list's page
# times the store's size, square-rooted: collecting k matches costs ~k probes, walking
# the list until 50 matches ~50·n/k, and both are equal at k = sqrt(50·n).
_MIN_MANY = 50
# How the list's first page finds a term (`plan`), by its number k of matches in a store
# of n slips; costs per row measured at 100k on this machine (docs/performance.md):
# - "sort": collect the matches through FTS5 and sort them with their joins, ~13 µs each;
# - "walk": walk the list's order index and check each slip's text (`slip_has_term`)
#   until the page is full: ~50·n/k slips at ~1 µs each.
# Equal at k ≈ sqrt(4·n) (632 at 100k, 2,000 at 1M).
Plan = Literal["sort", "walk"]


@dataclass(frozen=True)
class SearchIndex:
    trigram: bool  # slip_search_fts (0005, SQLite with FTS5)
    bigram: bool  # slip_search_bigram (0012, SQLite with FTS5)
    devices: bool  # the text holds the device's serial and asset tag (0012)


def index_kind(session: Session) -> SearchIndex | None:
    """What this store's search index has; None without one (not SQLite, or before 0005)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    info = connection.info  # per pooled DBAPI connection: looked up once
    if _INFO_KEY not in info:
        names = set(connection.exec_driver_sql(
            f"SELECT name FROM sqlite_master WHERE name IN {_TABLES!r}").scalars())
        info[_INFO_KEY] = SearchIndex(
            "slip_search_fts" in names, "slip_search_bigram" in names,
            "slip_search_positions" in names) if "slip_search" in names else None
    kind: SearchIndex | None = info[_INFO_KEY]  # connection.info is a plain dict of Any
    return kind


def usable_for(session: Session, term: str) -> bool:
    return bool(term) and SEPARATOR not in term and index_kind(session) is not None


def _needle(term: str) -> str:
    return term.translate(_ASCII_LOWER)


def _bigram_query(needle: str) -> str:
    """The FTS5 query for a one- or two-character term (tokens as migration 0012 wrote)."""
    token = needle.encode("utf-8").hex().upper()
    return token if len(needle) == 2 else "u" + token


def _candidates(index: SearchIndex, needle: str) -> Select[tuple[int]] | None:
    """Row ids of slip_search the FTS5 indexes narrow `needle` to (None: no narrowing)."""
    if len(needle) >= MIN_TRIGRAM and index.trigram:
        phrase = '"' + needle.replace('"', '""') + '"'
        return select(slip_search_fts.c.rowid).where(
            text("slip_search_fts MATCH :phrase").bindparams(phrase=phrase))
    if len(needle) < MIN_TRIGRAM and index.bigram:
        return select(slip_search_bigram.c.rowid).where(
            text("slip_search_bigram MATCH :grams").bindparams(grams=_bigram_query(needle)))
    return None


def slip_ids_matching(session: Session, term: str
                      ) -> Select[tuple[uuid.UUID]] | CompoundSelect[tuple[uuid.UUID]]:
    """SELECT of slip ids whose searchable text contains `term` (see the module doc)."""
    index = index_kind(session)
    assert index is not None, "usable_for(session, term) first"
    needle = _needle(term)
    query = select(slip_search.c.slip_id).where(func.instr(slip_search.c.body, needle) > 0)
    candidates = _candidates(index, needle)
    if candidates is not None:
        query = query.where(slip_search.c.id.in_(candidates))
    if not index.devices:  # before 0012: the device's serial is not in the text
        return query.union(device_slip_ids(term))
    return query


def count_matching(session: Session, term: str) -> int | None:
    """How many slips contain `term`, counted by the index alone (None: it cannot say).

    Exact for any term it takes: a bigram token is exactly that pair or character, and
    the trigram index compares case-sensitively (0013) over text lower-cased as LIKE
    does, so a phrase match is the substring itself; no slip's text is read."""
    index = index_kind(session)
    if index is None or not index.devices or not usable_for(session, term):
        return None
    needle = _needle(term)
    if len(needle) >= MIN_TRIGRAM and index.trigram:
        phrase = '"' + needle.replace('"', '""') + '"'
        sql = "SELECT count(*) FROM slip_search_fts WHERE slip_search_fts MATCH ?"
        return int(session.connection().exec_driver_sql(sql, (phrase,)).scalar() or 0)
    if len(needle) < MIN_TRIGRAM and index.bigram:
        sql = "SELECT count(*) FROM slip_search_bigram WHERE slip_search_bigram MATCH ?"
        grams = _bigram_query(needle)
        return int(session.connection().exec_driver_sql(sql, (grams,)).scalar() or 0)
    return None


def walk_from(size: int) -> int:
    """From how many matches the list walks instead of collecting (see `Plan`)."""
    return max(_MIN_MANY, math.isqrt(4 * size))


def plan(session: Session, term: str) -> Plan:
    """How the list's first page should find `term`: the FTS5 index counts its matches up
    to `walk_from` (cheap: it stops there)."""
    index = index_kind(session)
    assert index is not None, "usable_for(session, term) first"
    candidates = _candidates(index, _needle(term))
    if candidates is None:
        return "walk"  # no narrowing: collecting them is a full scan anyway
    connection = session.connection()
    many = walk_from(connection.execute(select(func.max(slip_search.c.id))).scalar() or 0)
    probe = select(func.count()).select_from(candidates.limit(many).subquery())
    return "walk" if (connection.execute(probe).scalar() or 0) >= many else "sort"


def slip_has_term(session: Session, term: str,
                  slip_id: ColumnElement[uuid.UUID] | QueryableAttribute[uuid.UUID]
                  ) -> ColumnElement[bool]:
    """Whether the slip `slip_id` (a column of the outer query) contains `term`: one probe
    of its row in slip_search, for walking the list."""
    index = index_kind(session)
    found = select(slip_search.c.id).where(
        slip_search.c.slip_id == slip_id,
        func.instr(slip_search.c.body, _needle(term)) > 0).exists()
    if index is not None and not index.devices:
        return or_(found, slip_id.in_(device_slip_ids(term)))
    return found

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
