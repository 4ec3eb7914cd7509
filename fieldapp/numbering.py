"""Handing out human numbers (S-E07-20261125-003) inside the caller's write transaction."""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from fieldapp.ids import format_number
from fieldapp.store.models import NumberSequence
from fieldapp.timeutil import DEFAULT_TIMEZONE, to_local

REQUEST = "R"
SLIP = "S"

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
    last = session.connection().execute(
        statement, {"kind": kind, "operator_code": operator_code, "day": day}).scalar_one()
    return format_number(kind, operator_code, day, last)


def _next_statement(insert) -> object:
    return (
        insert(_SEQUENCES)
        .values(kind=bindparam("kind"), operator_code=bindparam("operator_code"),
                day=bindparam("day"), last=1)
        .on_conflict_do_update(index_elements=["kind", "operator_code", "day"],
                               set_={"last": _SEQUENCES.c.last + 1})
        .returning(_SEQUENCES.c.last)
    )


# Built once per dialect: building the upsert on every call cost more CPU than running it.
_SQLITE_NEXT = _next_statement(sqlite_insert)


@functools.cache
def _postgresql_next() -> object:
    from sqlalchemy.dialects.postgresql import insert  # the archive's; not at app start-up

    return _next_statement(insert)
