"""Tasks for staff laptops (issue 20 item 5): what the archive's scan made for account
managers and the centre (`fieldapp.archive.tasks`), listed and marked done from the
desktop. Staff and admin only; engineers and customers get 403."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from fieldapp.archive.deps import CurrentActor, SessionDep
from fieldapp.archive.errors import Forbidden
from fieldapp.archive.rules import Actor
from fieldapp.archive.schemas import ErrorOut
from fieldapp.archive.tasks import list_tasks, mark_done
from fieldapp.reads.tasks import TaskRow, task_row

router = APIRouter(prefix="/tasks", tags=["tasks"])
_REFUSALS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut}, 403: {"model": ErrorOut}}


class TaskList(BaseModel):
    tasks: list[TaskRow]


class DoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    done_by: str = Field(min_length=1, max_length=100)


def _staff_only(actor: Actor) -> None:
    if not actor.sees_everything:
        raise Forbidden("只有服务中心可以查看和处理任务。",
                        "Only the service centre sees and handles tasks.")


@router.get("", response_model=TaskList, responses=_REFUSALS)
def get_tasks(actor: CurrentActor, session: SessionDep,
              open_only: Annotated[bool, Query(alias="open")] = False) -> TaskList:
    """Newest first (500 at most); `?open=true`: only those not done."""
    _staff_only(actor)
    return TaskList(tasks=[task_row(t) for t in list_tasks(session, open_only=open_only)])


@router.post("/{number}/done", response_model=TaskRow,
             responses={**_REFUSALS, 404: {"model": ErrorOut}, 409: {"model": ErrorOut},
                        422: {"model": ErrorOut}})
def task_done(number: int, body: DoneIn, actor: CurrentActor, session: SessionDep) -> TaskRow:
    """Mark it done by `done_by`, now; 404 for no such task, 409 when it is done already."""
    _staff_only(actor)
    return task_row(mark_done(session, number, done_by=body.done_by))
