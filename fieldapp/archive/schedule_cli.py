"""`fieldapp-archive schedules …`: each service contract's report schedule — which reports
it promises, to whom, from how much data, the summary how many days before the end
(docs/reports.md, "Schedules"). Messages in `fieldapp-archive --lang`."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager

import click
from sqlalchemy import select

from fieldapp.archive.cli_options import Fail, db_option
from fieldapp.archive.db import Database
from fieldapp.archive.reports.labels import name
from fieldapp.archive.reports.schedules import (
    SCHEDULED_KINDS,
    Schedule,
    recipients_of,
    reset_schedule,
    schedule_of,
    schedule_row,
    set_schedule,
)
from fieldapp.base.errors import FieldappError
from fieldapp.base.i18n import current_language, pick
from fieldapp.store.models import Contract, Customer


def _database(ctx: click.Context) -> AbstractContextManager[Database]:
    from fieldapp.archive.cli import _database as database

    return database(ctx)


@click.group()
def schedules() -> None:
    """Report schedules per service contract (报告计划)."""


def _describe(contract: Contract, schedule: Schedule,
              recipients: tuple[tuple[str, str], ...]) -> list[str]:
    lang = current_language()
    kinds = pick("、", ", ").join(name("kind", k, lang) for k in schedule.kinds) or pick(
        "（无）", "(none)")
    people = pick("、", ", ").join(pick(zh, en) for zh, en in recipients) or pick(
        "（无人）", "(nobody)")
    if not schedule.mail:
        people += pick("（不发邮件，仅在客户门户）", " (no e-mail: on the portal only)")
    origin = (pick(f"{schedule.updated_by} 设定", f"set by {schedule.updated_by}")
              if schedule.stored else pick("默认", "defaults"))
    return [
        pick(f"合同 {contract.number}（{contract.customer.code} {contract.customer.name}，"
             f"{contract.starts_on} 至 {contract.ends_on}）：{origin}",
             f"Contract {contract.number} ({contract.customer.code} {contract.customer.name}, "
             f"{contract.starts_on} to {contract.ends_on}): {origin}"),
        pick(f"  报告：{kinds}", f"  Reports: {kinds}"),
        pick(f"  报送：{people}", f"  To: {people}"),
        pick(f"  定期报告的最低数据量：在合同期内且有服务数据的天数至少占报告期 "
             f"{schedule.min_coverage_percent}%，服务请求至少 {schedule.min_requests} 个",
             f"  Periodic reports need: at least {schedule.min_coverage_percent}% of the "
             f"period under contract and with service data, and {schedule.min_requests} "
             "requests"),
        pick(f"  合同到期前总结：到期前 {schedule.contract_end_days} 天",
             f"  Summary before the end: {schedule.contract_end_days} days before"),
    ]


@schedules.command("show")
@click.argument("contract_number", required=False)
@click.option("--customer", "customer_code", default=None, help="Only this customer's contracts.")
@click.option("--json", "as_json", is_flag=True)
@db_option
@click.pass_context
def show(ctx: click.Context, contract_number: str | None, customer_code: str | None,
         as_json: bool) -> None:
    """Every contract's schedule (or one contract's, or one customer's)."""
    with _database(ctx) as db, db.read() as session:
        query = select(Contract).join(Customer).order_by(Customer.code, Contract.starts_on)
        if contract_number:
            query = query.where(Contract.number == contract_number.strip())
        if customer_code:
            query = query.where(Customer.code == customer_code.strip())
        contracts = list(session.scalars(query))
        if not contracts:
            raise Fail(pick("没有符合的服务合同。", "No such service contract."))
        shown = []
        for contract in contracts:
            schedule = schedule_of(session, contract.id)
            shown.append((contract, schedule, recipients_of(session, contract.customer,
                                                            schedule)))
        if as_json:
            click.echo(json.dumps([schedule_row(*s) for s in shown], ensure_ascii=False,
                                  indent=1))
            return
        for item in shown:
            for line in _describe(*item):
                click.echo(line)


def _split(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(p.strip() for p in value.replace("；", ";").replace("，", ",").replace(
        ";", "\n").split("\n") if p.strip())


@schedules.command("set")
@click.argument("contract_number")
@click.option("--kinds", default=None,
              help=f"Comma-separated, from: {','.join(SCHEDULED_KINDS)} ('' for none).")
@click.option("--recipients", default=None,
              help="Who receives the reports, separated by ';' ('' for the defaults: the "
                   "contacts with an e-mail address and the account manager).")
@click.option("--min-coverage", "min_coverage", type=int, default=None,
              help="Percent of a periodic report's days under contract (0-100).")
@click.option("--min-requests", type=int, default=None,
              help="Requests a periodic report needs at least.")
@click.option("--end-days", "end_days", type=int, default=None,
              help="Days before the contract ends that its summary is made.")
@click.option("--mail/--no-mail", "mail", default=None,
              help="E-mail made reports to the recipients with an address (default: on).")
@click.option("--by", "updated_by", default="", help="Who changes it (default: admin).")
@db_option
@click.pass_context
def set_command(ctx: click.Context, contract_number: str, kinds: str | None,
                recipients: str | None, min_coverage: int | None, min_requests: int | None,
                end_days: int | None, mail: bool | None, updated_by: str) -> None:
    """Change a contract's schedule; what is not given stays as it is."""
    kind_list = None if kinds is None else tuple(
        k.strip() for k in kinds.replace("，", ",").split(",") if k.strip())
    try:
        with _database(ctx) as db, db.write() as session:
            contract, schedule = set_schedule(
                session, contract_number, updated_by=updated_by.strip() or "admin",
                kinds=kind_list, recipients=_split(recipients),
                min_coverage_percent=min_coverage, min_requests=min_requests,
                contract_end_days=end_days, mail=mail)
            lines = _describe(contract, schedule,
                              recipients_of(session, contract.customer, schedule))
    except FieldappError as exc:
        raise Fail(exc.message()) from exc
    click.echo(pick("已保存。", "Saved."))
    for line in lines:
        click.echo(line)


@schedules.command("reset")
@click.argument("contract_number")
@db_option
@click.pass_context
def reset(ctx: click.Context, contract_number: str) -> None:
    """Back to the defaults."""
    try:
        with _database(ctx) as db, db.write() as session:
            contract = reset_schedule(session, contract_number)
    except FieldappError as exc:
        raise Fail(exc.message()) from exc
    click.echo(pick(f"合同 {contract.number} 的报告计划已恢复默认。",
                    f"Contract {contract.number}'s report schedule is back to the defaults."))
