"""A group customer's dossier in a report period (section 八, R2.5): the problem sets
raised, solved, closed without fix and still open at the period's end; the service
suggestions proposed, accepted, declined and done; the main-device tracking notes.

Only what the service centre reviewed is a fact, as on the portal (reads.dossier with
`facts_only`): a record counts once the centre accepted one of its submissions, a step
once that step was reviewed; a waiting submission is only counted as waiting (no words),
a returned one is left out. A record is folded from its events (a group customer has
tens of them, not thousands), so the figures agree with the portal's states.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.reports.period import Period
from fieldapp.records.events import EventKind
from fieldapp.store.models import Device
from fieldapp.store.workflow_models import ArchiveEntry
from fieldapp.workflows.dossier import (
    DossierState,
    ProblemStatus,
    Review,
    customer_problems,
    customer_suggestions,
    entry_state,
    problem_state,
    suggestion_state,
)
from fieldapp.workflows.group_archive import ArchiveEntryKind

# the lists a report prints, in this order; each is (kind of the step, its name)
PROBLEM_LISTS = ("raised", "solved", "wont_fix", "open")
SUGGESTION_LISTS = ("proposed", "accepted", "declined", "done")
LIST_LABELS: dict[str, tuple[str, str]] = {
    "problems.raised": ("问题集 · 新提出", "Problem · raised"),
    "problems.solved": ("问题集 · 已解决", "Problem · solved"),
    "problems.wont_fix": ("问题集 · 不予解决", "Problem · closed without fix"),
    "problems.open": ("问题集 · 期末未解决", "Problem · open at period end"),
    "suggestions.proposed": ("服务建议 · 新提出", "Suggestion · proposed"),
    "suggestions.accepted": ("服务建议 · 客户接受", "Suggestion · accepted"),
    "suggestions.declined": ("服务建议 · 客户未采纳", "Suggestion · declined"),
    "suggestions.done": ("服务建议 · 已落实", "Suggestion · done"),
}
_STEP_LIST: dict[str, str] = {
    EventKind.PROBLEM_SOLVED: "solved", EventKind.PROBLEM_WONT_FIX: "wont_fix",
    EventKind.SUGGESTION_ACCEPTED: "accepted", EventKind.SUGGESTION_DECLINED: "declined",
    EventKind.SUGGESTION_DONE: "done"}
_OPEN = (ProblemStatus.RAISED, ProblemStatus.TRACKING)
ARCHIVE_ITEMS = 8  # latest reviewed archive entries per kind printed in the report


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _waiting(state: DossierState, period: Period) -> int:
    return sum(1 for s in state.steps if s.verdict.review == Review.SUBMITTED
               and period.start_utc <= _aware(s.at) < period.end_utc)


def _fold_in(lists: dict[str, list[dict[str, str]]], state: DossierState, item: dict[str, str],
             first: str, period: Period) -> None:
    """The record's reviewed facts in the period into `lists`; `first`: its raise's list."""
    if not state.accepted:
        return
    start, end = period.start_utc, period.end_utc
    if start <= _aware(state.steps[0].at) < end:  # an accepted record's origin is a fact
        lists[first].append({**item, "at": _aware(state.steps[0].at).isoformat()})
    status = state.steps[0].status
    for step in state.steps[1:]:
        if step.verdict.review != Review.REVIEWED or _aware(step.at) >= end:
            continue
        status = step.status
        key = _STEP_LIST.get(step.kind)
        if key is not None and _aware(step.at) >= start:
            lists[key].append({**item, "at": _aware(step.at).isoformat()})
    if "open" in lists and status in _OPEN and _aware(state.steps[0].at) < end:
        lists["open"].append({**item, "at": _aware(state.steps[0].at).isoformat()})


def _device(device: Device | None) -> str:
    return " ".join(p for p in (device.brand, device.model, device.asset_tag) if p) if (
        device is not None) else ""


def _by_time(lists: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    return {k: sorted(v, key=lambda i: (i["at"], i["number"])) for k, v in lists.items()}


def dossier_figures(session: Session, customer_id: uuid.UUID, period: Period
                    ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the dossier's figures, the reviewed tracking notes and older free-text entries as
    `Figures.archive`)."""
    waiting = 0
    problems: dict[str, list[dict[str, str]]] = {k: [] for k in PROBLEM_LISTS}
    for problem in customer_problems(session, customer_id):
        state = problem_state(session, problem)
        waiting += _waiting(state, period)
        _fold_in(problems, state, {"number": problem.number, "title": problem.title,
                                   "device": _device(problem.device)}, "raised", period)
    suggestions: dict[str, list[dict[str, str]]] = {k: [] for k in SUGGESTION_LISTS}
    for suggestion in customer_suggestions(session, customer_id):
        state = suggestion_state(session, suggestion)
        waiting += _waiting(state, period)
        _fold_in(suggestions, state, {"number": suggestion.number,
                                      "title": suggestion.suggestion,
                                      "device": _device(suggestion.device)}, "proposed", period)
    archive, entries_waiting = _entries(session, customer_id, period)
    figures = {"problems": _by_time(problems), "suggestions": _by_time(suggestions),
               "awaiting_review": waiting + entries_waiting}
    return figures, archive


def _entries(session: Session, customer_id: uuid.UUID, period: Period
             ) -> tuple[dict[str, Any], int]:
    """Reviewed archive entries in the period (newest first), and how many wait."""
    rows = session.execute(
        select(ArchiveEntry, Device).outerjoin(Device, Device.id == ArchiveEntry.device_id)
        .where(ArchiveEntry.customer_id == customer_id,
               ArchiveEntry.noted_at >= period.start_utc, ArchiveEntry.noted_at < period.end_utc)
        .order_by(ArchiveEntry.noted_at.desc(), ArchiveEntry.id)).all()
    counts: dict[str, int] = {str(kind): 0 for kind in ArchiveEntryKind}
    items: dict[str, list[dict[str, str]]] = {str(kind): [] for kind in ArchiveEntryKind}
    waiting = 0
    for entry, device in rows:
        review = entry_state(session, entry).record_verdict.review
        if review != Review.REVIEWED:
            waiting += review == Review.SUBMITTED
            continue
        counts[entry.kind] = counts.get(entry.kind, 0) + 1
        if len(items.setdefault(entry.kind, [])) < ARCHIVE_ITEMS:
            items[entry.kind].append(
                {"text": entry.text, "noted_at": _aware(entry.noted_at).isoformat(),
                 "device": _device(device)})
    return {"counts": counts, "items": items}, waiting
