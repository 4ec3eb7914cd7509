from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from fieldapp.archive.deps import CurrentActor, SessionDep
from fieldapp.archive.feed import visible_slip
from fieldapp.archive.files.checks import StoreCheck
from fieldapp.archive.files.uploads import uploads_of
from fieldapp.archive.models import Role
from fieldapp.archive.schemas import ErrorOut, RecordOut, SlipOut
from fieldapp.archive.seal_keys import ArchiveKeys
from fieldapp.base.errors import NotFound
from fieldapp.seal.sealing import verify_slip
from fieldapp.store.models import Slip

router = APIRouter(prefix="/slips", tags=["slips"])


@router.get("/{slip_id}", response_model=SlipOut,
            responses={401: {"model": ErrorOut}, 404: {"model": ErrorOut}})
def get_slip(slip_id: uuid.UUID, actor: CurrentActor, session: SessionDep,
             request: Request) -> SlipOut:
    """One slip as stored, with the archive's own check of its seal: the attached files a
    format-4 seal names are re-hashed on the archive's file store too."""
    record = None if actor.user.role == Role.CUSTOMER else visible_slip(
        session, actor=actor, slip_id=slip_id)
    if record is None:  # not there, or not yours: the same answer
        raise NotFound("找不到该服务单。", "No such slip.")
    check = verify_slip(session.get_one(Slip, slip_id), ArchiveKeys(session),
                        files=StoreCheck(uploads_of(request).store))
    return SlipOut(record=RecordOut(**record), sealed=check.sealed, seal_ok=check.ok,
                   problems_zh=[p[0] for p in check.problems],
                   problems_en=[p[1] for p in check.problems])
