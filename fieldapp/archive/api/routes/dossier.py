"""The group dossier's review for staff (R2.5, issue 20 item 6): what engineers submitted
and the centre has not reviewed yet, and the verdict on a record's waiting submissions
(reviewed, or returned with a comment the engineer reads after a pull). Staff and admin
only; engineers and customers get 403."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from fieldapp.archive import dossier_review
from fieldapp.archive.deps import CurrentActor, SessionDep
from fieldapp.archive.errors import Forbidden
from fieldapp.archive.rules import Actor
from fieldapp.archive.schemas import ErrorOut
from fieldapp.base.timeutil import utcnow
from fieldapp.services import dossier as service

router = APIRouter(prefix="/dossier", tags=["dossier"])
_REFUSALS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut}, 403: {"model": ErrorOut}}


class PendingOut(BaseModel):
    reference: str
    kind_zh: str
    kind_en: str
    customer_code: str
    customer_name: str
    by: str
    at: datetime
    text: str
    waiting: int


class PendingList(BaseModel):
    pending: list[PendingOut]


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: str = Field(min_length=1, max_length=64)
    verdict: Literal["reviewed", "returned"]
    reviewer: str = Field(min_length=1, max_length=100)
    comment: str = Field(default="", max_length=5000)


class ReviewOut(BaseModel):
    reviewed: int


def _staff_only(actor: Actor) -> None:
    if not actor.sees_everything:
        raise Forbidden("只有服务中心可以审核客户档案。",
                        "Only the service centre reviews the dossier.")


@router.get("/pending", response_model=PendingList, responses=_REFUSALS)
def get_pending(actor: CurrentActor, session: SessionDep) -> PendingList:
    """Records with submissions awaiting review, oldest first (200 at most)."""
    _staff_only(actor)
    return PendingList(pending=[PendingOut(
        reference=p.reference, kind_zh=p.kind[0], kind_en=p.kind[1],
        customer_code=p.customer_code, customer_name=p.customer_name, by=p.by, at=p.at,
        text=p.text, waiting=p.waiting)
        for p in service.pending(dossier_review.InSession(session))])


@router.post("/review", response_model=ReviewOut,
             responses={**_REFUSALS, 404: {"model": ErrorOut}, 422: {"model": ErrorOut}})
def post_review(body: ReviewIn, actor: CurrentActor, session: SessionDep) -> ReviewOut:
    """The verdict on every waiting submission of the record `reference` names (a number
    W-…/J-… or a tracking note's id); 404 for none, 422 when nothing waits or a return
    has no comment."""
    _staff_only(actor)
    code = actor.user.engineer_code or service.CENTRE_CODE
    return ReviewOut(reviewed=dossier_review.review(
        dossier_review.InSession(session), body.reference, verdict=body.verdict,
        reviewer=body.reviewer, comment=body.comment, actor_code=code, now=utcnow()))
