"""Staff make an ad-hoc service analysis report on the archive (a customer asked by phone,
issue 20 item 3), as a service for the desktop's staff view: plain values in, a plain
result out; the archive makes it with the scheduled reports' engine and shows it on the
customer's portal (docs/reports.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from fieldapp.base.errors import FieldappError, FieldIssue, ValidationError
from fieldapp.base.settings import Settings
from fieldapp.records import reference
from fieldapp.store import Store
from fieldapp.sync.credentials import load_token

if TYPE_CHECKING:
    from fieldapp.sync.client import ArchiveClient

ClientFactory = Callable[[str, str | None], "ArchiveClient"]


@dataclass(frozen=True)
class MadeReport:
    id: str
    made: bool  # False: the customer's report for that period existed already
    customer_code: str
    customer_name: str
    period_start: date
    period_end: date
    requests: int


def customers(store: Store) -> tuple[tuple[str, str], ...]:
    """(code, name) of every customer this laptop knows, for the picker."""
    with store.read() as session:
        return tuple((c.code, c.name) for c in reference.list_customers(session))


def last_quarter(today: date) -> tuple[date, date]:
    """The quarter before the one `today` is in: what a customer most often asks for."""
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first - timedelta(days=1)
    return date(end.year, end.month - 2, 1), end


def make_report(settings: Settings, *, customer_code: str, period_start: date,
                period_end: date, requested_by: str,
                client_factory: ClientFactory | None = None) -> MadeReport:
    """Ask the archive for the report. Raises `ValidationError` (zh/en) for what can be
    told here (no archive set, nobody named, a reversed period) and the archive's own
    `SyncError`s (offline, not logged in, unknown customer, a period in the future)."""
    issues = []
    url = str(settings.get("archive_url") or "").strip()
    if not url:
        issues.append(FieldIssue("archive_url", "required", "尚未设置档案服务器，无法生成报告。",
                                 "No archive is set up; reports are made there."))
    if not requested_by.strip():
        issues.append(FieldIssue("requested_by", "required", "请注明请求人。",
                                 "Say who asked for the report."))
    if period_end < period_start:
        issues.append(FieldIssue("period_end", "before_start", "报告期结束日期不能早于开始日期。",
                                 "The period cannot end before it starts."))
    if issues:
        raise ValidationError(issues)
    if client_factory is None:
        from fieldapp.sync.client import ArchiveClient  # httpx: off the GUI thread, when used

        client_factory = ArchiveClient
    with client_factory(url, load_token(settings.path.parent, url)) as client:
        answer = client.make_report(customer_code, period_start, period_end,
                                    requested_by.strip())
    try:
        return MadeReport(str(answer["id"]), bool(answer["made"]), str(answer["customer_code"]),
                          str(answer["customer_name"]),
                          date.fromisoformat(answer["period_start"]),
                          date.fromisoformat(answer["period_end"]), int(answer["requests"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise FieldappError("档案服务器的回答无法识别。",
                            "The archive's answer was not understood.") from exc
