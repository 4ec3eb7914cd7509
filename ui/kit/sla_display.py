"""What the SLA column shows: the one adapter between request rows and `fieldapp.sla`.

The list's worker loads each row's `SlaInputs` (the contract's terms and calendar, the
site's in-city flag, the visits' times); the cell recomputes the clocks from them at paint
time, so the countdowns stay current. A request runs every promise that applies (a call
that became an on-site job: the answer and the arrival), so the cell names each clock,
the running ones first, the most urgent first; its colour is the worst state's. State is
shown by text *and* colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fieldapp.base.timeutil import format_local
from fieldapp.reads.queries import RequestRow
from fieldapp.records.sla_records import SlaInputs
from fieldapp.rules.validation import CHANNEL_LABELS
from fieldapp.sla import INTAKE_LABELS, SERVICE_KIND_LABELS, ClockResult, ClockState
from fieldapp.sla import label as sla_label
from ui.kit.i18n import pair, tr

COLOURS = {
    "on_track": "#1b7f3b",
    "at_risk": "#b36b00",
    "breached": "#c62828",
    "met": "#1b7f3b",
    "met_within_tolerance": "#5f7f1b",
    "not_applicable": "#666666",
    "age": "#37474f",
}


# Most urgent first: what colours the cell and leads its text.
URGENCY = (ClockState.BREACHED, ClockState.AT_RISK, ClockState.ON_TRACK,
           ClockState.MET_WITHIN_TOLERANCE, ClockState.MET, ClockState.NOT_APPLICABLE)


@dataclass(frozen=True)
class SlaCell:
    text: str
    state: str
    colour: str


def kinds_text(intake_channel: str, service_kind: str, channel: str = "") -> str:
    """How the request came in and what it asks: "电话 → 现场服务" (the old channel for a
    row that does not carry them)."""
    if not intake_channel or not service_kind:
        return pair(CHANNEL_LABELS.get(channel, (channel,) * 2))
    return (f"{pair(INTAKE_LABELS.get(intake_channel, (intake_channel,) * 2))} → "
            f"{pair(SERVICE_KIND_LABELS.get(service_kind, (service_kind,) * 2))}")


def _urgency(clock: ClockResult) -> tuple[int, int, object]:
    running = 0 if clock.running else 1
    return (running, URGENCY.index(clock.state), clock.deadline or clock.started_at)


def clock_text(clock: ClockResult) -> str:
    """One clock: its name, state and, while it runs, its deadline."""
    name = tr(f"sla.state.{clock.state}")
    deadline = format_local(clock.deadline) if clock.deadline and clock.running else ""
    state = tr("sla.state_deadline", state=name, deadline=deadline) if deadline else name
    return f"{sla_label(clock.kind)} {state}"


def _age_text(minutes: int) -> str:
    if minutes < 60:
        return tr("sla.age_minutes", minutes=minutes)
    return tr("sla.age_hours", hours=minutes // 60, minutes=minutes % 60)


def clocks_cell(inputs: SlaInputs | None, now: datetime, separator: str = " | "
                ) -> SlaCell | None:
    """Every clock of a request (or of a slip's times), most urgent first; None when no
    clock applies (a walk-in answered in person)."""
    clocks = sorted(inputs.clocks(now), key=_urgency) if inputs is not None else []
    if not clocks:
        return None
    state = str(min((c.state for c in clocks), key=URGENCY.index))
    text = separator.join(clock_text(c) for c in clocks)
    return SlaCell(text, state, COLOURS.get(state, COLOURS["age"]))


def sla_cell(row: RequestRow, inputs: SlaInputs | None, now: datetime) -> SlaCell:
    cell = clocks_cell(inputs, now)
    if cell is not None:
        return cell
    minutes = max(0, int((now - row.requested_at).total_seconds() // 60))
    return SlaCell(tr("sla.age", age=_age_text(minutes)), "age", COLOURS["age"])
