"""Report schedules per service contract for the staff desktop (issue 20 item 1): which
reports a contract promises, to whom, from how much data and when its summary comes —
read and changed as `fieldapp-archive schedules` does. Staff and admin only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from fieldapp.archive.deps import CurrentActor, SessionDep
from fieldapp.archive.errors import Forbidden
from fieldapp.archive.reports.schedules import (
    contract_by_number,
    recipients_of,
    reset_schedule,
    schedule_of,
    schedule_row,
    set_schedule,
)
from fieldapp.archive.rules import Actor
from fieldapp.archive.schemas import ErrorOut
from fieldapp.store.models import Contract, Customer

router = APIRouter(prefix="/schedules", tags=["reports"])
_REFUSALS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut}}


class Recipient(BaseModel):
    zh: str
    en: str


class ScheduleOut(BaseModel):
    contract: str
    customer: str
    starts_on: str
    ends_on: str
    kinds: list[str]
    recipients: list[str]  # as set; empty: the defaults
    recipients_in_effect: list[Recipient]
    min_coverage_percent: int
    min_requests: int
    contract_end_days: int
    mail: bool  # made reports e-mailed to the recipients with an address
    default: bool  # True: nothing set for the contract, the defaults apply
    updated_by: str
    updated_at: str | None


class ScheduleList(BaseModel):
    schedules: list[ScheduleOut]


class ScheduleIn(BaseModel):
    """What to change; a field left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    kinds: list[str] | None = None
    recipients: list[str] | None = None
    min_coverage_percent: int | None = None
    min_requests: int | None = None
    contract_end_days: int | None = None
    mail: bool | None = None
    updated_by: str = Field(min_length=1, max_length=100)


def _staff_only(actor: Actor) -> None:
    if not actor.sees_everything:
        raise Forbidden("只有服务中心可以查看和修改报告计划。",
                        "Only the service centre sees and changes report schedules.")


def _out(session: Any, contract: Contract) -> ScheduleOut:
    schedule = schedule_of(session, contract.id)
    return ScheduleOut(**schedule_row(contract, schedule,
                                      recipients_of(session, contract.customer, schedule)))


@router.get("", response_model=ScheduleList, responses=_REFUSALS)
def list_schedules(actor: CurrentActor, session: SessionDep,
                   customer: Annotated[str | None, Query(max_length=32)] = None
                   ) -> ScheduleList:
    """Every contract's schedule (`?customer=CODE`: that customer's contracts)."""
    _staff_only(actor)
    query = select(Contract).join(Customer).order_by(Customer.code, Contract.starts_on)
    if customer:
        query = query.where(Customer.code == customer.strip())
    return ScheduleList(schedules=[_out(session, c) for c in session.scalars(query)])


@router.get("/{contract_number}", response_model=ScheduleOut, responses=_REFUSALS)
def get_schedule(contract_number: str, actor: CurrentActor, session: SessionDep
                 ) -> ScheduleOut:
    _staff_only(actor)
    return _out(session, contract_by_number(session, contract_number))


@router.put("/{contract_number}", response_model=ScheduleOut,
            responses={**_REFUSALS, 422: {"model": ErrorOut}})
def put_schedule(contract_number: str, body: ScheduleIn, actor: CurrentActor,
                 session: SessionDep) -> ScheduleOut:
    """Change the contract's schedule; 422 (zh/en) for an unknown kind or a value out of
    range, nothing changed then."""
    _staff_only(actor)
    contract, _ = set_schedule(
        session, contract_number, updated_by=body.updated_by,
        kinds=tuple(body.kinds) if body.kinds is not None else None,
        recipients=tuple(body.recipients) if body.recipients is not None else None,
        min_coverage_percent=body.min_coverage_percent, min_requests=body.min_requests,
        contract_end_days=body.contract_end_days, mail=body.mail)
    return _out(session, contract)


@router.delete("/{contract_number}", response_model=ScheduleOut, responses=_REFUSALS)
def delete_schedule(contract_number: str, actor: CurrentActor, session: SessionDep
                    ) -> ScheduleOut:
    """Back to the defaults; the schedule now in effect."""
    _staff_only(actor)
    return _out(session, reset_schedule(session, contract_number))
