"""What can go wrong in a sync, as errors a user can act on (zh + en message).

    SyncError            the round could not finish
    ├── OfflineError     the archive cannot be reached (no network, server down, timeout)
    ├── AuthRequired     no token, or the token was revoked: run `fieldapp login` again
    └── ServerError      the archive answered with an error (4xx/5xx)

Apart from the HTTP client so that code which only handles them (the desktop app's start,
the sync round) does not import httpx.
"""

from __future__ import annotations

from fieldapp.errors import FieldappError


class SyncError(FieldappError):
    pass


class OfflineError(SyncError):
    pass


class AuthRequired(SyncError):
    pass


class ServerError(SyncError):
    def __init__(self, status: int, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.status = status
