"""Each sync round rechecks a window of this laptop's sealed slips and reports to the
archive any that fail (docs/seal.md, "Tamper shows everywhere").

A slip changed on the laptop after the archive received it is never pushed again (sealed
rows are not), so without this the archive would not hear of it. The window moves on
each round (`seal_check_after` in sync_state) and starts over at the end. A round checks
slips in chunks of CHUNK for at most BUDGET seconds (at least one chunk, at most WINDOW
slips): rechecking a fixed window of 200 at ~2 ms a slip kept an empty round at 75-90 ms
(and over 500 ms on a loaded machine) against its 50 ms target. Every sealed slip is
still rechecked, over more rounds; a store of a few dozen slips in every round.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import select

from fieldapp.seal.seal_marks import tampered_among
from fieldapp.store import Store
from fieldapp.store.models import Slip
from fieldapp.sync import state
from fieldapp.sync.errors import ServerError

if TYPE_CHECKING:  # httpx: imported where a round runs, not with the desktop's start
    from fieldapp.sync.client import ArchiveClient

log = logging.getLogger("fieldapp.sync")

WINDOW = 200  # slips at most per round
CHUNK = 20  # slips checked at a time (at least one chunk a round)
BUDGET = 0.015  # seconds of checking per round, after the first chunk
CHECKED_UP_TO = "seal_check_after"


def report_tampered_slips(store: Store, client: ArchiveClient) -> int:
    """How many tampered slips this round found (and reported)."""
    started = time.perf_counter()
    found: dict[uuid.UUID, list[tuple[str, str]]] = {}
    numbers: dict[uuid.UUID, str] = {}
    with store.read() as session:
        after = state.get(session, CHECKED_UP_TO)
        checked, end = 0, False
        while checked < WINDOW:
            query = select(Slip.id, Slip.number).where(Slip.seal.is_not(None))
            if after:
                query = query.where(Slip.id > uuid.UUID(after))
            rows = session.execute(query.order_by(Slip.id).limit(CHUNK)).all()
            found.update(tampered_among(store, session, [row.id for row in rows]))
            numbers.update((row.id, row.number) for row in rows)
            checked += len(rows)
            if len(rows) < CHUNK:
                end = True
                break
            after = str(rows[-1].id)
            if time.perf_counter() - started > BUDGET:
                break
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
        state.put(session, CHECKED_UP_TO, "" if end else after or "")
    return len(reports)
