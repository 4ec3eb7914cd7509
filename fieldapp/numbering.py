"""Handing out human numbers (S-E07-20261125-003) inside the caller's write transaction.

The sequence part is per operator and local day. An engineer may work on two laptops
offline at once (a spare, a reinstalled one): the archive gives each of an engineer's
active laptops its own *block* — block 1 numbers 101, 102, … — so their numbers never
meet, even on slips signed before either laptop syncs. A laptop never enrolled, and the
first laptop of each engineer, use block 0 (001, 002, …); the service centre's block is 9.
"""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import bindparam, case, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fieldapp.ids import format_number
from fieldapp.store.models import NumberSequence, SyncState
from fieldapp.timeutil import DEFAULT_TIMEZONE, to_local

REQUEST = "R"
SLIP = "S"

BLOCK_SIZE = 100
CENTRE_BLOCK = 9  # staff and admin laptops (fieldapp.archive.crud)
BLOCK_KEY = "number_block"  # in sync_state: the block the archive gave this laptop

_SEQUENCES = NumberSequence.__table__


def next_number(session: Session, kind: str, operator_code: str, moment: datetime,
                tz: str = DEFAULT_TIMEZONE) -> str:
    """The next number for this operator on the local day of `moment`.

    Safe without the network: the operator code is unique per person, and the write
    transaction (BEGIN IMMEDIATE) serialises two windows on the same laptop.

    One upsert on the table (not the ORM), so taking a number neither flushes the
    session's pending work nor depends on a sequence row staying in the identity map.
    """
    day = to_local(moment, tz).date()
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = _postgresql_next() if postgres else _SQLITE_NEXT
    first = number_block(session) * BLOCK_SIZE + 1
    last = session.connection().execute(
        statement, {"kind": kind, "operator_code": operator_code, "day": day,
                    "first": first}).scalar_one()
    return format_number(kind, operator_code, day, last)


def number_block(session: Session) -> int:
    """This laptop's block (0 until the archive gives it one; always 0 on the archive)."""
    raw = session.connection().execute(
        select(SyncState.value).where(SyncState.key == BLOCK_KEY)).scalar()
    try:
        return max(0, min(int(raw or 0), CENTRE_BLOCK))
    except ValueError:
        return 0


def in_block(sequence: int, block: int) -> bool:
    """Is this sequence number one that a laptop holding `block` hands out?"""
    return block * BLOCK_SIZE < sequence < (block + 1) * BLOCK_SIZE


def _next_statement(insert) -> object:
    # the first number of the block, or the next after the last one (never below the
    # block: a laptop that moved to another block today starts at its beginning)
    first = bindparam("first")
    return (
        insert(_SEQUENCES)
        .values(kind=bindparam("kind"), operator_code=bindparam("operator_code"),
                day=bindparam("day"), last=first)
        .on_conflict_do_update(
            index_elements=["kind", "operator_code", "day"],
            set_={"last": case((_SEQUENCES.c.last + 1 < first, first),
                               else_=_SEQUENCES.c.last + 1)})
        .returning(_SEQUENCES.c.last)
    )


# Built once per dialect: building the upsert on every call cost more CPU than running it.
_SQLITE_NEXT = _next_statement(sqlite_insert)


@functools.cache
def _postgresql_next() -> object:
    from sqlalchemy.dialects.postgresql import insert  # the archive's; not at app start-up

    return _next_statement(insert)
