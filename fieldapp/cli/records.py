"""`fieldapp requests …` and `fieldapp slips …`: listing, showing, export and import."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from fieldapp.base.errors import FieldIssue, ValidationError
from fieldapp.base.files import read_file, write_file
from fieldapp.base.i18n import current_language
from fieldapp.base.money import format_yuan
from fieldapp.base.timeutil import format_local
from fieldapp.cli.context import (
    AppContext,
    PathParam,
    echo_json,
    fail_on_errors,
    pass_app,
    t,
)
from fieldapp.reads.queries import SlipFilter, list_requests, list_slips
from fieldapp.records.service_requests import STATUS_LABELS as REQUEST_STATUS
from fieldapp.records.slips import STATUS_LABELS as SLIP_STATUS
from fieldapp.records.slips import get_slip, print_count
from fieldapp.rules.validation import CHANNEL_LABELS, FEE_KIND_LABELS, RESULT_LABELS
from fieldapp.seal.seal_status import seal_state
from fieldapp.store.models import Slip
from fieldapp.tools import exchange


def _label(table: dict[str, tuple[str, str]], key: str) -> str:
    zh, en = table.get(key, (key, key))
    return zh if current_language() == "zh" else en


def _list_options(function: Callable[..., None]) -> Callable[..., None]:
    """--limit, --json and --numbers, shared by the list commands."""
    for option in reversed((
        click.option("--limit", default=50, show_default=True,
                     type=click.IntRange(1, 100_000)),
        click.option("--json", "as_json", is_flag=True, help="Machine-readable output."),
        click.option("--numbers", is_flag=True,
                     help="Only the numbers, one a line (for scripts: NUMBER=$(…))."),
    )):
        function = option(function)
    return function


def _echo_rows(rows: Sequence[Any], *, as_json: bool, numbers: bool,
               line: Callable[[Any], list[str]], none_found: str) -> None:
    if as_json:
        echo_json([row.__dict__ for row in rows])
    elif numbers:
        for row in rows:
            click.echo(row.number)
    elif rows:
        for row in rows:
            click.echo("  ".join(line(row)))
    else:
        click.echo(none_found)


@click.group("requests")
def requests_group() -> None:
    """Service requests (服务请求)."""


@requests_group.command("list")
# The statuses as plain text: click.Choice matches an Enum member by its name (OPEN).
@click.option("--status", type=click.Choice([str(s) for s in REQUEST_STATUS]),
              help="Only this status.")
@click.option("--search", default="", help="Text in number, customer or fault.")
@_list_options
@pass_app
def requests_list(app: AppContext, status: str | None, search: str, limit: int,
                  as_json: bool, numbers: bool) -> None:
    """List service requests, newest first."""
    with fail_on_errors(), app.store.read() as session:
        rows = list_requests(session, status=status, search=search, limit=limit)
    _echo_rows(rows, as_json=as_json, numbers=numbers, line=lambda row: [
        row.number, format_local(row.requested_at, app.timezone),
        _label(CHANNEL_LABELS, row.channel), _label(REQUEST_STATUS, row.status),
        row.customer_name, row.engineer_name or "-", row.fault_reported[:30],
    ], none_found=t("没有符合条件的服务请求。", "No matching service requests."))


@click.group("slips")
def slips_group() -> None:
    """Service slips (服务单据)."""


@slips_group.command("list")
@click.option("--status", type=click.Choice([str(s) for s in SLIP_STATUS]),
              help="Only this status.")
@click.option("--search", default="", help="Chinese or English text anywhere in the slip.")
@_list_options
@pass_app
def slips_list(app: AppContext, status: str | None, search: str, limit: int,
               as_json: bool, numbers: bool) -> None:
    """List slips, newest first."""
    with fail_on_errors(), app.store.read() as session:
        rows = list_slips(session, SlipFilter(search=search, status=status), limit=limit)
    _echo_rows(rows, as_json=as_json, numbers=numbers, line=lambda row: [
        row.number, format_local(row.created_at, app.timezone),
        _label(SLIP_STATUS, row.status), row.customer_name, row.engineer_name,
        row.fault[:30],
    ], none_found=t("没有符合条件的服务单。", "No matching slips."))


def slip_as_dict(slip: Slip, tz: str) -> dict[str, object]:
    request = slip.request
    return {
        "number": slip.number,
        "request_number": request.number,
        "status": slip.status,
        "customer": request.customer.name,
        "contact": f"{request.contact_name} {request.contact_phone}".strip(),
        "device": " ".join(filter(None, [request.device.brand, request.device.model,
                                         request.device.serial])) if request.device else "",
        "channel": request.channel,
        "engineer": f"{slip.engineer.name} ({slip.engineer.code})",
        "requested_at": format_local(request.requested_at, tz),
        "arrived_at": format_local(slip.arrived_at, tz),
        "started_at": format_local(slip.started_at, tz),
        "solved_at": format_local(slip.solved_at, tz),
        "departed_at": format_local(slip.departed_at, tz),
        "fault_reported": request.fault_reported,
        "fault_found": slip.fault_found,
        "handling": slip.handling,
        "result": slip.result,
        "fee_lines": [{"kind": f.kind, "description": f.description,
                       "quantity": f"{f.quantity_milli / 1000:g}",
                       "amount": format_yuan(f.amount_fen)} for f in slip.fee_lines],
        "total": format_yuan(slip.total_fen),
        "signatures": [{"role": s.role, "name": s.signer_name,
                        "signed_at": format_local(s.signed_at, tz)} for s in slip.signatures],
        "seal": slip.seal,
        "amends": slip.amends.number if slip.amends else None,
    }


@slips_group.command("show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_app
def slips_show(app: AppContext, number: str, as_json: bool) -> None:
    """Show one slip in full."""
    with fail_on_errors(), app.store.read() as session:
        slip = get_slip(session, number)
        data = slip_as_dict(slip, app.timezone)
        data["copies_printed"] = print_count(session, slip)
        seal = seal_state(slip)  # checked whenever it is shown
    data["seal_state"] = seal.state
    data["seal_problems"] = [en for _zh, en in seal.problems]
    if as_json:
        echo_json(data)
        return
    labels = {
        "number": ("单号", "Slip"), "request_number": ("请求号", "Request"),
        "status": ("状态", "Status"), "customer": ("客户", "Customer"),
        "contact": ("联系方式", "Contact"), "device": ("设备", "Device"),
        "channel": ("请求方式", "Channel"), "engineer": ("工程师", "Engineer"),
        "requested_at": ("请求时间", "Requested"), "arrived_at": ("到达时间", "Arrived"),
        "started_at": ("开始时间", "Started"), "solved_at": ("解决时间", "Solved"),
        "departed_at": ("离开时间", "Departed"), "fault_reported": ("故障现象", "Reported"),
        "fault_found": ("现场故障描述", "Found"), "handling": ("处理方式", "Handling"),
        "result": ("处理结果", "Result"), "total": ("费用合计", "Total"),
        "seal": ("封存码", "Seal"), "amends": ("更正原单", "Amends"),
        "copies_printed": ("已出具副本（打印或保存）", "Copies issued (printed or saved)"),
    }
    values = dict(data)
    values["status"] = t(*seal.label)
    values["channel"] = _label(CHANNEL_LABELS, str(data["channel"]))
    values["result"] = _label(RESULT_LABELS, str(data["result"])) if data["result"] else ""
    for key, pair in labels.items():
        if values.get(key) not in (None, ""):
            click.echo(f"{t(*pair)}: {values[key]}")
    for line in slip.fee_lines:
        click.echo(f"  - {_label(FEE_KIND_LABELS, line.kind)} {line.description} "
                   f"x{line.quantity_milli / 1000:g} = {format_yuan(line.amount_fen)}")
    for sig in data["signatures"]:  # type: ignore[attr-defined]
        role = t("工程师签字", "Engineer signed") if sig["role"] == "engineer" else t(
            "客户签字", "Customer signed")
        click.echo(f"{role}: {sig['name']} {sig['signed_at']}")
    for zh, en in seal.problems:  # the reasons, where nobody can miss them
        click.echo(f"{t('封存校验', 'Seal check')}: {t(zh, en)}")


@slips_group.command("export")
@click.argument("numbers", nargs=-1)
@click.option("-o", "--output", type=PathParam(dir_okay=False), required=True,
              help="JSON file to write ('-' for standard output).")
@pass_app
def slips_export(app: AppContext, numbers: tuple[str, ...], output: str) -> None:
    """Export slips (all, or the NUMBERS given) as JSON, seals and signatures included."""
    with fail_on_errors(), app.store.read() as session:
        chosen = ([get_slip(session, n) for n in numbers] if numbers
                  else list(session.scalars(select(Slip).order_by(Slip.created_at))))
        text = exchange.dumps(exchange.export_slips(session, chosen))
    if output == "-":
        click.echo(text)
    else:
        with fail_on_errors():
            write_file(Path(output), text.encode("utf-8"))
        click.echo(t(f"已导出 {len(chosen)} 张服务单到 {output}。",
                     f"Exported {len(chosen)} slips to {output}."))


@slips_group.command("import")
@click.argument("file", type=PathParam(dir_okay=False))
@pass_app
def slips_import(app: AppContext, file: str) -> None:
    """Import a JSON export; records already here are skipped, nothing half-imported."""
    with fail_on_errors():
        try:
            data = json.loads(read_file(Path(file)).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValidationError([FieldIssue("file", "not_json", f"文件不是有效的 JSON：{exc}",
                                              f"The file is not valid JSON: {exc}")]) from exc
        with app.store.write() as session:
            report = exchange.import_slips(session, data)
    added = report.added.get("slips", 0)
    same = report.unchanged.get("slips", 0)
    click.echo(t(f"已导入 {added} 张服务单，{same} 张已存在。",
                 f"Imported {added} slips; {same} were here already."))
