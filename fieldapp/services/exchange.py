"""Slips to and from a JSON file (format `fieldapp-slips`, docs/json-format.md), as
services: `fieldapp slips export` and `fieldapp slips import` call them.

The format and its checks are `fieldapp.tools.exchange`; here each call owns its
transaction, so an import is stored whole or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from fieldapp.base.timeutil import utcnow
from fieldapp.records.slips import get_slip
from fieldapp.store import Store
from fieldapp.store.models import Slip
from fieldapp.tools import exchange
from fieldapp.tools.exchange import ImportReport

__all__ = ["ImportReport", "export_slips", "import_slips"]


def export_slips(store: Store, numbers: Sequence[str] = ()) -> tuple[int, str]:
    """The slips named (all, oldest first, when none is) as the export's JSON text, and
    how many slips were chosen."""
    with store.read() as session:
        chosen = ([get_slip(session, n) for n in numbers] if numbers
                  else list(session.scalars(select(Slip).order_by(Slip.created_at))))
        return len(chosen), exchange.dumps(exchange.export_slips(session, chosen))


def import_slips(store: Store, data: Any) -> ImportReport:
    """Import a parsed export: every row checked by its record rule, records already
    here skipped; a refusal (ValidationError naming the row) stores nothing."""
    with store.write() as session:
        return exchange.import_slips(session, data, now=utcnow())
