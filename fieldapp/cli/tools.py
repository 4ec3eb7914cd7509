"""`fieldapp demo`, `fieldapp verify` and `fieldapp sla`."""

from __future__ import annotations

from pathlib import Path

import click

from fieldapp.base.errors import NotFound
from fieldapp.base.files import read_file
from fieldapp.base.timeutil import format_local, utcnow
from fieldapp.cli.context import AppContext, echo_json, fail_on_errors, pass_app, t
from fieldapp.records.service_requests import get_request
from fieldapp.records.sla_records import request_clocks, request_loaner, slip_clocks
from fieldapp.records.slips import get_slip
from fieldapp.seal.receipts import sealing_gap_seconds
from fieldapp.seal.seal_trust import laptop_keys
from fieldapp.seal.sealing import verify_slip
from fieldapp.services import setup
from fieldapp.sla import INTAKE_LABELS, SERVICE_KIND_LABELS, is_hardware
from fieldapp.sla import label as sla_label
from fieldapp.store.blobs import blobs_beside
from fieldapp.store.models import Slip


@click.command("demo")
@click.option("--requests", "count", default=40, show_default=True,
              type=click.IntRange(1, 1_000_000), help="How many service requests to make.")
@click.option("--seed", default=7, show_default=True, help="Random seed (same seed, same data).")
@pass_app
def demo_command(app: AppContext, count: int, seed: int) -> None:
    """Fill the local store with realistic Chinese demo data."""
    def report(done: int, total: int) -> None:
        click.echo(t(f"已生成 {done}/{total} 个请求…", f"{done}/{total} requests made…"))

    with fail_on_errors():
        try:
            setup.fill_demo(app.store, requests=count, seed=seed,
                            progress=report if count >= 10_000 else None)
        except setup.DemoAlreadyLoaded as exc:
            click.echo(str(exc))  # running it again is fine: nothing to do
            return
    click.echo(t(f"已生成 {count} 个演示服务请求（数据目录：{app.data_dir}）。",
                 f"Made {count} demo service requests (data folder: {app.data_dir})."))


@click.command("verify")
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_app
def verify_command(app: AppContext, target: str, as_json: bool) -> None:
    """Check a sealed slip (by NUMBER, or a customer-copy PDF) against its seal."""
    file_intact: bool | None = None
    with fail_on_errors():
        number, claimed_seal, copy = target, None, None
        if target.lower().endswith(".pdf"):  # a file: read it, or say why not
            from fieldapp.documents.payload import file_digest_ok

            copy = read_file(Path(target))
            number, claimed_seal = _payload_from_pdf(Path(target), copy)
            file_intact = file_digest_ok(copy)
        with app.store.read() as session:
            slip = get_slip(session, number)
            # with this laptop's keys and receipts; the attached files re-hashed
            result = verify_slip(slip, files=blobs_beside(app.store.path))
            missing = _not_printed(copy, slip) if copy is not None and slip.seal else []
            receipt = laptop_keys(app.store, session).receipt_of(slip)
    problems = list(result.problems)
    if missing:
        problems.append(("副本上印的内容与存档不符（不符或缺少：" + "、".join(missing) + "）。",
                         "The copy does not print what the archive holds (differs or missing: "
                         + ", ".join(missing) + ")."))
    if file_intact is False:
        problems.append(("该 PDF 文件在生成后被改动过（文件校验码不符）。",
                         "The PDF file was changed after it was made (its digest differs)."))
    if claimed_seal is not None and claimed_seal != result.seal:
        problems.append(("纸质/PDF 副本上的封存码与存档不符。",
                         "The seal on the copy differs from the stored one."))
    ok = result.ok and not problems
    fields = receipt.fields if receipt is not None and ok else None
    if as_json:
        echo_json({"number": result.number, "ok": ok, "seal": result.seal,
                   "seal_format": result.seal_format, "device_key": result.key_id,
                   "archived_at": fields["archived_at"] if fields else None,
                   "problems": [p[1] for p in problems]})
    elif ok:
        click.echo(t(f"服务单 {result.number} 校验通过，封存码 {result.seal}",
                     f"Slip {result.number} verified: seal {result.seal}"))
        if result.format_label is not None:
            click.echo(t("封存格式", "Seal format") + ": " + t(*result.format_label))
        if result.key_id:
            click.echo(t("设备密钥", "Device key") + f": {result.key_id}")
        if fields:
            gap = sealing_gap_seconds(fields)
            click.echo(t(f"档案回执：{fields['archived_at']} 收到（封存后 {gap} 秒）",
                         f"Archive receipt: received {fields['archived_at']} "
                         f"({gap} s after sealing)"))
    else:
        for zh, en in problems:
            click.echo(t(zh, en), err=True)
    if not ok:
        raise click.exceptions.Exit(1)


