"""What can go wrong in a sync, as errors a user can act on (zh + en message).

    SyncError            the round could not finish
    ├── OfflineError     the archive cannot be reached (no network, server down, timeout)
    ├── AuthRequired     no token, or the token was revoked: run `fieldapp login` again
    ├── JoinChoiceNeeded a pull met records made here before joining (demo data…): the
    │                    user must choose what becomes of them (`fieldapp login
    │                    --keep-local` / `--fresh-store`; in the desktop, the service centre)
    └── ServerError      the archive answered with an error (4xx/5xx)

The messages speak the command line's terms (`fieldapp login`); the desktop app, which
has no such command, says what to do in its own terms by the error's class
(`ui/sync/sync_badge.py`).

Apart from the HTTP client so that code which only handles them (the desktop app's start,
the sync round) does not import httpx.
"""

from __future__ import annotations

from fieldapp.base.errors import FieldappError


class SyncError(FieldappError):
    pass


class OfflineError(SyncError):
    pass


class AuthRequired(SyncError):
    pass


class JoinChoiceNeeded(SyncError):
    pass


class ServerError(SyncError):
    def __init__(self, status: int, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.status = status
