"""What the SLA column shows: the one adapter between request rows and `fieldapp.sla`.

With `fieldapp.sla` (the sla branch) the cell shows the clock's state and deadline;
without it, the request's age. State is shown by text *and* colour (never colour alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fieldapp.queries import RequestRow
from fieldapp.timeutil import format_local
from ui.i18n import tr

try:  # the sla branch lands later; until then the column shows the request's age
    from fieldapp import sla as _sla
except ImportError:  # pragma: no cover - depends on the branch
    _sla = None

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


def sla_cell(row: RequestRow, now: datetime) -> SlaCell:
    if _sla is not None:
        try:
            facts = _sla.RequestFacts(channel=row.channel, requested_at=row.requested_at,
                                      answered_at=row.answered_at)
            clocks = _sla.clocks_for_request(facts, _sla.SlaTerms(), _sla.ServiceCalendar(),
                                             now)
        except Exception:  # a clock we cannot compute falls back to the age, never crashes
            clocks = []
        if clocks:
            clock = clocks[0]
            state = str(clock.state)
            name = tr(f"sla.state.{state}")
            deadline = format_local(clock.deadline) if clock.deadline else ""
            text = tr("sla.state_deadline", state=name, deadline=deadline) if deadline else name
            return SlaCell(text, state, COLOURS.get(state, COLOURS["age"]))
    minutes = max(0, int((now - row.requested_at).total_seconds() // 60))
    return SlaCell(tr("sla.age", age=_age_text(minutes)), "age", COLOURS["age"])
