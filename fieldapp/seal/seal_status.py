"""A slip's seal as every screen and command shows it: draft, sealed, sealed in an older
format, or tampered — checked when the slip is shown, printed, exported or pushed.

`seal_state` verifies (fieldapp.seal.sealing.verify_slip, with this laptop's keys and
receipts); `refuse_if_tampered` stops a copy from going out as genuine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fieldapp.base.errors import FieldappError
from fieldapp.seal.sealing import KeyTrust, Verification, verify_slip

SEAL_STATE_LABELS = {  # (zh, en)
    "draft": ("草稿", "Draft"),
    "sealed": ("已封存", "Sealed"),
    "sealed_older": ("已封存（旧格式）", "Sealed (older format)"),
    "tampered": ("封存校验失败（已被改动）", "Seal check failed (tampered)"),
}


class TamperedError(FieldappError):
    """A slip whose seal does not hold: not printed, saved or sent as genuine."""

    def __init__(self, number: str, problems: list[tuple[str, str]]) -> None:
        first_zh, first_en = problems[0] if problems else ("", "")
        super().__init__(
            f"服务单 {number} 封存校验失败，不能作为真实单据出具：{first_zh}",
            f"Slip {number} fails its seal check and cannot be issued as genuine: {first_en}")
        self.number = number
        self.problems = problems


@dataclass(frozen=True)
class SealState:
    state: str  # a key of SEAL_STATE_LABELS
    problems: list[tuple[str, str]] = field(default_factory=list)
    verification: Verification | None = None

    @property
    def tampered(self) -> bool:
        return self.state == "tampered"

    @property
    def label(self) -> tuple[str, str]:
        return SEAL_STATE_LABELS[self.state]


def seal_state(slip: Any, keys: KeyTrust | None = None) -> SealState:
    """`keys`: whose device keys to trust; by default this laptop's (fieldapp.seal.seal_trust)."""
    if slip.seal is None:
        return SealState("draft")
    result = verify_slip(slip, keys)
    if not result.ok:
        return SealState("tampered", list(result.problems), result)
    return SealState("sealed_older" if result.older_format else "sealed", [], result)


def refuse_if_tampered(slip: Any, keys: KeyTrust | None = None) -> SealState:
    state = seal_state(slip, keys)
    if state.tampered:
        raise TamperedError(slip.number, state.problems)
    return state
