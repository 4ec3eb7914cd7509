"""A slip's seal as every screen and command shows it: draft, sealed, sealed in an older
format, or tampered — checked when the slip is shown, printed, exported or pushed.

`seal_state` verifies (fieldapp.seal.sealing.verify_slip, with this laptop's keys and
receipts); `refuse_if_tampered` stops a copy from going out as genuine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from fieldapp.base.errors import FieldappError
from fieldapp.seal.sealing import FileCheck, KeyTrust, Verification, verify_slip


class SealStatus(StrEnum):
    """What a slip's seal check says (`SealState.state`; the CLI's `seal_state`)."""

    DRAFT = "draft"  # not sealed yet
    SEALED = "sealed"
    SEALED_OLDER = "sealed_older"  # sealed, and holds, in an older seal format
    TAMPERED = "tampered"  # sealed, but the check fails: never shown or issued as genuine


# (zh, en) by member; keyed by str too, as members are their strings (the slip list's
# status column looks "tampered" up beside the slip statuses)
SEAL_STATE_LABELS: dict[str, tuple[str, str]] = {
    SealStatus.DRAFT: ("草稿", "Draft"),
    SealStatus.SEALED: ("已封存", "Sealed"),
    SealStatus.SEALED_OLDER: ("已封存（旧格式）", "Sealed (older format)"),
    SealStatus.TAMPERED: ("封存校验失败（已被改动）", "Seal check failed (tampered)"),
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
    state: SealStatus
    problems: list[tuple[str, str]] = field(default_factory=list)
    verification: Verification | None = None

    @property
    def tampered(self) -> bool:
        return self.state == SealStatus.TAMPERED

    @property
    def label(self) -> tuple[str, str]:
        return SEAL_STATE_LABELS[self.state]


def seal_state(slip: Any, keys: KeyTrust | None = None, files: FileCheck | None = None
               ) -> SealState:
    """`keys`: whose device keys to trust; by default this laptop's (fieldapp.seal.seal_trust).
    `files`: re-hash the attached files too (one slip shown; see verify_slip)."""
    if slip.seal is None:
        return SealState(SealStatus.DRAFT)
    result = verify_slip(slip, keys, files)
    if not result.ok:
        return SealState(SealStatus.TAMPERED, list(result.problems), result)
    return SealState(SealStatus.SEALED_OLDER if result.older_format else SealStatus.SEALED,
                     [], result)


def refuse_if_tampered(slip: Any, keys: KeyTrust | None = None) -> SealState:
    state = seal_state(slip, keys)
    if state.tampered:
        raise TamperedError(slip.number, state.problems)
    return state
