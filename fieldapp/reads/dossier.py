"""A group customer's dossier (客户档案, R2.5) as one read: the main devices under
management with their state, latest history and tracking notes; the problem sets with
their lifecycle and linked requests; the service suggestions with their follow-up —
each with the service centre's review of every submission.

The laptop reads it whole (`facts_only=False`: pending and returned submissions with the
centre's comment). The portal reads the facts (`facts_only=True`): a record or step the
centre has not reviewed is a placeholder labelled 待审核 without its words, one it
returned is left out, and a record's state is the one after its last reviewed step — as
the portal shows a draft slip as in progress without figures.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.i18n import Language, pick
from fieldapp.reads.device_history import (
    DeviceHistory,
    DeviceSummary,
    HistoryEntry,
    device_history,
    device_summary,
)
from fieldapp.records.service_requests import STATUS_LABELS as REQUEST_STATUS
from fieldapp.store.models import Customer, Device
from fieldapp.store.workflow_models import ArchiveEntry, ProblemSet, ServiceSuggestion
from fieldapp.workflows.dossier import (
    REVIEW_LABELS,
    STATUS_LABELS,
    STEP_LABELS,
    DossierState,
    Review,
    Step,
    Verdict,
    customer_problems,
    customer_suggestions,
    entry_state,
    problem_state,
    suggestion_state,
)
from fieldapp.workflows.group_archive import KIND_LABELS, ArchiveEntryKind
from fieldapp.workflows.repair import STATUS_LABELS as REPAIR_STATUS
from fieldapp.workflows.repair import RepairStatus

__all__ = ["DeviceView", "Dossier", "NoteView", "RecordView", "StepView", "dossier"]

LATEST = 3  # history entries shown per device
_OPEN_REQUEST = {pair[0] for key, pair in REQUEST_STATUS.items()
                 if key in ("open", "assigned", "in_progress")}
_BACK = {REPAIR_STATUS[RepairStatus.RETURNED][0], REPAIR_STATUS[RepairStatus.CLOSED_REFUSED][0]}
_PENDING = REVIEW_LABELS[Review.SUBMITTED]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class StepView:
    """One line of history. A placeholder (`pending_only`) carries no words."""

    label: tuple[str, str]
    at: datetime
    by: str
    note: str
    status: tuple[str, str]
    review: str  # Review
    reviewer: str = ""
    comment: str = ""
    linked_number: str = ""
    submission_id: uuid.UUID | None = None
    pending_only: bool = False

    def text(self, language: Language | None = None) -> str:
        return pick(*self.label, language)


@dataclass(frozen=True)
class RecordView:
    """A problem set or a service suggestion."""

    id: uuid.UUID
    number: str
    title: str  # a suggestion: its text
    text: str
    device: str
    at: datetime
    by: str
    status: str
    status_label: tuple[str, str]
    review: str  # the record's own review
    steps: tuple[StepView, ...]
    linked: tuple[str, ...]  # request numbers
    conflicts: tuple[tuple[str, str], ...] = ()
    pending_only: bool = False  # the portal: submitted, not yet reviewed
    linked_ids: tuple[uuid.UUID, ...] = ()  # the same requests' ids, for links

    @property
    def links(self) -> tuple[tuple[str, uuid.UUID], ...]:
        return tuple(zip(self.linked, self.linked_ids, strict=False))

    @property
    def waiting(self) -> int:
        """Submissions awaiting the centre's review."""
        return sum(1 for s in self.steps if s.review == Review.SUBMITTED)

    @property
    def returned(self) -> tuple[StepView, ...]:
        return tuple(s for s in self.steps if s.review == Review.RETURNED)


@dataclass(frozen=True)
class NoteView:
    id: uuid.UUID
    kind_label: tuple[str, str]
    at: datetime
    by: str
    text: str
    review: str
    comment: str = ""
    pending_only: bool = False


@dataclass(frozen=True)
class DeviceView:
    device: DeviceSummary
    state: tuple[str, str]
    open_work: bool  # an open request or a repair in the workshop
    latest: tuple[HistoryEntry, ...]
    notes: tuple[NoteView, ...]


@dataclass(frozen=True)
class Dossier:
    customer_name: str
    is_group: bool
    devices: tuple[DeviceView, ...]
    problems: tuple[RecordView, ...]
    suggestions: tuple[RecordView, ...]
    other_notes: tuple[NoteView, ...]  # tracking notes on no device; older free text


Story = Callable[[DeviceHistory], DeviceHistory]


