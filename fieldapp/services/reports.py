"""Staff make an ad-hoc service analysis report on the archive (a customer asked by phone,
issue 20 item 3), and read and change each contract's report schedule (issue 20 item 1),
as services for the desktop's staff view: plain values in, plain results out; the archive
makes the reports with its engine and shows them on the customer's portal
(docs/reports.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

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


@dataclass(frozen=True)
class ScheduleView:
    """One contract's report schedule as the archive holds it (docs/reports.md)."""

    contract: str
    starts_on: date
    ends_on: date
    kinds: tuple[str, ...]
    recipients: tuple[str, ...]  # as set; empty: the defaults below
    recipients_in_effect: tuple[tuple[str, str], ...]  # (zh, en)
    min_coverage_percent: int
    min_requests: int
    contract_end_days: int
    default: bool  # nothing set for the contract
    updated_by: str
    mail: bool = True  # made reports e-mailed to the recipients with an address


def _archive_url(settings: Settings) -> str:
    url = str(settings.get("archive_url") or "").strip()
    if not url:
        raise ValidationError([FieldIssue("archive_url", "required",
                                          "尚未设置档案服务器，报告计划保存在那里。",
                                          "No archive is set up; report schedules live there.")])
    return url


def _factory(client_factory: ClientFactory | None) -> ClientFactory:
    if client_factory is not None:
        return client_factory
    from fieldapp.sync.client import ArchiveClient  # httpx: off the GUI thread, when used

    return ArchiveClient


def _schedule(row: dict[str, Any]) -> ScheduleView:
    try:
        return ScheduleView(
            str(row["contract"]), date.fromisoformat(row["starts_on"]),
            date.fromisoformat(row["ends_on"]), tuple(str(k) for k in row["kinds"]),
            tuple(str(r) for r in row["recipients"]),
            tuple((str(r["zh"]), str(r["en"])) for r in row["recipients_in_effect"]),
            int(row["min_coverage_percent"]), int(row["min_requests"]),
            int(row["contract_end_days"]), bool(row["default"]), str(row["updated_by"]),
            bool(row.get("mail", True)))
    except (KeyError, TypeError, ValueError) as exc:
        raise FieldappError("档案服务器的回答无法识别。",
                            "The archive's answer was not understood.") from exc


def schedules(settings: Settings, customer_code: str, *,
              client_factory: ClientFactory | None = None) -> tuple[ScheduleView, ...]:
    """The report schedules of the customer's contracts, from the archive."""
    url = _archive_url(settings)
    with _factory(client_factory)(url, load_token(settings.path.parent, url)) as client:
        answer = client.schedules(customer_code)
    rows = answer.get("schedules") if isinstance(answer, dict) else None
    if not isinstance(rows, list):
        raise FieldappError("档案服务器的回答无法识别。",
                            "The archive's answer was not understood.")
    return tuple(_schedule(row) for row in rows)


def save_schedule(settings: Settings, contract: str, *, kinds: tuple[str, ...],
                  recipients: tuple[str, ...], min_coverage_percent: int, min_requests: int,
                  contract_end_days: int, updated_by: str, mail: bool = True,
                  client_factory: ClientFactory | None = None) -> ScheduleView:
    """Store the contract's schedule on the archive; the archive refuses a bad value in
    one zh/en line (`SyncError`) and changes nothing then."""
    url = _archive_url(settings)
    if not updated_by.strip():
        raise ValidationError([FieldIssue("updated_by", "required", "请注明修改人。",
                                          "Say who changes the schedule.")])
    changes = {"kinds": list(kinds), "recipients": [r.strip() for r in recipients if r.strip()],
               "min_coverage_percent": min_coverage_percent, "min_requests": min_requests,
               "contract_end_days": contract_end_days, "mail": mail,
               "updated_by": updated_by.strip()}
    with _factory(client_factory)(url, load_token(settings.path.parent, url)) as client:
        return _schedule(client.set_schedule(contract, changes))


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
