from __future__ import annotations

from fastapi import APIRouter

from fieldapp.archive import crud
from fieldapp.archive.deps import CurrentActor, SessionDep
from fieldapp.archive.models import User
from fieldapp.archive.schemas import ErrorOut, LoginIn, LoginOut, MeOut, UserOut
from fieldapp.timeutil import utcnow

router = APIRouter(prefix="/auth", tags=["auth"])
UNAUTHORIZED = {401: {"model": ErrorOut}}


def user_out(user: User) -> UserOut:
    return UserOut(name=user.name, role=user.role, engineer_code=user.engineer_code,
                   customer_code=user.customer_code)


@router.post("/login", response_model=LoginOut, responses=UNAUTHORIZED)
def login(body: LoginIn, session: SessionDep) -> LoginOut:
    """Enrol a laptop: name and password in, a revocable device token out (shown once)."""
    user = crud.authenticate(session, name=body.user, password=body.password)
    device, token = crud.enrol_device(session, user=user, label=body.device_label)
    session.commit()  # here, not in the teardown: it holds the enrolment lock (see push)
    return LoginOut(token=token, device_id=str(device.id), user=user_out(user),
                    server_time=utcnow(), number_block=device.number_block)


@router.get("/me", response_model=MeOut, responses=UNAUTHORIZED)
def me(actor: CurrentActor) -> MeOut:
    return MeOut(user=user_out(actor.user), device_id=str(actor.device.id),
                 device_label=actor.device.label)


@router.post("/logout", status_code=204, responses=UNAUTHORIZED)
def logout(actor: CurrentActor, session: SessionDep) -> None:
    """Revoke this laptop's own token."""
    crud.revoke_device(session, device_id=actor.device.id)
