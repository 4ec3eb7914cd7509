"""Handing out human numbers (S-E07-20261125-003) inside the caller's write transaction.

The sequence part is per operator and local day. An engineer may work on two laptops
offline at once (a spare, a reinstalled one): the archive gives each of an engineer's
active laptops its own *block* — block 1 numbers 101, 102, … — so their numbers never
meet, even on slips signed before either laptop syncs. A laptop never enrolled, and the
first laptop of each engineer, use block 0 (001, 002, …); the service centre's block is 9.

A block is every tenth hundred, not one hundred: block b owns the hundreds h with
h % 10 == b (block 0: 001–099, 1001–1099, 2001–2099, …; block 1: 101–199, 1101–1199, …),
never a multiple of 100. So a block cannot run out: a laptop that hands out more than 99
numbers in a day goes on in its own next hundred (099 → 1001), never into another
laptop's (before, the 100th number of block 0 was block 1's first: issue 19, item 5).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BindParameter, Executable, Integer, Table, bindparam, case, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fieldapp.base.ids import format_number
from fieldapp.base.timeutil import DEFAULT_TIMEZONE, to_local
from fieldapp.store.models import NumberSequence, SyncState

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

REQUEST = "R"
SLIP = "S"

BLOCK_SIZE = 100
BLOCKS = 10  # a block owns every BLOCKS-th hundred
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
    block = number_block(session)
    last = session.connection().execute(
        statement, {"kind": kind, "operator_code": operator_code, "day": day,
                    "first": block * BLOCK_SIZE + 1, "block": block}).scalar_one()
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
    return sequence % BLOCK_SIZE != 0 and (sequence // BLOCK_SIZE) % BLOCKS == block


def following(last: int, block: int) -> int:
    """The number `block` hands out after `last` (what `next_number` computes in SQL)."""
    candidate = last + 1
    hundred = candidate // BLOCK_SIZE
    own = hundred + (block - hundred % BLOCKS + BLOCKS) % BLOCKS  # this or a later hundred
    return max(candidate, own * BLOCK_SIZE + 1)


def _next_statement(insert: Callable[[Table], sqlite.Insert | postgresql.Insert]) -> Executable:
    # The first number of the block, or `following` the last one: within the block's
    # current hundred, else at the start of its next one (a laptop that moved to another
    # block today starts there). Integer arithmetic both SQLite and PostgreSQL share.
    first: BindParameter[int] = bindparam("first")
    block = bindparam("block", type_=Integer)
    candidate = _SEQUENCES.c.last + 1
    hundred = candidate // BLOCK_SIZE
    own_start = (hundred + (block - hundred % BLOCKS + BLOCKS) % BLOCKS) * BLOCK_SIZE + 1
    return (
        insert(_SEQUENCES)
        .values(kind=bindparam("kind"), operator_code=bindparam("operator_code"),
                day=bindparam("day"), last=first)
        .on_conflict_do_update(
            index_elements=["kind", "operator_code", "day"],
            set_={"last": case((candidate < own_start, own_start), else_=candidate)})
        .returning(_SEQUENCES.c.last)
    )


# Built once per dialect: building the upsert on every call cost more CPU than running it.
_SQLITE_NEXT = _next_statement(sqlite_insert)


@functools.cache
def _postgresql_next() -> Executable:
    from sqlalchemy.dialects.postgresql import insert  # the archive's; not at app start-up

    return _next_statement(insert)
