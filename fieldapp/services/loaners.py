"""The loaner pool (备机, R1.4) as services: the list, and taking a loaner back.

A loaner is lent from its repair order (`fieldapp.services.repairs.lend_loaner`); here it
comes back, with its condition and both signatures. Pass `now` (tests freeze it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fieldapp.base.timeutil import utcnow
from fieldapp.reads.workflow_lists import LoanerRow, list_loaners
from fieldapp.records.events import SignatureInput
from fieldapp.store import Store
from fieldapp.workflows import loaners

__all__ = ["LoanerReturn", "LoanerRow", "page", "take_back"]


@dataclass(frozen=True)
class LoanerReturn:
    """A loaner given back: its condition (`events.LOANER_CONDITIONS`) and both signatures."""

    asset_tag: str
    condition: str
    engineer_signature: SignatureInput
    customer_signature: SignatureInput


def take_back(store: Store, entry: LoanerReturn, *, operator_code: str,
              now: datetime | None = None) -> None:
    now = now or utcnow()
    with store.write() as session:
        loaners.return_loaner(session, loaners.get_loaner(session, entry.asset_tag),
                              condition=entry.condition,
                              engineer_signature=entry.engineer_signature,
                              customer_signature=entry.customer_signature,
                              actor_code=operator_code, occurred_at=now, now=now)


def page(store: Store, *, offset: int = 0, limit: int = 200, now: datetime | None = None
         ) -> list[LoanerRow]:
    """The pool: out and overdue first, then available, then retired."""
    with store.read() as session:
        return list_loaners(session, now or utcnow(), limit=limit, offset=offset)
