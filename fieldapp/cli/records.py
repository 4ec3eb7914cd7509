"""`fieldapp requests …`, `fieldapp slips …` and `fieldapp devices …`: taking a request,
listing, showing, export and import; a device's story."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from fieldapp.base.device_classes import device_class_label
from fieldapp.base.errors import FieldIssue, NotFound, ValidationError
from fieldapp.base.files import write_file
from fieldapp.base.i18n import current_language, term
from fieldapp.base.money import format_yuan
from fieldapp.base.timeutil import format_local, parse_local, utcnow
from fieldapp.cli.context import (
    AppContext,
    PathParam,
    echo_json,
    fail_on_errors,
    pass_app,
    t,
)
from fieldapp.reads.device_history import DeviceHistory
from fieldapp.reads.queries import SlipFilter, list_requests, list_slips
from fieldapp.records.service_requests import STATUS_LABELS as REQUEST_STATUS
from fieldapp.records.slips import STATUS_LABELS as SLIP_STATUS
from fieldapp.records.slips import get_slip, print_count
from fieldapp.rules.validation import (
    CHANNEL_LABELS,
    DESK_INTAKE_CHANNELS,
    FEE_KIND_LABELS,
    RESULT_LABELS,
    SERVICE_KINDS,
)
from fieldapp.seal.seal_status import seal_state
from fieldapp.services import devices, exchange, requests
from fieldapp.services.devices import NewDevice
from fieldapp.services.requests import NewRequest
from fieldapp.sla import INTAKE_LABELS, SERVICE_KIND_LABELS
from fieldapp.store.models import Slip
from fieldapp.store.values import SignerRole


def _label(table: dict[str, tuple[str, str]], key: str) -> str:
    return term(table, key)


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
        _kinds(row.intake_channel, row.service_kind, row.channel),
        _label(REQUEST_STATUS, row.status),
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
        "intake_channel": request.intake_channel,
        "service_kind": request.service_kind,
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


def _kinds(intake_channel: str, service_kind: str, channel: str) -> str:
    """How the request came in → what it asks ("电话 → 现场服务"); the old channel alone
    for a row without them."""
    if not intake_channel or not service_kind:
        return _label(CHANNEL_LABELS, channel)
    return f"{_label(INTAKE_LABELS, intake_channel)} → {_label(SERVICE_KIND_LABELS, service_kind)}"


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
        signed = [(s.role, s.signer_name, format_local(s.signed_at, app.timezone))
                  for s in slip.signatures]
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
    values["channel"] = _kinds(str(data["intake_channel"]), str(data["service_kind"]),
                               str(data["channel"]))
    values["result"] = _label(RESULT_LABELS, str(data["result"])) if data["result"] else ""
    for key, pair in labels.items():
        if values.get(key) not in (None, ""):
            click.echo(f"{t(*pair)}: {values[key]}")
    for line in slip.fee_lines:
        click.echo(f"  - {_label(FEE_KIND_LABELS, line.kind)} {line.description} "
                   f"x{line.quantity_milli / 1000:g} = {format_yuan(line.amount_fen)}")
    for role, name, signed_at in signed:
        who = t("工程师签字", "Engineer signed") if role == SignerRole.ENGINEER else t(
            "客户签字", "Customer signed")
        click.echo(f"{who}: {name} {signed_at}")
    for zh, en in seal.problems:  # the reasons, where nobody can miss them
        click.echo(f"{t('封存校验', 'Seal check')}: {t(zh, en)}")


@slips_group.command("export")
@click.argument("numbers", nargs=-1)
@click.option("-o", "--output", type=PathParam(dir_okay=False), required=True,
              help="File to write: a package (.zip: JSON and attached files); a .json file "
                   "or '-' (standard output) holds the JSON alone, without the files.")
@pass_app
def slips_export(app: AppContext, numbers: tuple[str, ...], output: str) -> None:
    """Export slips (all, or the NUMBERS given), seals, signatures and attached files."""
    if output != "-" and not output.lower().endswith(".json"):
        with fail_on_errors():
            package = exchange.export_package(app.store, numbers, Path(output))
        click.echo(t(f"已导出 {package.count} 张服务单和 {package.files_carried} 个附件文件到 "
                     f"{output}。",
                     f"Exported {package.count} slips and {package.files_carried} attached "
                     f"files to {output}."))
        if package.files_missing:
            gone = len(package.files_missing)
            click.echo(t(f"{gone} 个附件文件不在本机，未包含在导出中。",
                         f"{gone} attached files are not on this laptop and are not in the "
                         "export."), err=True)
        return
    with fail_on_errors():
        exported = exchange.export_slips(app.store, numbers)
    if output == "-":
        click.echo(exported.text)
    else:
        with fail_on_errors():
            write_file(Path(output), exported.text.encode("utf-8"))
        click.echo(t(f"已导出 {exported.count} 张服务单到 {output}。",
                     f"Exported {exported.count} slips to {output}."))
    if exported.files:
        click.echo(t(f"JSON 导出不含附件文件（{exported.files} 个）；"
                     "要一并导出，请写成 .zip 文件。",
                     f"A JSON export does not carry the attached files ({exported.files}); "
                     "write a .zip to include them."), err=True)


@slips_group.command("import")
@click.argument("file", type=PathParam(dir_okay=False))
@pass_app
def slips_import(app: AppContext, file: str) -> None:
    """Import an export (package or JSON); records already here are skipped, attached
    files checked against their SHA-256 and size, nothing half-imported."""
    with fail_on_errors():
        report = exchange.import_file(app.store, Path(file))
    added = report.added.get("slips", 0)
    same = report.unchanged.get("slips", 0)
    click.echo(t(f"已导入 {added} 张服务单，{same} 张已存在。",
                 f"Imported {added} slips; {same} were here already."))
    if report.files or report.files_missing:
        click.echo(t(f"附件文件：{report.files} 个已校验并保存，{report.files_missing} 个不在导出"
                     "文件中（fieldapp verify 会列出）。",
                     f"Attached files: {report.files} checked and stored, "
                     f"{report.files_missing} not in the export (fieldapp verify names them)."))


# -- taking a request, a device's story (R2.1) ------------------------------------------------

def _moment(text: str | None, field: str, tz: str) -> datetime | None:
    if not text:
        return None
    try:
        return parse_local(text, tz)
    except ValueError as exc:
        raise ValidationError([FieldIssue(
            field, "time_format", f"时间格式应为 YYYY-MM-DD HH:MM：{text}",
            f"A time is written YYYY-MM-DD HH:MM: {text}")]) from exc


@requests_group.command("add")
@click.option("--customer", required=True, help="Customer code or name (客户).")
@click.option("--fault", required=True, help="The fault as reported (故障现象).")
@click.option("--intake", type=click.Choice([str(c) for c in DESK_INTAKE_CHANNELS]),
              default="phone", show_default=True, help="How it came in (受理渠道).")
@click.option("--service", type=click.Choice([str(k) for k in SERVICE_KINDS]),
              default="onsite", show_default=True, help="What it asks for (服务类型).")
@click.option("--hardware", is_flag=True, help="A hardware fault (R1.4: 4 hours on site too).")
@click.option("--site", default="", help="The customer's site, by name (服务地点).")
@click.option("--device", default="", help="The customer's device: serial or asset tag.")
@click.option("--new-device", "new_class", default="",
              help="A device met for the first time: its class (打印机, laptop …); with "
                   "--brand, --model, --serial, --asset-tag.")
@click.option("--brand", default="", help="New device: brand.")
@click.option("--model", default="", help="New device: model.")
@click.option("--serial", default="", help="New device: serial number.")
@click.option("--asset-tag", default="", help="New device: asset tag.")
@click.option("--contact", default="", help="The customer's contact, by name.")
@click.option("--contact-name", default="", help="Who called (if not a known contact).")
@click.option("--contact-phone", default="", help="Their phone number.")
@click.option("--save-contact", is_flag=True, help="Keep them as a new contact.")
@click.option("--requested-at", default=None, help="YYYY-MM-DD HH:MM (default: now).")
@click.option("--answered-at", default=None, help="YYYY-MM-DD HH:MM: when it was answered.")
@click.option("--engineer", default="", help="Assign to this engineer code.")
@click.option("--operator", default="", help="Your code, used in the number (default: the "
                                              "operator_code setting).")
@click.option("--numbers", is_flag=True, help="Print only the new request's number.")
@pass_app
def requests_add(app: AppContext, customer: str, fault: str, intake: str, service: str,
                 hardware: bool, site: str,
                 device: str, new_class: str, brand: str, model: str, serial: str,
                 asset_tag: str, contact: str, contact_name: str, contact_phone: str,
                 save_contact: bool, requested_at: str | None, answered_at: str | None,
                 engineer: str, operator: str, numbers: bool) -> None:
    """Take a service request: customer, site, device (known or new), contact."""
    with fail_on_errors():
        operator = operator.strip() or str(app.settings.get("operator_code") or "")
        if not operator:
            raise ValidationError([FieldIssue(
                "operator", "required", "请用 --operator 指定您的工号（或在设置中填写）。",
                "Give your code with --operator (or set operator_code).")])
        if device.strip() and new_class.strip():
            raise ValidationError([FieldIssue(
                "device", "both", "--device 与 --new-device 只能选其一。",
                "Give either --device or --new-device, not both.")])
        if not new_class.strip() and any((brand, model, serial, asset_tag)):
            raise ValidationError([FieldIssue(
                "new_device", "class", "新设备须用 --new-device 指定设备类别。",
                "A new device needs its class: --new-device CLASS.")])
        named = requests.by_names(app.store, customer, site=site, device=device,
                                  contact=contact)
        engineer_id = None
        if engineer.strip():
            match = [e for e in requests.pickers(app.store).engineers
                     if e.code == engineer.strip()]
            if not match:
                raise NotFound(f"找不到工号为 {engineer.strip()} 的工程师。",
                               f"No engineer with code {engineer.strip()}.")
            engineer_id = match[0].id
        new = NewRequest(
            customer_id=named.customer_id, intake_channel=intake, service_kind=service,
            hardware_fault=hardware, fault_reported=fault,
            contact_name=contact_name, contact_phone=contact_phone,
            requested_at=_moment(requested_at, "requested_at", app.timezone) or utcnow(),
            answered_at=_moment(answered_at, "answered_at", app.timezone),
            engineer_id=engineer_id, site_id=named.site_id, device_id=named.device_id,
            contact_id=named.contact_id, save_contact=save_contact,
            new_device=NewDevice(new_class, brand, model, serial, asset_tag)
            if new_class.strip() else None)
        request_id = requests.take_request(app.store, new, operator)
        shown = requests.summary(app.store, request_id)
    if numbers:
        click.echo(shown.number)
        return
    sep = t("，", ", ")
    click.echo(t(f"已登记服务请求 {shown.number}：", f"Request {shown.number} taken: ")
               + sep.join(p for p in (shown.customer_name, shown.site, shown.device) if p))


@click.group("devices")
def devices_group() -> None:
    """Customers' devices (设备) and their service history."""