def dossier(session: Session, customer_id: uuid.UUID, *, facts_only: bool,
            story: Story | None = None, device_limit: int = 100) -> Dossier:
    """`story`: how the caller shows a device's history (the portal hides drafts)."""
    customer = session.get(Customer, customer_id)
    if customer is None or not customer.is_group:
        return Dossier(customer.name if customer else "", False, (), (), (), ())
    notes: dict[uuid.UUID | None, list[NoteView]] = {}
    for entry in session.scalars(select(ArchiveEntry).where(
            ArchiveEntry.customer_id == customer_id)
            .order_by(ArchiveEntry.noted_at.desc(), ArchiveEntry.id)):
        note = _note(entry, entry_state(session, entry), facts_only)
        if note is not None:
            key = entry.device_id if entry.kind == ArchiveEntryKind.DEVICE_TRACKING else None
            notes.setdefault(key, []).append(note)
    devices = session.scalars(select(Device).where(Device.customer_id == customer_id)
                              .order_by(Device.device_type, Device.brand, Device.model,
                                        Device.id).limit(device_limit)).all()
    views = [_device(session, d, tuple(notes.get(d.id, ())), story) for d in devices]
    views.sort(key=lambda v: not v.notes)  # the tracked ones first
    problems = (_record(p, p.title, p.description, p.raised_at, p.raised_by,
                        problem_state(session, p), facts_only)
                for p in customer_problems(session, customer_id))
    suggestions = (_record(s, s.suggestion, s.suggestion, s.proposed_at, s.proposed_by,
                           suggestion_state(session, s), facts_only)
                   for s in customer_suggestions(session, customer_id))
    return Dossier(customer.name, True, tuple(views),
                   tuple(r for r in problems if r is not None),
                   tuple(r for r in suggestions if r is not None), tuple(notes.get(None, ())))


def _device(session: Session, device: Device, notes: tuple[NoteView, ...],
            story: Story | None) -> DeviceView:
    history = device_history(session, device.id)
    if story is not None:
        history = story(history)
    entries = tuple(e for e in history.entries if e.kind != "archive")
    busy = [e for e in entries if (e.kind == "request" and e.status_zh in _OPEN_REQUEST)
            or (e.kind == "repair" and e.status_zh not in _BACK)]
    if any(e.kind == "repair" for e in busy):
        state = ("送修中", "In the workshop")
    elif busy:
        state = ("有未结服务请求", "Open service request")
    else:
        state = ("正常，无未结服务", "In service, nothing open")
    return DeviceView(device_summary(device), state, bool(busy), entries[:LATEST], notes)


def _note(entry: ArchiveEntry, state: DossierState, facts_only: bool) -> NoteView | None:
    verdict = state.record_verdict
    kind = KIND_LABELS.get(entry.kind, (entry.kind, entry.kind))
    if facts_only and verdict.review == Review.RETURNED:
        return None
    if facts_only and verdict.review == Review.SUBMITTED:
        return NoteView(entry.id, kind, _aware(entry.noted_at), "", "", verdict.review,
                        pending_only=True)
    return NoteView(entry.id, kind, _aware(entry.noted_at), entry.author_code, entry.text,
                    verdict.review, verdict.comment)


def _step(step: Step, facts_only: bool) -> StepView | None:
    if facts_only and step.verdict.review == Review.RETURNED:
        return None
    status = STATUS_LABELS.get(step.status, (step.status, step.status))
    label = STEP_LABELS.get(step.kind, (step.kind, step.kind))
    if facts_only and step.verdict.review == Review.SUBMITTED:
        return StepView(_PENDING, _aware(step.at), "", "", ("", ""), step.verdict.review,
                        pending_only=True)
    return StepView(label, _aware(step.at), step.actor_code, step.note, status,
                    step.verdict.review, step.verdict.reviewer, step.verdict.comment,
                    step.linked_number, step.submission_id)


def _record(row: ProblemSet | ServiceSuggestion, title: str, text: str, at: datetime,
            by: str, state: DossierState, facts_only: bool) -> RecordView | None:
    review = state.record_verdict.review
    device = " ".join(p for p in (row.device.device_type, row.device.brand, row.device.model)
                      if p) if row.device is not None else ""
    if facts_only and not state.accepted:
        if review == Review.RETURNED:
            return None
        return RecordView(row.id, "", "", "", "", _aware(at), "", "", _PENDING, review, (),
                          (), pending_only=True)
    status = (state.fact_status or state.status) if facts_only else state.status
    # an accepted record's origin is shown even when its first wording was returned
    first = dataclasses.replace(state.steps[0], verdict=Verdict(Review.REVIEWED)) if (
        facts_only) else state.steps[0]
    steps = tuple(s for s in (_step(st, facts_only) for st in reversed(
        (first, *state.steps[1:]))) if s is not None)
    linked_steps = [s for s in state.steps if s.linked_request_id is not None
                    and (not facts_only or s.verdict.review == Review.REVIEWED)]
    linked = tuple(s.linked_number or _request_number(row) for s in linked_steps)
    return RecordView(row.id, row.number, title, text, device, _aware(at), by, status,
                      STATUS_LABELS[status], review, steps, linked,
                      tuple((c.zh, c.en) for c in state.conflicts),
                      linked_ids=tuple(s.linked_request_id for s in linked_steps
                                       if s.linked_request_id is not None))


def _request_number(row: ProblemSet | ServiceSuggestion) -> str:
    """The raising visit's request: its number (linked steps carry theirs)."""
    return row.request.number if row.request is not None else ""
