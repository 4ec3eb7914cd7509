"""The archive's tasks on a staff laptop (issue 20 item 5): what the archive's scan made
for the account managers and the centre — a proactive finding, a breached SLA clock, a
complaint past its promised answer time — fetched from the archive and marked done there
(docs/archive.md, "Tasks"). Plain values in, plain rows out; on the network, so the
desktop runs these through `ops.run`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fieldapp.base.errors import FieldappError, FieldIssue, ValidationError
from fieldapp.base.settings import Settings
from fieldapp.reads.tasks import CAUSE_LABELS as CAUSE_LABELS  # the desktop's labels
from fieldapp.reads.tasks import TaskRow as TaskRow  # the desktop names the row from here
from fieldapp.sync.credentials import load_token

if TYPE_CHECKING:
    from fieldapp.sync.client import ArchiveClient

ClientFactory = Callable[[str, str | None], "ArchiveClient"]

def _row(item: dict[str, Any]) -> TaskRow:
    done = item.get("done_at")
    return TaskRow(int(item["number"]), str(item["cause"]), str(item["customer_code"]),
                   str(item["customer_name"]), str(item["assignee"]), str(item["reference"]),
                   str(item["title_zh"]), str(item["title_en"]),
                   datetime.fromisoformat(item["created_at"]),
                   datetime.fromisoformat(done) if done else None, str(item["done_by"]))


def _not_understood(exc: Exception) -> FieldappError:
    return FieldappError("档案服务器的回答无法识别。", "The archive's answer was not understood.")


def archive_client(settings: Settings, client_factory: ClientFactory | None, *,
                   why: tuple[str, str] = ("任务在那里生成", "tasks are made there")
                   ) -> ArchiveClient:
    """The archive's client with this laptop's token; `why` the archive is needed, for
    the one line shown when none is set up."""
    url = str(settings.get("archive_url") or "").strip()
    if not url:
        raise ValidationError([FieldIssue("archive_url", "required",
                                          f"尚未设置档案服务器，{why[0]}。",
                                          f"No archive is set up; {why[1]}.")])
    if client_factory is None:
        from fieldapp.sync.client import ArchiveClient  # httpx: off the GUI thread, when used

        client_factory = ArchiveClient
    return client_factory(url, load_token(settings.path.parent, url))


def fetch(settings: Settings, *, open_only: bool = True,
          client_factory: ClientFactory | None = None) -> tuple[TaskRow, ...]:
    """The archive's tasks, newest first (`open_only`: those not done). Raises the
    archive's `SyncError`s (offline, not logged in, not staff: 403)."""
    with archive_client(settings, client_factory) as client:
        answer = client.tasks(open_only=open_only)
    try:
        return tuple(_row(item) for item in answer["tasks"])
    except (KeyError, TypeError, ValueError) as exc:
        raise _not_understood(exc) from exc


def mark_done(settings: Settings, number: int, *, done_by: str,
              client_factory: ClientFactory | None = None) -> TaskRow:
    """Close task `number` on the archive, saying who; `ValidationError` when nobody is
    named, the archive's refusal (done already: 409) otherwise."""
    if not done_by.strip():
        raise ValidationError([FieldIssue("done_by", "required", "请注明由谁完成。",
                                          "Say who did it.")])
    with archive_client(settings, client_factory) as client:
        answer = client.task_done(number, done_by.strip())
    try:
        return _row(answer)
    except (KeyError, TypeError, ValueError) as exc:
        raise _not_understood(exc) from exc
