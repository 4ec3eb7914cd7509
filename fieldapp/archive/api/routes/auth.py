from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from fieldapp.archive import crud, login_throttle
from fieldapp.archive.deps import CurrentActor, DbDep, SessionDep, SettingsDep, client_address
from fieldapp.archive.errors import Forbidden, TooManyAttempts
from fieldapp.archive.models import Role, User
from fieldapp.archive.receipts import archive_key
from fieldapp.archive.schemas import (
    ErrorOut,
    LoginIn,
    LoginOut,
    MeOut,
    SealKeyIn,
    SealKeyOut,
    UserOut,
)
from fieldapp.archive.seal_keys import register_key, revoked_keys
from fieldapp.base.timeutil import utcnow

router = APIRouter(prefix="/auth", tags=["auth"])
# (FastAPI types `responses` as dict[int | str, dict[str, Any]])
UNAUTHORIZED: dict[int | str, dict[str, Any]] = {401: {"model": ErrorOut}}
LOGIN_ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ErrorOut}, 429: {"model": ErrorOut}}


def user_out(user: User) -> UserOut:
    return UserOut(name=user.name, role=user.role, engineer_code=user.engineer_code,
                   customer_code=user.customer_code)


@router.post("/login", response_model=LoginOut, responses=LOGIN_ERRORS)
def login(body: LoginIn, request: Request, db: DbDep, settings: SettingsDep) -> LoginOut:
    """Enrol a laptop: name and password in, a revocable device token out (shown once).
    Throttled with every other login (fieldapp.archive.login_throttle); customer
    accounts are refused here like a wrong password: they use the portal."""
    attempt = login_throttle.Attempt(name=body.user, password=body.password,
                                     address=client_address(request), channel="api",
                                     roles=login_throttle.LAPTOP)
    # Its own transaction, not the request's: a refusal is counted, then raised. It
    # commits here, on this thread: enrolling holds the enrolment lock (see push).
    with db.write() as session:
        outcome = login_throttle.attempt_login(
            session, attempt, limits=login_throttle.Limits.from_settings(settings),
            now=utcnow())
        if outcome.user is not None:
            device, token = crud.enrol_device(session, user=outcome.user,
                                              label=body.device_label)
            answer = LoginOut(token=token, device_id=str(device.id),
                              user=user_out(outcome.user), server_time=utcnow(),
                              number_block=device.number_block)
    if outcome.locked_until is not None:
        raise TooManyAttempts(outcome.locked_until)
    if outcome.user is None:
        raise crud.AuthError("用户名或密码错误，或该账号不能在此登录。",
                             "Wrong user name or password, or this account cannot log in here.")
    return answer


@router.get("/me", response_model=MeOut, responses=UNAUTHORIZED)
def me(actor: CurrentActor) -> MeOut:
    return MeOut(user=user_out(actor.user), device_id=str(actor.device.id),
                 device_label=actor.device.label)


@router.post("/logout", status_code=204, responses=UNAUTHORIZED)
def logout(actor: CurrentActor, session: SessionDep) -> None:
    """Revoke this laptop's own token."""
    crud.revoke_device(session, device_id=actor.device.id)


@router.post("/seal-key", response_model=SealKeyOut, responses=UNAUTHORIZED)
def seal_key(body: SealKeyIn, actor: CurrentActor, session: SessionDep,
             settings: SettingsDep) -> SealKeyOut:
    """Register this laptop's seal-signing public key (idempotent); answers the archive's
    own public key and the revoked keys, which the laptop keeps (docs/seal.md)."""
    if actor.user.role == Role.CUSTOMER:  # customers seal nothing; they use the portal
        raise Forbidden("客户账号请使用客户门户。", "Customer accounts use the customer portal.")
    key = register_key(session, user=actor.user, device=actor.device,
                       public_key=body.public_key)
    mine = archive_key(session, settings)
    answer = SealKeyOut(key_id=key.key_id, archive_key_id=mine.key_id,
                        archive_public_key=mine.public_key, revoked_keys=revoked_keys(session))
    session.commit()
    return answer
