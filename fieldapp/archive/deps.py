"""Request dependencies: the database session and the authenticated device."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from fieldapp.archive import crud
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.db import Database
from fieldapp.archive.rules import Actor, actor_for
from fieldapp.base.timeutil import utcnow

_bearer = HTTPBearer(auto_error=False, description="The device token from /auth/login")


# Starlette's `app.state` holds Any: these two name what create_app put there.
def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> ArchiveSettings:
    settings: ArchiveSettings = request.app.state.settings
    return settings


def client_address(request: Request) -> str:
    # Behind nginx, uvicorn --proxy-headers puts the X-Forwarded-For address here.
    return request.client.host if request.client else "unknown"


def get_session(db: Annotated[Database, Depends(get_db)]) -> Iterator[Session]:
    """One transaction per request: committed if the route returns, else rolled back."""
    with db.write() as session:
        yield session


# scope="function": the transaction commits before the response leaves, so an answer of
# "accepted" is never sent for something that was not stored (principle 4).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[ArchiveSettings, Depends(get_settings)]
DbDep = Annotated[Database, Depends(get_db)]


def get_actor(session: SessionDep,
              credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
              ) -> Actor:
    if credentials is None or not credentials.credentials:
        raise crud.AuthError("请先登录（fieldapp login）。", "Log in first (fieldapp login).")
    device, user = crud.device_for_token(session, token=credentials.credentials)
    device.last_seen_at = utcnow()
    return actor_for(session, user, device)


CurrentActor = Annotated[Actor, Depends(get_actor)]
