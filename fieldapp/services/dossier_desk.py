"""The centre's review of the group dossier from a staff laptop (R2.5, issue 20 item 6):
the records whose submissions wait for review, fetched from the archive's staff API
(GET /dossier/pending), and the verdict on one record's waiting submissions — reviewed
(now a fact the customer sees) or returned with a comment the engineer reads after a
pull (POST /dossier/review). On the network, so the desktop runs these through
`ops.run`; the archive refuses engineers (403) and a record with nothing waiting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fieldapp.base.errors import FieldappError, FieldIssue, ValidationError
from fieldapp.base.settings import Settings
from fieldapp.services.tasks import ClientFactory, archive_client
from fieldapp.workflows.dossier import Review

WHY = ("客户档案在那里审核", "the dossier is reviewed there")


@dataclass(frozen=True)
class PendingRow:
    reference: str  # W-…, J-…, or a tracking note's id
    kind: tuple[str, str]
    customer_code: str
    customer_name: str
    by: str
    at: datetime
    text: str  # its first 80 characters
    waiting: int  # submissions awaiting review


def _row(item: dict[str, Any]) -> PendingRow:
    return PendingRow(str(item["reference"]), (str(item["kind_zh"]), str(item["kind_en"])),
                      str(item["customer_code"]), str(item["customer_name"]), str(item["by"]),
                      datetime.fromisoformat(item["at"]), str(item["text"]),
                      int(item["waiting"]))


def _not_understood() -> FieldappError:
    return FieldappError("档案服务器的回答无法识别。", "The archive's answer was not understood.")


def fetch(settings: Settings, *, client_factory: ClientFactory | None = None
          ) -> tuple[PendingRow, ...]:
    """What waits for review, oldest first. Raises the archive's `SyncError`s (offline,
    not logged in, not staff: 403)."""
    with archive_client(settings, client_factory, why=WHY) as client:
        answer = client.dossier_pending()
    try:
        return tuple(_row(item) for item in answer["pending"])
    except (KeyError, TypeError, ValueError) as exc:
        raise _not_understood() from exc


def review(settings: Settings, reference: str, *, returned: bool, reviewer: str,
           comment: str = "", client_factory: ClientFactory | None = None) -> int:
    """Accept (`returned=False`) or return the record's waiting submissions, saying who;
    how many got the verdict. A return needs a comment the engineer can act on."""
    issues = []
    if not reviewer.strip():
        issues.append(FieldIssue("reviewer", "required", "请填写审核人。",
                                 "Please enter the reviewer."))
    if returned and not comment.strip():
        issues.append(FieldIssue("comment", "required", "退回时请写明原因。",
                                 "Say why it is returned."))
    if issues:
        raise ValidationError(issues)
    verdict = Review.RETURNED if returned else Review.REVIEWED
    with archive_client(settings, client_factory, why=WHY) as client:
        answer = client.dossier_review(reference, verdict, reviewer.strip(), comment.strip())
    try:
        return int(answer["reviewed"])
    except (KeyError, TypeError, ValueError) as exc:
        raise _not_understood() from exc
