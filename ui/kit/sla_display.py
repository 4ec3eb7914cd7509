"""What the SLA column shows: the one adapter between request rows and `fieldapp.sla`.

The list's worker loads each row's `SlaInputs` (the contract's terms and calendar, the
site's in-city flag, the visits' times); the cell recomputes the clock from them at paint
time, so the countdown stays current. State is shown by text *and* colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fieldapp.base.timeutil import format_local
from fieldapp.reads.queries import RequestRow
from fieldapp.records.sla_records import SlaInputs
from ui.kit.i18n import tr

COLOURS = {
    "on_track": "#1b7f3b",
    "at_risk": "#b36b00",
    "breached": "#c62828",
    "met": "#1b7f3b",
    "met_within_tolerance": "#5f7f1b",
    "not_applicable": "#666666",
    "age": "#37474f",
}


@dataclass(frozen=True)
class SlaCell:
    text: str
    state: str
    colour: str


def _age_text(minutes: int) -> str:
    if minutes < 60:
        return tr("sla.age_minutes", minutes=minutes)
    return tr("sla.age_hours", hours=minutes // 60, minutes=minutes % 60)


def sla_cell(row: RequestRow, inputs: SlaInputs | None, now: datetime) -> SlaCell:
    clocks = inputs.clocks(now) if inputs is not None else []
    if clocks:
        clock = clocks[0]
        state = str(clock.state)
        name = tr(f"sla.state.{state}")
        deadline = format_local(clock.deadline) if clock.deadline else ""
        text = tr("sla.state_deadline", state=name, deadline=deadline) if deadline else name
        return SlaCell(text, state, COLOURS.get(state, COLOURS["age"]))
    minutes = max(0, int((now - row.requested_at).total_seconds() // 60))
    return SlaCell(tr("sla.age", age=_age_text(minutes)), "age", COLOURS["age"])
