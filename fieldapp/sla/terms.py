"""The service levels a contract promises (R1), with the published model as defaults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

# Budgets stored as whole minutes: contracts state them that way and JSON has no timedelta.
_DURATION_FIELDS = (
    "phone_answer",
    "onsite_target",
    "onsite_cap",
    "remote_resolution",
    "repair_resolution",
    "letter_answer",
)


@dataclass(frozen=True)
class SlaTerms:
    """Per-contract service levels; every budget is service time (see ServiceCalendar)."""

    phone_answer: timedelta = timedelta(minutes=5)  # R1.1
    onsite_target: timedelta = timedelta(hours=2)  # R1.2, in the city only
    onsite_cap: timedelta = timedelta(hours=3)  # R1.2: traffic may stretch it, never past this
    remote_resolution: timedelta = timedelta(minutes=30)  # R1.3
    repair_resolution: timedelta = timedelta(hours=4)  # R1.4: request until device runs again
    letter_answer: timedelta = timedelta(hours=12)  # R1.5
    # A running clock is "at risk" when less than this fraction of its budget is left.
    at_risk_fraction: float = 0.25
    # Same-class loaner (同档次备机, R1.4): None = the default rule, group customers only.
    loaner_entitled: bool | None = None

    def __post_init__(self) -> None:
        for name in _DURATION_FIELDS:
            value = getattr(self, name)
            if not isinstance(value, timedelta) or value <= timedelta(0):
                raise ValueError(f"{name} must be a positive duration, got {value!r}")
            if value % timedelta(minutes=1):
                raise ValueError(f"{name} must be whole minutes, got {value}")
        if self.onsite_cap < self.onsite_target:
            raise ValueError("onsite_cap must not be shorter than onsite_target")
        if not 0 <= self.at_risk_fraction < 1:
            raise ValueError(f"at_risk_fraction must be in [0, 1), got {self.at_risk_fraction}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: budgets as whole minutes under `<name>_minutes`."""
        data: dict[str, Any] = {
            f"{name}_minutes": getattr(self, name) // timedelta(minutes=1)
            for name in _DURATION_FIELDS
        }
        data["at_risk_fraction"] = self.at_risk_fraction
        data["loaner_entitled"] = self.loaner_entitled
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlaTerms:
        """Read what `to_dict` wrote; missing keys take the seed's defaults."""
        kwargs: dict[str, Any] = {}
        for name in _DURATION_FIELDS:
            key = f"{name}_minutes"
            if key in data:
                kwargs[name] = timedelta(minutes=int(data[key]))
        if "at_risk_fraction" in data:
            kwargs["at_risk_fraction"] = float(data["at_risk_fraction"])
        if "loaner_entitled" in data:
            value = data["loaner_entitled"]
            kwargs["loaner_entitled"] = None if value is None else bool(value)
        return cls(**kwargs)
