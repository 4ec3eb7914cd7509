"""Whose work a request is now: the work recorded on a request — its slips, repair orders
and the events about it or its repair — is accepted from the engineer the archive has
it assigned to, and from the service centre (R2.1; issue 19, item 3).

Judged by the archive's current assignment (fieldapp.workflows.request_state: the last
`request.reassigned` event, else the engineer assigned when it was taken, else the
engineer of its first slip), never by what the laptop believed: a laptop that still
holds a request taken away from its engineer cannot close it. A request nobody is
assigned to is its taker's. Refused records stay on the laptop with the reason below.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.rules import Actor, Reason
from fieldapp.store.models import ServiceRequest
from fieldapp.store.values import SubjectType
from fieldapp.workflows.request_state import derive_many

_CHUNK = 500
# events about these subjects are work on the request (loaners, questions and
# complaints have owners of their own)
_WORK_SUBJECTS = (SubjectType.REQUEST, SubjectType.REPAIR)


@dataclass(frozen=True)
class _Assignment:
    number: str
    taken_by: str
    assignee_id: uuid.UUID | None
    assignee_code: str | None


def request_of(table: str, row: dict[str, Any]) -> uuid.UUID | None:
    """The request this record is work on, if it is work on a request at all."""
    if table == "events" and row.get("subject_type") not in _WORK_SUBJECTS:
        return None
    if table not in ("slips", "repair_orders", "events"):
        return None
    try:
        value = row.get("request_id")
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


class Assignments:
    """The current assignment of the requests a batch works on, read in one go and read
    again after a record of the batch changed it (`forget`). `before_read` writes what
    the batch has queued, so a read sees the batch's own earlier records."""

    def __init__(self, session: Session, actor: Actor,
                 before_read: Callable[[], None]) -> None:
        self.session, self.actor, self.before_read = session, actor, before_read
        self._known: dict[uuid.UUID, _Assignment | None] = {}
        self._wanted: set[uuid.UUID] = set()

    def want(self, request_ids: Iterable[uuid.UUID | None]) -> None:
        """Requests the batch refers to: read together on the first question."""
        self._wanted.update(r for r in request_ids if r is not None)

    def forget(self, request_id: uuid.UUID | None) -> None:
        if request_id is not None:
            self._known.pop(request_id, None)
            self._wanted.add(request_id)

    def refusal(self, table: str, row: dict[str, Any]) -> Reason | None:
        """None if the actor may record this work; else why not."""
        if self.actor.sees_everything:
            return None
        request_id = request_of(table, row)
        if request_id is None:
            return None
        assignment = self._get(request_id)
        if assignment is None:
            return None  # not in the archive: the record's own checks say so
        me, code = self.actor.engineer_id, self.actor.user.engineer_code
        if assignment.assignee_id is not None and assignment.assignee_id == me:
            return None
        if assignment.assignee_id is None and code and assignment.taken_by == code:
            return None
        return _not_assigned(assignment, code)

    def _get(self, request_id: uuid.UUID) -> _Assignment | None:
        if request_id not in self._known:
            self.before_read()
            self._load({request_id} | (self._wanted - self._known.keys()))
        return self._known[request_id]

    def _load(self, request_ids: set[uuid.UUID]) -> None:
        todo = sorted(request_ids)
        for start in range(0, len(todo), _CHUNK):
            chunk = todo[start:start + _CHUNK]
            rows = list(self.session.execute(
                select(ServiceRequest.id, ServiceRequest.number, ServiceRequest.status,
                       ServiceRequest.assigned_engineer_id, ServiceRequest.taken_by)
                .where(ServiceRequest.id.in_(chunk))))
            derived = derive_many(self.session, [(r.id, r.status, r.assigned_engineer_id)
                                                 for r in rows])
            for request_id in chunk:
                self._known[request_id] = None
            for r in rows:
                d = derived[r.id]
                self._known[r.id] = _Assignment(r.number, r.taken_by or "", d.assignee_id,
                                                d.assignee_code)
        self._wanted -= request_ids


def _not_assigned(assignment: _Assignment, me: str) -> Reason:
    number = assignment.number
    if assignment.assignee_code:
        holder_zh, holder_en = f"现由 {assignment.assignee_code} 负责", (
            f"is assigned to {assignment.assignee_code}")
    else:
        holder_zh, holder_en = "尚未指派给您", "is not assigned to you"
    return ("not_assigned",
            f"服务请求 {number} {holder_zh}，{me} 不能为它上传服务单、送修单或事件。"
            "如确由您处理，请服务中心改派给您后重试（fieldapp sync --retry-refused）。",
            f"Service request {number} {holder_en}; {me} may not record slips, repair "
            "orders or events on it. If it is yours, ask the service centre to reassign it "
            "to you, then retry (fieldapp sync --retry-refused).")
