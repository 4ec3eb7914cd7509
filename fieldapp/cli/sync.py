"""`fieldapp login`, `fieldapp logout` and `fieldapp sync`: this laptop and the archive."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from fieldapp.base.i18n import current_language, pick
from fieldapp.base.terminal import read_password, stdin_is_terminal
from fieldapp.cli.context import AppContext, UserError, echo_json, fail_on_errors, pass_app, t
from fieldapp.sync.joining import ROLE_LABELS, SENDERS, Unsent

if TYPE_CHECKING:
    from fieldapp.sync.client import ArchiveClient
    from fieldapp.sync.files import FileProgress


def _client(app: AppContext, server: str | None = None) -> ArchiveClient:
    from fieldapp.sync.client import ArchiveClient
    from fieldapp.sync.credentials import load_token

    url = server or str(app.settings.get("archive_url"))
    if not url:
        raise UserError(t("尚未设置档案服务器地址，请先运行 fieldapp login --server URL。",
                          "No archive server set; run fieldapp login --server URL first."))
    return ArchiveClient(url, load_token(app.data_dir, url))


@click.command("login")
@click.option("--server", required=True, help="Archive address, e.g. https://archive.example.cn")
@click.option("--user", "user_name", required=True, help="Your archive user name.")
@click.option("--password", envvar="FIELDAPP_PASSWORD", default=None,
              help="Your password (or FIELDAPP_PASSWORD); prompted for at a terminal.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from one line of standard input.")
@click.option("--label", default=None, help="Name of this laptop (default: host name).")
@click.option("--keep-local", "local_records", flag_value="keep",
              help="Records made here before joining (demo data…) stay on this laptop, "
                   "never sent.")
@click.option("--fresh-store", "local_records", flag_value="fresh",
              help="Move the store aside to a dated backup file in the data folder and "
                   "start an empty one.")
@click.option("--send-local", "local_records", flag_value="send",
              help="Send them (service-centre staff and admin accounts only).")
@pass_app
def login_command(app: AppContext, server: str, user_name: str, password: str | None,
                  password_stdin: bool, label: str | None, local_records: str | None) -> None:
    """Enrol this laptop with the archive and keep its device token.

    The first login to an archive asks what to do with records made on this laptop
    before (demo data…), which the archive refuses (docs/sync-protocol.md, "Joining an
    archive")."""
    from fieldapp.store import open_store
    from fieldapp.sync.client import ArchiveClient
    from fieldapp.sync.joining import unsent_before_joining

    server = server.rstrip("/")
    with fail_on_errors():
        store = open_store(app.data_dir)  # not app.store: --fresh-store moves this file
        try:
            with store.read() as session:
                unsent = unsent_before_joining(session, server,
                                               str(app.settings.get("archive_url")))
        finally:
            store.close()
    if unsent is not None and local_records is None and not stdin_is_terminal():
        raise UserError(t(
            f"本机有 {unsent.total} 条加入档案前建立的记录（例如演示数据），档案不会接收："
            "请加 --keep-local（留在本机、不上传）或 --fresh-store（旧数据库移到数据目录备份，"
            "换用新的空数据库）再运行；服务中心账号也可用 --send-local 上传。",
            f"This laptop holds {unsent.total} records made before it joined the archive "
            "(demo data, say) that the archive will not accept: run again with --keep-local "
            "(keep them here, unsent) or --fresh-store (move the store aside to a backup in "
            "the data folder, start an empty one); service-centre accounts may --send-local."))
    password = read_password(password, password_stdin, confirm=False, fail=UserError)
    with fail_on_errors(), ArchiveClient(server) as client:
        answer = client.login(user_name, password, label or socket.gethostname())
        _register_device_key(app.data_dir, client)
        role = str(answer["user"]["role"])
        choice = local_records if unsent is not None else None
        if unsent is not None and choice is None:
            try:
                choice = _ask_about_local_records(unsent, role)
            except click.Abort:
                client.logout()  # no answer: leave no enrolled laptop behind
                raise
        if choice == "send" and role not in SENDERS:
            client.logout()  # leave no enrolled laptop behind
            raise UserError(t(
                "只有服务中心（staff、admin）账号可以上传本机自己建立的记录，档案会拒收工程师账号上传的"
                "这些记录：请改用 --keep-local 或 --fresh-store。",
                "Only service-centre (staff, admin) accounts may send records made on this "
                "laptop; the archive refuses them from an engineer's account: use "
                "--keep-local or --fresh-store instead."))
    _join(app, server, answer, unsent, choice)
    if local_records == "fresh" and unsent is None:
        click.echo(t("本机没有档案不接收的记录，数据库未更换（--fresh-store 未执行）。",
                     "Nothing here that the archive would refuse; the store was kept "
                     "(--fresh-store did nothing)."))


def _register_device_key(data_dir: Path, client: ArchiveClient) -> None:
    """The archive learns the key this laptop signs seals with (docs/seal.md)."""
    from fieldapp.base.device_keys import load_device_key
    from fieldapp.sync.seal_keys import register_device_key

    register_device_key(data_dir, load_device_key(data_dir), client)


def _ask_about_local_records(unsent: Unsent, role: str) -> str:
    from fieldapp.sync.status import TABLE_LABELS

    kinds = "，".join(f"{TABLE_LABELS.get(k, (k, k))[0]} {n}" for k, n in unsent.by_table.items())
    kinds_en = ", ".join(f"{TABLE_LABELS.get(k, (k, k))[1].lower()} {n}"
                         for k, n in unsent.by_table.items())
    click.echo(t(
        f"本机有 {unsent.total} 条记录尚未上传（{kinds}）。它们是加入档案前在本机建立的（例如 "
        "fieldapp demo 的演示数据），引用本机自己的客户和工程师；档案只接收服务中心维护的基础资料"
        "和引用这些资料的记录，会拒收它们。",
        f"This laptop holds {unsent.total} records not yet sent ({kinds_en}). They were made "
        "here before the laptop joined the archive (fieldapp demo data, say) and refer to "
        "this laptop's own customers and engineers; the archive accepts only the service "
        "centre's reference data and records that refer to it, and will refuse them."))
    click.echo(t("  1  留在本机：保留在这台电脑上，不上传，以后同步不再报错；"
                 "以后为档案中的客户建立的记录照常上传。",
                 "  1  Keep them local: they stay on this laptop, unsent, and syncs no longer "
                 "report them; records made later for the archive's customers sync as usual."))
    click.echo(t("  2  换用新的空数据库：现有数据库移到数据目录中带日期的备份文件（不删除），"
                 "再从档案下载数据。",
                 "  2  Start a clean store: the current one is moved to a dated backup file in "
                 "the data folder (not deleted), then the archive's data is pulled."))
    options = ["1", "2"]
    if role in SENDERS:
        click.echo(t("  3  上传：服务中心账号可以把它们加入档案（演示数据也会进入公司档案）。",
                     "  3  Send them: a service-centre account may add them to the archive "
                     "(demo data would go into the company's archive too)."))
        options.append("3")
    picked = click.prompt(t("请选择", "Choose"), type=click.Choice(options))
    return {"1": "keep", "2": "fresh", "3": "send"}[picked]


def _join(app: AppContext, server: str, answer: dict[str, Any], unsent: Unsent | None,
          choice: str | None) -> None:
    """Settle the local records as chosen, then keep the token and the number block."""
    from fieldapp.base.timeutil import utcnow
    from fieldapp.records import numbering
    from fieldapp.sync import state
    from fieldapp.sync.credentials import save_token
    from fieldapp.sync.joining import keep_local, mark_joined, start_fresh

    backup = None
    if unsent is not None and choice == "fresh":
        with fail_on_errors():
            backup = start_fresh(app.data_dir, utcnow().astimezone())
    where = save_token(app.data_dir, server, answer["token"])
    with app.store.write() as session:  # numbers made offline from now on are this laptop's
        state.put(session, numbering.BLOCK_KEY, str(int(answer.get("number_block") or 0)))
        kept = keep_local(session) if unsent is not None and choice == "keep" else 0
        mark_joined(session, server)
    app.settings.set("archive_url", server)
    app.settings.save()
    user = answer["user"]
    role = t(*ROLE_LABELS.get(user["role"], (user["role"], user["role"])))
    click.echo(t(f"已登录 {server}：{user['name']}（{role}），令牌保存在 {where}。",
                 f"Logged in to {server} as {user['name']} ({role}); token kept in {where}."))
    if kept:
        click.echo(t(f"{kept} 条本机记录留在本机，不会上传。",
                     f"{kept} records stay on this laptop and will not be sent."))
    if backup is not None:
        click.echo(t(f"原数据库已移到 {backup}（未删除）；现在使用新的空数据库，运行 fieldapp sync "
                     "下载档案中的数据。",
                     f"The old store was moved to {backup} (not deleted); this laptop now "
                     "uses an empty store: run fieldapp sync to pull the archive's data."))
    if unsent is not None and choice == "send":
        click.echo(t(f"{unsent.total} 条本机记录将在下次同步时上传。",
                     f"{unsent.total} records made here will be sent on the next sync."))


@click.command("logout")
@pass_app
def logout_command(app: AppContext) -> None:
    """Revoke this laptop's token on the archive and forget it here."""
    from fieldapp.sync.client import SyncError
    from fieldapp.sync.credentials import forget_token

    with _client(app) as client:
        try:
            client.logout()
        except SyncError as exc:
            click.echo(exc.message(), err=True)
    forget_token(app.data_dir, client.base_url)
    click.echo(t("已退出登录。", "Logged out."))


@click.command("sync")
@click.option("--retry-refused", is_flag=True, help="Send refused records again.")
@click.option("--retry-parked", is_flag=True,
              help="After the pull, try again to store the pulled records set aside here.")
@click.option("--check", "check", is_flag=True,
              help="After the round, compare counts and hashes with the archive.")
@click.option("--full", "full", is_flag=True,
              help="Full re-sync, for a laptop whose state is in doubt: pull everything "
                   "from the beginning and send again what the archive does not have "
                   "(work waiting here is kept).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("-v", "--verbose", is_flag=True,
              help="List each refused record (by its number) with the archive's reason.")
@pass_app
def sync_command(app: AppContext, retry_refused: bool, retry_parked: bool, check: bool,
                 full: bool, as_json: bool, verbose: bool) -> None:
    """Run one sync round; exit 0 only if everything pushed was acknowledged (and, with
    --check, the laptop and the archive agree). Refused records are counted by reason;
    --verbose lists them. --full re-pulls everything and offers again what the archive
    lacks (fieldapp.sync.resync)."""
    from fieldapp.store import outbox
    from fieldapp.store.blobs import blobs_beside
    from fieldapp.sync import parking, state
    from fieldapp.sync.check import check_with_archive
    from fieldapp.sync.files import file_overview, problem_lines, size_line
    from fieldapp.sync.joining import JOINED
    from fieldapp.sync.resync import run_full_resync
    from fieldapp.sync.rounds import run_sync_round
    from fieldapp.sync.status import record_labels

    store = app.store
    if retry_refused:
        with fail_on_errors(), store.write() as session:
            outbox.retry_refused(session)
    comparison, offered = None, 0
    with _client(app) as client:
        if full:
            with fail_on_errors():  # a failing check: one line, the store as it was
                resync = run_full_resync(store, app.settings, client)
            report, offered = resync.report, resync.offered
        else:
            report = run_sync_round(store, app.settings, client,
                                    file_progress=None if as_json else _file_progress())
        retried = None
        if retry_parked:  # after the pull: what it brought may let them be stored
            from fieldapp.services.sync_status import retry_parked as store_parked

            with fail_on_errors():
                retried = store_parked(store)
        if check and report.error is None:
            with fail_on_errors():
                comparison = check_with_archive(store, client)
    with store.read() as session:  # every refused record waiting here, not just this round's
        waiting = [(e.table_name, e.record_id, e.reason_code, e.reason_zh, e.reason_en)
                   for e in outbox.refused(session)]
        labels = record_labels(session, [(w[0], w[1]) for w in waiting])
        kept_local = outbox.count(session, outbox.LOCAL)
        set_aside = [(p.code, p.zh, p.en) for p in parking.parked(session)]
        joined = bool(state.get(session, JOINED))
        files_now = file_overview(session, blobs_beside(store.path))  # earlier rounds' too
        file_lines = problem_lines(session, files_now)
    lang = current_language()
    if as_json:
        echo_json({"ok": report.ok, "pushed": report.pushed, "accepted": report.accepted,
                   "duplicate": report.duplicate, "refused": len(report.refused),
                   "pulled": report.pulled, "cursor": report.cursor,
                   "pending": report.still_pending, "refused_waiting": report.refused_total,
                   "clock_skew_seconds": report.clock_skew_seconds,
                   "error": report.error.message(lang) if report.error else None,
                   "refusals": [{"table": r.table, "id": r.id, "code": r.code,
                                 "reason": pick(r.zh, r.en, lang)}
                                for r in report.refused],
                   "refused_records": [{"table": tb, "id": str(i), "code": code,
                                        "label": t(*labels[(tb, i)]), "reason": t(zh, en)}
                                       for tb, i, code, zh, en in waiting],
                   "local": kept_local, "full": full, "offered_again": offered,
                   "files": {"sent": report.files.sent, "bytes": report.files.bytes_sent,
                             "already": report.files.already,
                             "waiting": report.files.waiting,
                             "problems": [t(p.zh, p.en) for p in report.files.problems],
                             "waiting_here": files_now.waiting,
                             "not_sent": [t(zh, en) for zh, en in file_lines]},
                   "parked": [{"code": code, "reason": t(zh, en)} for code, zh, en in set_aside],
                   "parked_stored": retried.stored if retried is not None else None,
                   "check": None if comparison is None else {
                       "agree": comparison.agree, "disagreements": comparison.disagreements,
                       "tables": comparison.tables,
                       "problems": [{"kind": k, "table": tb, "id": i,
                                     "label": t(*comparison.labels.get((tb, i), ("", "")))}
                                    for k, tb, i in comparison.problems],
                       "shown_differently": comparison.shown_differently}})
    else:
        click.echo(t(f"上传 {report.pushed} 条：接收 {report.accepted}，重复 {report.duplicate}，"
                     f"拒收 {len(report.refused)}；下载 {report.pulled} 条；待上传 "
                     f"{report.still_pending}，拒收待处理 {report.refused_total}。",
                     f"Pushed {report.pushed}: {report.accepted} accepted, {report.duplicate} "
                     f"duplicate, {len(report.refused)} refused; pulled {report.pulled}; "
                     f"{report.still_pending} pending, {report.refused_total} refused waiting."))
        files = report.files
        if files.sent or files.waiting or files.problems or files_now.waiting or file_lines:
            click.echo(t(*size_line(files, files_now)))
            for zh, en in file_lines:  # each file not sent, by its record's number
                click.echo("  " + t(zh, en))
        if full:
            click.echo(t("完整重新同步：已从头重新下载档案中的数据；"
                         f"本机有 {offered} 条档案中没有的记录，已重新上传。",
                         f"Full re-sync: everything the archive holds for this laptop was "
                         f"pulled again from the beginning; {offered} records here that the "
                         "archive did not have were sent again."))
        if kept_local:
            click.echo(t(f"另有 {kept_local} 条记录只留在本机，不上传。",
                         f"{kept_local} more records are kept on this laptop only, unsent."))
        _report_refusals(waiting, labels, verbose=verbose, joined=joined)
        if retried is not None:
            click.echo(t(f"暂存的记录已重试：{retried.stored} 条已存入本机，"
                         f"{retried.left} 条仍暂存。",
                         f"Set-aside records tried again: {retried.stored} stored here, "
                         f"{retried.left} still set aside."))
        _report_parked(set_aside)
        if comparison is not None and comparison.agree:
            click.echo(t("核对：本机与档案一致（各表数量、校验码及各服务请求的状态和负责人相同）。",
                         "Check: this laptop and the archive agree (counts, hashes, and each "
                         "request's status and assignee)."))
        elif comparison is not None:
            click.echo(t(f"核对：本机与档案有 {comparison.disagreements} 处不一致：",
                         f"Check: {comparison.disagreements} disagreements with the archive:"),
                       err=True)
            for zh, en in comparison.lines():
                click.echo(f"  {t(zh, en)}", err=True)
        if report.clock_skew_flagged:
            click.echo(t(f"警告：本机时钟与服务器相差 {report.clock_skew_seconds} 秒，请校准时间。",
                         f"Warning: this laptop's clock is {report.clock_skew_seconds} s off "
                         "the server's; please correct it."), err=True)
        if report.error is not None:
            click.echo(report.error.message(lang), err=True)
    if not report.ok or (comparison is not None and not comparison.agree):
        raise click.exceptions.Exit(1)


def _report_parked(set_aside: list[tuple[str, str, str]]) -> None:
    """Pulled records this laptop set aside (fieldapp.sync.parking), each with its reason
    (which names the record by its number)."""
    if not set_aside:
        return
    click.echo(t(f"下载的记录中有 {len(set_aside)} 条暂未存入本机（其余已同步）：",
                 f"{len(set_aside)} pulled records are set aside on this laptop (the rest "
                 "synced):"), err=True)
    for _code, zh, en in set_aside:
        click.echo(f"  {t(zh, en)}", err=True)


def _report_refusals(waiting: list[tuple[str, uuid.UUID, str, str, str]],
                     labels: dict[tuple[str, uuid.UUID], tuple[str, str]], *, verbose: bool,
                     joined: bool) -> None:
    """Refused records by reason, one line each (every record with --verbose): named by
    their numbers, never by a bare id, never by a person's name or phone."""
    if not waiting:
        return
    by_reason: dict[str, int] = {}
    for _table, _id, _code, zh, en in waiting:
        reason = t(zh, en) or t("（档案未说明原因）", "(no reason given)")
        by_reason[reason] = by_reason.get(reason, 0) + 1
    click.echo(t(f"被档案拒收、等待处理的记录 {len(waiting)} 条：",
                 f"{len(waiting)} records refused by the archive are waiting:"), err=True)
    for reason, n in sorted(by_reason.items(), key=lambda item: -item[1]):
        click.echo(t(f"  {n} 条：{reason}", f"  {n}: {reason}"), err=True)
    if verbose:
        for table, record_id, _code, zh, en in waiting:
            click.echo(f"    {t(*labels[(table, record_id)])}{t('：', ': ')}{t(zh, en)}",
                       err=True)
    else:
        click.echo(t("  （加 --verbose 逐条列出）", "  (--verbose lists them)"), err=True)
    if not joined:
        click.echo(t("若这些是加入档案前在本机建立的记录（例如演示数据），重新运行 fieldapp login "
                     "并加 --keep-local 把它们留在本机，或加 --fresh-store 换用新的空数据库。",
                     "If these were made on this laptop before it joined the archive (demo "
                     "data, say), run fieldapp login again with --keep-local to keep them "
                     "here, or --fresh-store to start a clean store."), err=True)


def _file_progress() -> Callable[[FileProgress], None] | None:
    """A progress line for the pictures being sent, on a terminal's standard error."""
    import sys

    if not sys.stderr.isatty():
        return None
    from fieldapp.sync.file_wire import file_size_text

    def show(p: FileProgress) -> None:
        done, total = file_size_text(p.bytes_done), file_size_text(p.bytes_total)
        click.echo("\r" + t(f"上传附件 {p.files_done}/{p.files_total}（{done}/{total}）",
                             f"Sending attachments {p.files_done}/{p.files_total} "
                             f"({done}/{total})"), nl=p.files_done == p.files_total, err=True)

    return show

