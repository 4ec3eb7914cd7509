"""Staff make an ad-hoc service analysis report from the desktop (issue 20 item 3): the
same engine and store as `fieldapp-archive reports make` (`staff_report`), so the report
is on the customer's portal at once; a report's versions (issue 20 item 2) and the
periodic reports waiting for enough data. Staff and admin only."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from fieldapp.archive.deps import CurrentActor, SessionDep
from fieldapp.archive.errors import Forbidden
from fieldapp.archive.reports import get_report, list_skips, staff_report
from fieldapp.archive.reports.figures import Figures
from fieldapp.archive.reports.models import ReportSkip
from fieldapp.archive.reports.schedules import shortfall
from fieldapp.archive.reports.versions import versions
from fieldapp.archive.rules import Actor
from fieldapp.archive.schemas import ErrorOut
from fieldapp.base.errors import NotFound
from fieldapp.store.models import Customer

router = APIRouter(prefix="/reports", tags=["reports"])


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_code: str = Field(min_length=1, max_length=40)
    period_start: date
    period_end: date
    requested_by: str = Field(min_length=1, max_length=100)


class ReportOut(BaseModel):
    id: str
    made: bool  # False: that customer's report for that period existed already
    kind: str
    customer_code: str
    customer_name: str
    period_start: date
    period_end: date
    requests: int


@router.post("", response_model=ReportOut,
             responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut},
                        404: {"model": ErrorOut}, 422: {"model": ErrorOut}})
def make_report(body: ReportIn, actor: CurrentActor, session: SessionDep) -> ReportOut:
    """Make (or find) the customer's report for the period; 404 for an unknown customer,
    422 (zh/en) for a period that is reversed, in the future or too long."""
    _staff_only(actor)
    report, made = staff_report(session, body.customer_code, body.period_start,
                                body.period_end, body.requested_by)
    fig = Figures.from_json(report.figures)
    return ReportOut(id=str(report.id), made=made, kind=report.kind,
                     customer_code=fig.customer_code, customer_name=fig.customer_name,
                     period_start=report.period_start, period_end=report.period_end,
                     requests=fig.requests_total)


def _staff_only(actor: Actor) -> None:
    if not actor.sees_everything:
        raise Forbidden("只有服务中心可以生成报告。", "Only the service centre makes reports.")


class VersionOut(BaseModel):
    version: int
    created_at: datetime
    change_zh: str  # what moved since the version before; "" for version 1
    change_en: str
    requests: int


class VersionList(BaseModel):
    id: str
    kind: str
    period_start: date
    period_end: date
    versions: list[VersionOut]  # newest first


@router.get("/{report_id}/versions", response_model=VersionList,
            responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut},
                       404: {"model": ErrorOut}})
def report_versions(report_id: str, actor: CurrentActor, session: SessionDep) -> VersionList:
    """A report's versions, newest first, each with what changed; 404 for no such report."""
    _staff_only(actor)
    report = get_report(session, report_id)
    return VersionList(id=str(report.id), kind=report.kind, period_start=report.period_start,
                       period_end=report.period_end, versions=[
                           VersionOut(version=v.version, created_at=v.created_at,
                                      change_zh=v.change_zh, change_en=v.change_en,
                                      requests=Figures.from_json(v.figures).requests_total)
                           for v in versions(session, report)])


class WaitingOut(BaseModel):
    customer_code: str
    kind: str
    period_start: date
    period_end: date
    covered_days: int
    period_days: int
    requests: int
    min_coverage_percent: int
    min_requests: int
    zh: str  # 数据不足，暂不出具：…
    en: str


class WaitingList(BaseModel):
    waiting: list[WaitingOut]


@router.get("/waiting", response_model=WaitingList,
            responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut},
                       404: {"model": ErrorOut}})
def waiting(actor: CurrentActor, session: SessionDep,
            customer: Annotated[str | None, Query(max_length=32)] = None) -> WaitingList:
    """Periodic reports not issued for want of data (数据不足), latest period first."""
    _staff_only(actor)
    customer_id: uuid.UUID | None = None
    if customer:
        customer_id = session.scalar(select(Customer.id).where(Customer.code == customer))
        if customer_id is None:
            raise NotFound(f"档案中没有客户 {customer}。",
                           f"The archive has no customer {customer}.")
    codes = dict(session.execute(select(Customer.id, Customer.code)).all())
    return WaitingList(waiting=[_waiting(s, codes.get(s.customer_id, "?"))
                                for s in list_skips(session, customer_id=customer_id)])


def _waiting(skip: ReportSkip, code: str) -> WaitingOut:
    numbers = (skip.covered_days, skip.period_days, skip.requests, skip.min_coverage_percent,
               skip.min_requests)
    return WaitingOut(customer_code=code, kind=skip.kind, period_start=skip.period_start,
                      period_end=skip.period_end, covered_days=skip.covered_days,
                      period_days=skip.period_days, requests=skip.requests,
                      min_coverage_percent=skip.min_coverage_percent,
                      min_requests=skip.min_requests, zh=shortfall(*numbers, "zh"),
                      en=shortfall(*numbers, "en"))
