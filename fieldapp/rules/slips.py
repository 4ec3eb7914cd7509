"""The rules of a service slip and of a signature on it (R2.2–R2.3).

A slip's fee lines have theirs in fieldapp.rules.validation (`fee_line_issues`), which the
fee entry, `slips.set_fee_lines` and the archive share.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from fieldapp.base.errors import FieldIssue
from fieldapp.rules.validation import (
    RESULTS,
    SIGNER_ROLES,
    choice_issue,
    slip_ready_to_sign_issues,
    text_issues,
    timeline_issues,
)
from fieldapp.seal.signatures import stroke_issues
from fieldapp.store.values import SlipStatus


def slip_issues(*, channel: str, requested_at: datetime, arrived_at: datetime | None,
                started_at: datetime | None, solved_at: datetime | None,
                departed_at: datetime | None, fault_found: str, handling: str, result: str,
                now: datetime, amendment_reason: str | None = None, amends: bool = False,
                signer_roles: Collection[str] = (), sealed: bool = False,
                status: str | None = None) -> list[FieldIssue]:
    """Everything wrong with a slip's content: its texts, result and times in the order
    the work happened (from its request's time); once anyone has signed, what must be
    there before a signature (R2.2); sealed only with both signatures (R2.3).

    `channel`, `requested_at`: its request's; `amends`: it corrects a sealed slip (then
    the reason is required); `signer_roles`: who has signed (or is signing now);
    `status`: checked when the caller stores one (a pushed record)."""
    texts = {"fault_found": fault_found, "handling": handling}
    if amendment_reason is not None or amends:
        texts["amendment_reason"] = amendment_reason or ""
    issues = text_issues(texts, required_fields=("amendment_reason",) if amends else ())
    if status is not None:
        issues += choice_issue("status", status, tuple(SlipStatus))
    if result:
        issues += choice_issue("result", result, RESULTS)
    issues += timeline_issues({"requested_at": requested_at, "arrived_at": arrived_at,
                               "started_at": started_at, "solved_at": solved_at,
                               "departed_at": departed_at}, now)
    if signer_roles:
        issues += slip_ready_to_sign_issues(
            channel=channel, arrived_at=arrived_at, started_at=started_at, solved_at=solved_at,
            departed_at=departed_at, fault_found=fault_found, handling=handling, result=result)
    if sealed and sorted(signer_roles) != sorted(SIGNER_ROLES):
        issues.append(FieldIssue("seal", "unsigned_seal", "封存的服务单须有双方签名。",
                                 "A sealed slip needs both signatures."))
    return issues


def signature_issues(*, role: str, signer_name: str, strokes: list[list[list[int]]],
                     pad_width: int, pad_height: int, signed_at: datetime, now: datetime
                     ) -> list[FieldIssue]:
    """One party's signature: who (a known role, a name), the strokes as drawn on the
    pad, and when (not in the future)."""
    issues = choice_issue("role", role, SIGNER_ROLES)
    issues += text_issues({"signer_name": signer_name}, required_fields=("signer_name",))
    issues += stroke_issues(strokes, pad_width, pad_height, f"signature.{role}")
    issues += timeline_issues({"signed_at": signed_at}, now)
    return issues
