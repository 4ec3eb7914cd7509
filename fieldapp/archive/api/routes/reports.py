"""Staff make an ad-hoc service analysis report from the desktop (issue 20 item 3): the
same engine and store as `fieldapp-archive reports make` (`staff_report`), so the report
is on the customer's portal at once. Staff and admin only."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from fieldapp.archive.deps import CurrentActor, SessionDep
from fieldapp.archive.errors import Forbidden
from fieldapp.archive.reports import staff_report
from fieldapp.archive.reports.figures import Figures
from fieldapp.archive.schemas import ErrorOut

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
    if not actor.sees_everything:
        raise Forbidden("只有服务中心可以生成报告。", "Only the service centre makes reports.")
    report, made = staff_report(session, body.customer_code, body.period_start,
                                body.period_end, body.requested_by)
    fig = Figures.from_json(report.figures)
    return ReportOut(id=str(report.id), made=made, kind=report.kind,
                     customer_code=fig.customer_code, customer_name=fig.customer_name,
                     period_start=report.period_start, period_end=report.period_end,
                     requests=fig.requests_total)
