"""`fieldapp login`, `fieldapp logout` and `fieldapp sync`: this laptop and the archive."""

from __future__ import annotations

import socket

import click

from fieldapp.cli.context import AppContext, UserError, echo_json, fail_on_errors, pass_app, t
from fieldapp.i18n import current_language


def _client(app: AppContext, server: str | None = None):
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
@click.option("--password", prompt=True, hide_input=True, envvar="FIELDAPP_PASSWORD",
              help="Prompted for when not given.")
@click.option("--label", default=None, help="Name of this laptop (default: host name).")
@pass_app
def login_command(app: AppContext, server: str, user_name: str, password: str,
                  label: str | None) -> None:
    """Enrol this laptop with the archive and keep its device token."""
    from fieldapp import numbering
    from fieldapp.sync import state
    from fieldapp.sync.client import ArchiveClient
    from fieldapp.sync.credentials import save_token

    server = server.rstrip("/")
    with fail_on_errors(), ArchiveClient(server) as client:
        answer = client.login(user_name, password, label or socket.gethostname())
    where = save_token(app.data_dir, server, answer["token"])
    with app.store.write() as session:  # numbers made offline from now on are this laptop's
        state.put(session, numbering.BLOCK_KEY, str(int(answer.get("number_block") or 0)))
    app.settings.set("archive_url", server)
    app.settings.save()
    user = answer["user"]
    click.echo(t(f"已登录 {server}：{user['name']}（{user['role']}），令牌保存在 {where}。",
                 f"Logged in to {server} as {user['name']} ({user['role']}); "
                 f"token kept in {where}."))


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
@click.option("--check", "check", is_flag=True,
              help="After the round, compare counts and hashes with the archive.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_app
def sync_command(app: AppContext, retry_refused: bool, check: bool, as_json: bool) -> None:
    """Run one sync round; exit 0 only if everything pushed was acknowledged (and, with
    --check, the laptop and the archive agree)."""
    from fieldapp.sync import outbox
    from fieldapp.sync.check import check_with_archive
    from fieldapp.sync.rounds import run_sync_round

    store = app.store
    if retry_refused:
        with fail_on_errors(), store.write() as session:
            outbox.retry_refused(session)
    comparison = None
    with _client(app) as client:
        report = run_sync_round(store, app.settings, client)
        if check and report.error is None:
            with fail_on_errors():
                comparison = check_with_archive(store, client)
    with store.read() as session:  # every refused record waiting here, not just this round's
        waiting = [(e.table_name, str(e.record_id), e.reason_zh, e.reason_en)
                   for e in outbox.refused(session)]
    lang = current_language()
    if as_json:
        echo_json({"ok": report.ok, "pushed": report.pushed, "accepted": report.accepted,
                   "duplicate": report.duplicate, "refused": len(report.refused),
                   "pulled": report.pulled, "cursor": report.cursor,
                   "pending": report.still_pending, "refused_waiting": report.refused_total,
                   "clock_skew_seconds": report.clock_skew_seconds,
                   "error": report.error.message(lang) if report.error else None,
                   "refusals": [{"table": r.table, "id": r.id, "code": r.code,
                                 "reason": r.zh if lang == "zh" else r.en}
                                for r in report.refused],
                   "refused_records": [{"table": tb, "id": i, "reason": t(zh, en)}
                                       for tb, i, zh, en in waiting],
                   "check": None if comparison is None else {
                       "agree": comparison.agree, "disagreements": comparison.disagreements,
                       "tables": comparison.tables,
                       "problems": [{"kind": k, "table": tb, "id": i}
                                    for k, tb, i in comparison.problems]}})
    else:
        click.echo(t(f"上传 {report.pushed} 条：接收 {report.accepted}，重复 {report.duplicate}，"
                     f"拒收 {len(report.refused)}；下载 {report.pulled} 条；待上传 "
                     f"{report.still_pending}，拒收待处理 {report.refused_total}。",
                     f"Pushed {report.pushed}: {report.accepted} accepted, {report.duplicate} "
                     f"duplicate, {len(report.refused)} refused; pulled {report.pulled}; "
                     f"{report.still_pending} pending, {report.refused_total} refused waiting."))
        for table, record_id, zh, en in waiting:
            click.echo(t(f"  拒收 {table} {record_id}：{zh}",
                         f"  refused {table} {record_id}: {en}"), err=True)
        if comparison is not None and comparison.agree:
            click.echo(t("核对：本机与档案一致（各表数量与校验码相同）。",
                         "Check: this laptop and the archive agree (counts and hashes)."))
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
