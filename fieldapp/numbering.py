"""Handing out human numbers (S-E07-20261125-003) inside the caller's write transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from fieldapp.ids import format_number
from fieldapp.store.models import NumberSequence
from fieldapp.timeutil import DEFAULT_TIMEZONE, to_local

REQUEST = "R"
SLIP = "S"


def next_number(session: Session, kind: str, operator_code: str, moment: datetime,
                tz: str = DEFAULT_TIMEZONE) -> str:
    """The next number for this operator on the local day of `moment`.

    Safe without the network: the operator code is unique per person, and the write
    transaction (BEGIN IMMEDIATE) serialises two windows on the same laptop.
    """
    day = to_local(moment, tz).date()
    row = session.get(NumberSequence, (kind, operator_code, day))
    if row is None:
        row = NumberSequence(kind=kind, operator_code=operator_code, day=day, last=0)
        session.add(row)
    row.last += 1
    session.flush()
    return format_number(kind, operator_code, day, row.last)