def _history_json(story: DeviceHistory, tz: str) -> dict[str, object]:
    d = story.device
    return {"customer": d.customer_name, "device_type": d.device_type,
            "device_class": d.device_class, "brand": d.brand, "model": d.model,
            "serial": d.serial, "asset_tag": d.asset_tag, "site": d.site_name,
            "history": [{"kind": e.kind, "at": format_local(e.at, tz), "number": e.number,
                         "status": e.status(), "text": e.about()} for e in story.entries]}


@devices_group.command("show")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_app
def devices_show(app: AppContext, code: str, as_json: bool) -> None:
    """A device by serial number or asset tag, with every request, slip, repair, loaner
    and finding for it, newest first."""
    with fail_on_errors():
        story = devices.show(app.store, code)
    if as_json:
        echo_json(_history_json(story, app.timezone))
        return
    d = story.device
    language = current_language()
    for pair, value in ((("设备", "Device"), d.label),
                        (("设备类别", "Class"), device_class_label(d.device_class, language)),
                        (("客户", "Customer"), d.customer_name),
                        (("序列号", "Serial number"), d.serial),
                        (("资产编号", "Asset tag"), d.asset_tag),
                        (("服务地点", "Site"), d.site_name)):
        if value:
            click.echo(f"{t(*pair)}: {value}")
    if not story.entries:
        click.echo(t("该设备还没有服务记录。", "No service records for this device yet."))
        return
    click.echo(t(f"服务记录（{len(story.entries)} 条，最新在前）：",
                 f"Service history ({len(story.entries)}, newest first):"))
    for e in story.entries:
        about = e.about().replace("\n", " ")
        click.echo("  ".join(p for p in (
            format_local(e.at, app.timezone), e.kind_label(), e.number, e.status(),
            about[:40]) if p))
