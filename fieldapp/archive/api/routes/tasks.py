"""Tasks for staff laptops (issue 20 item 5): what the archive's scan made for account
managers and the centre (`fieldapp.archive.tasks`), listed and marked done from the
desktop. Staff and admin only; engineers and customers get 403."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from fieldapp.archive.deps import CurrentActor, SessionDep
from fieldapp.archive.errors import Forbidden
from fieldapp.archive.rules import Actor
from fieldapp.archive.schemas import ErrorOut
from fieldapp.archive.tasks import TaskView, list_tasks, mark_done

router = APIRouter(prefix="/tasks", tags=["tasks"])
_REFUSALS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut}, 403: {"model": ErrorOut}}


class TaskOut(BaseModel):
    number: int
    cause: str  # finding / sla / complaint
    customer_code: str
    customer_name: str
    assignee: str  # "": the service centre
    reference: str
    title_zh: str
    title_en: str
    created_at: datetime
    done_at: datetime | None
    done_by: str


class TaskList(BaseModel):
    tasks: list[TaskOut]


class DoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    done_by: str = Field(min_length=1, max_length=100)


def _staff_only(actor: Actor) -> None:
    if not actor.sees_everything:
        raise Forbidden("只有服务中心可以查看和处理任务。",
                        "Only the service centre sees and handles tasks.")


def _out(task: TaskView) -> TaskOut:
    return TaskOut(number=task.number, cause=task.cause, customer_code=task.customer_code,
                   customer_name=task.customer_name, assignee=task.assignee,
                   reference=task.reference, title_zh=task.title_zh, title_en=task.title_en,
                   created_at=task.created_at, done_at=task.done_at, done_by=task.done_by)


@router.get("", response_model=TaskList, responses=_REFUSALS)
def get_tasks(actor: CurrentActor, session: SessionDep,
              open_only: Annotated[bool, Query(alias="open")] = False) -> TaskList:
    """Newest first (500 at most); `?open=true`: only those not done."""
    _staff_only(actor)
    return TaskList(tasks=[_out(t) for t in list_tasks(session, open_only=open_only)])


@router.post("/{number}/done", response_model=TaskOut,
             responses={**_REFUSALS, 404: {"model": ErrorOut}, 409: {"model": ErrorOut},
                        422: {"model": ErrorOut}})
def task_done(number: int, body: DoneIn, actor: CurrentActor, session: SessionDep) -> TaskOut:
    """Mark it done by `done_by`, now; 404 for no such task, 409 when it is done already."""
    _staff_only(actor)
    return _out(mark_done(session, number, done_by=body.done_by))
