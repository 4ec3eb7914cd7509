"""Each sync round rechecks a window of this laptop's sealed slips and reports to the
archive any that fail (docs/seal.md, "Tamper shows everywhere").

A slip changed on the laptop after the archive received it is never pushed again (sealed
rows are not), so without this the archive would not hear of it. The window moves on
each round (`seal_check_after` in sync_state) and starts over at the end: every sealed
slip is rechecked every n/WINDOW rounds, at ~2 ms a slip.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select

from fieldapp.seal.seal_marks import tampered_among
from fieldapp.store import Store
from fieldapp.store.models import Slip
from fieldapp.sync import state
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.errors import ServerError

log = logging.getLogger("fieldapp.sync")

WINDOW = 200
CHECKED_UP_TO = "seal_check_after"


def report_tampered_slips(store: Store, client: ArchiveClient) -> int:
    """How many tampered slips this round found (and reported)."""
    with store.read() as session:
        after = state.get(session, CHECKED_UP_TO)
        query = select(Slip.id, Slip.number).where(Slip.seal.is_not(None))
        if after:
            query = query.where(Slip.id > uuid.UUID(after))
        rows = session.execute(query.order_by(Slip.id).limit(WINDOW)).all()
        found = tampered_among(store, session, [row.id for row in rows])
    numbers = {row.id: row.number for row in rows}
    reports = [{"slip_id": str(slip_id), "number": numbers[slip_id],
                "problems": [en for _zh, en in problems][:20]}
               for slip_id, problems in found.items()]
    if reports:
        try:
            client.report_tampered(reports)
        except ServerError as exc:  # an archive older than this report: checked again later
            log.warning("tampered slips not reported: HTTP %s", exc.status)
            return len(reports)
    with store.write() as session:
        state.put(session, CHECKED_UP_TO, str(rows[-1].id) if len(rows) == WINDOW else "")
    return len(reports)
