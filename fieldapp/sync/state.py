"""Named sync values on the laptop (`sync_state`): pull cursor, last success, clock skew."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fieldapp.store.models import SyncState

CURSOR = "pull_cursor"
LAST_SUCCESS = "last_success_at"
CLOCK_SKEW = "clock_skew_seconds"
SERVER_TIME = "server_time"
SERVER_URL = "server_url"
# "1" from the start of a full re-sync until its pull reaches the end: the pull then
# asks for what this laptop pushed too (fieldapp.sync.resync)
FULL_PULL = "full_pull"


def get(session: Session, key: str, default: str = "") -> str:
    row = session.get(SyncState, key)
    return row.value if row is not None else default


def put(session: Session, key: str, value: str) -> None:
    row = session.get(SyncState, key)
    if row is None:
        session.add(SyncState(key=key, value=value))
    else:
        row.value = value
    session.flush()


def cursor(session: Session) -> int:
    try:
        return int(get(session, CURSOR, "0"))
    except ValueError:
        return 0