def _not_printed(copy: bytes, slip: Slip) -> list[str]:
    from fieldapp.documents.payload import printed_facts_missing, slip_amounts

    return printed_facts_missing(copy, number=slip.number, seal=slip.seal or "",
                                 amounts=slip_amounts(slip))


def _payload_from_pdf(path: Path, data: bytes) -> tuple[str, str]:
    from fieldapp.documents import read_payload_from_pdf

    payload = read_payload_from_pdf(data)
    if payload is None:
        raise NotFound(f"{path} 中没有 fieldapp 服务单信息。",
                       f"{path} carries no fieldapp slip information.")
    return payload



@click.command("sla")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_app
def sla_command(app: AppContext, number: str, as_json: bool) -> None:
    """SLA clocks of a request or slip NUMBER: every promise it carries (answer, arrival,
    remote, hardware repair), each with deadline, time left and state; the loaner."""
    now = utcnow()
    with fail_on_errors(), app.store.read() as session:
        if number.startswith("S-"):
            slip = get_slip(session, number)
            request = slip.request
            clocks = slip_clocks(slip, now)
        else:
            request = get_request(session, number)
            clocks = request_clocks(request, now)
        hardware = is_hardware(request.service_kind, request.hardware_fault)
        loaner = request_loaner(request, now) if hardware else None
        intake, kind = request.intake_channel, request.service_kind
    if as_json:
        echo_json({
            "number": number,
            "intake_channel": intake,
            "service_kind": kind,
            "hardware_fault": hardware,
            "clocks": [{"kind": c.kind.value, "state": c.state.value,
                        "deadline": c.deadline.isoformat() if c.deadline else None,
                        "cap_deadline": c.cap_deadline.isoformat() if c.cap_deadline else None,
                        "stopped_at": c.stopped_at.isoformat() if c.stopped_at else None,
                        "time_left_seconds": c.time_left.total_seconds()
                        if c.time_left is not None else None,
                        "calendar_covered": c.calendar_covered,
                        "explanation": c.explanation()} for c in clocks],
            "loaner": None if loaner is None else {"entitled": loaner.entitled,
                                                   "due": loaner.due,
                                                   "reason": loaner.reason()},
        })
        return
    click.echo(f"{t('受理渠道', 'Intake')}: {t(*INTAKE_LABELS.get(intake, (intake,) * 2))}"
               f" · {t('服务类型', 'Service')}: {t(*SERVICE_KIND_LABELS.get(kind, (kind,) * 2))}"
               + (f" · {t('硬件故障', 'hardware fault')}" if hardware else ""))
    if not clocks:
        click.echo(t("此请求不计时限（来访当面答复）。",
                     "No clock applies to this request (answered in person)."))
    for clock in clocks:
        click.echo(f"{sla_label(clock.kind)}: {sla_label(clock.state)} — {clock.explanation()}")
        if clock.deadline is not None:
            click.echo(f"  {t('截止', 'Deadline')}: {format_local(clock.deadline, app.timezone)}")
        if not clock.calendar_covered:
            click.echo(t("  注意：节假日数据未覆盖该时段，按周一至周五计算。",
                         "  Note: no holiday data for this period; Mon–Fri assumed."))
    if loaner is not None:
        click.echo(f"{t('备机', 'Loaner')}: {loaner.reason()}")
