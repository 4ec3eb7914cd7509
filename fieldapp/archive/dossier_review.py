"""The centre's review of dossier submissions (R2.5), as the archive's CLI and staff API
make it: `services.dossier.review` writes the review events and this puts each on the
pull feed in the same transaction, so the engineer's laptop receives the verdict (a
returned submission with its comment) on its next pull."""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime

from sqlalchemy.orm import Session

from fieldapp.archive import crud
from fieldapp.archive.db import Database, lock_change_log
from fieldapp.services import dossier as service


class InSession:
    """The request's own transaction as the services' `Transactions` (an API route holds
    the write transaction already: a second one would wait for it)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def write(self) -> AbstractContextManager[Session]:
        return nullcontext(self.session)

    def read(self) -> AbstractContextManager[Session]:
        return nullcontext(self.session)


def review(db: Database | InSession, reference: str, *, verdict: str, reviewer: str,
           comment: str, actor_code: str, now: datetime) -> int:
    """How many waiting submissions of the record got the verdict."""
    def to_feed(session: Session, event_id: uuid.UUID) -> None:
        lock_change_log(session)
        crud.record_change(session, table="events", record_id=event_id, now=now)

    return service.review(db, reference, verdict=verdict, reviewer=reviewer, comment=comment,
                          actor_code=actor_code, now=now, then=to_feed)
