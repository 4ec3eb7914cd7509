"""`fieldapp-archive`: run and administer the central archive (docs/archive.md).

Messages, errors and confirmations are in Chinese or English (`--lang`, or
FIELDAPP_ARCHIVE_LANG; Chinese by default), like the laptop's `fieldapp`; help texts are
English. `--db` is taken before the sub-command (for all of them) or after it (that
command's, which wins), else from FIELDAPP_ARCHIVE_DB.
"""

from __future__ import annotations

import ipaddress
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError as PydanticValidationError
from pydantic_settings import SettingsError
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from fieldapp.archive import crud
from fieldapp.archive.cli_options import LANG_ENV, Fail, db_option
from fieldapp.archive.config import ArchiveSettings, normalise_url
from fieldapp.archive.db import Database, backup_sqlite, create_archive_engine, init_schema
from fieldapp.archive.importer import KINDS, import_reference, read_file
from fieldapp.archive.models import ROLES
from fieldapp.base.errors import FieldappError, PathError
from fieldapp.base.i18n import LANGUAGES, pick, set_language
from fieldapp.base.terminal import quiet_logging, read_password
from fieldapp.sync.joining import ROLE_LABELS


@contextmanager
def _database(ctx: click.Context) -> Iterator[Database]:
    settings: ArchiveSettings = ctx.obj
    try:
        engine = create_archive_engine(settings.db_url)
    except FieldappError as exc:  # a --db file the OS refuses: one line naming it
        raise Fail(exc.message()) from exc
    try:
        init_schema(engine)
        yield Database(engine)
    except FieldappError as exc:
        raise Fail(exc.message()) from exc
    finally:
        engine.dispose()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="FIELDAPP_ARCHIVE_DB", default="",
              help="Database URL (postgresql://user@host/db) or SQLite file; "
                   "default: archive.db in the data folder.")
@click.option("--lang", type=click.Choice(LANGUAGES), envvar=LANG_ENV, default="zh",
              show_default=True,
              help="Language of messages (or FIELDAPP_ARCHIVE_LANG).")
@click.pass_context
def cli(ctx: click.Context, db: str, lang: str) -> None:
    """fieldapp archive server — 服务档案服务器."""
    set_language(lang)
    if ctx.invoked_subcommand != "serve":  # serve logs JSON lines (fieldapp.archive.logs)
        quiet_logging()
    try:
        ctx.obj = ArchiveSettings(db=db) if db else ArchiveSettings()
    except (PydanticValidationError, SettingsError) as exc:
        raise Fail(_settings_problem(exc)) from None


def _settings_problem(exc: Exception) -> str:
    """A FIELDAPP_ARCHIVE_* value that is not what it should be (a port that is no number,
    addresses that are no JSON object), named in one line without its value."""
    if isinstance(exc, PydanticValidationError):
        fields = sorted({str(e["loc"][0]) for e in exc.errors() if e.get("loc")})
    else:
        fields = re.findall(r'field "(\w+)"', str(exc))
    names = ", ".join(f"FIELDAPP_ARCHIVE_{f.upper()}" for f in fields) or "FIELDAPP_ARCHIVE_*"
    return pick(f"环境变量 {names} 的值无效（见 docs/archive.md）。",
                f"The environment variable {names} has an invalid value (see docs/archive.md).")


@cli.command()
@db_option
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 8800).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int) -> None:
    """Run the HTTP API (schema upgraded first)."""
    import uvicorn

    from fieldapp.archive.app import serving_app
    from fieldapp.archive.logs import configure_logging

    settings: ArchiveSettings = ctx.obj
    configure_logging(settings.log_level)
    _warn_identity(settings)
    with _database(ctx):
        pass  # migrate once, before any worker starts
    host, port = host or settings.host, port or settings.port
    if workers > 1:
        os.environ["FIELDAPP_ARCHIVE_DB"] = settings.db_url
        uvicorn.run("fieldapp.archive.app:serving_app", factory=True, host=host, port=port,
                    workers=workers, log_config=None, proxy_headers=True)
    else:
        uvicorn.run(serving_app(settings), host=host, port=port, log_config=None,
                    proxy_headers=True)


@cli.command()
@db_option
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create or upgrade the schema."""
    with _database(ctx) as db:
        click.echo(pick(f"数据库结构已就绪（{db.dialect}）。", f"Schema ready ({db.dialect})."))
    _warn_identity(ctx.obj)


def _warn_identity(settings: ArchiveSettings) -> None:
    """One line on standard error while the company is not configured (docs/archive.md)."""
    warning = settings.identity_warning()
    if warning:
        click.echo(warning, err=True)


@cli.group()
def users() -> None:
    """Accounts: engineers, staff, customers, admins."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--engineer", "engineer_code", default="", help="Engineer code (role engineer).")
@click.option("--customer", "customer_code", default="", help="Customer code (role customer).")
@click.option("--password", envvar="FIELDAPP_ARCHIVE_NEW_PASSWORD", default=None,
              help="The new password (or FIELDAPP_ARCHIVE_NEW_PASSWORD); at a terminal it "
                   "is prompted for, twice.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from one line of standard input.")
@db_option
@click.pass_context
def users_add(ctx: click.Context, name: str, role: str, engineer_code: str, customer_code: str,
              password: str | None, password_stdin: bool) -> None:
    """Add an account (password: at least 8 characters)."""
    password = read_password(password, password_stdin, confirm=True, fail=Fail)
    with _database(ctx) as db, db.write() as session:
        crud.create_user(session, name=name, password=password, role=role,
                         engineer_code=engineer_code, customer_code=customer_code)
    label = pick(*ROLE_LABELS[role])
    click.echo(pick(f"已添加用户 {name}（{label}）。", f"User {name} added ({label})."))


@users.command("disable")
@click.argument("name")
@db_option
@click.pass_context
def users_disable(ctx: click.Context, name: str) -> None:
    """Disable an account; its device tokens are revoked at once."""
    with _database(ctx) as db, db.write() as session:
        crud.set_user_active(session, name=name, active=False)
    click.echo(pick(f"已停用用户 {name}，其设备令牌已全部吊销。",
                    f"User {name} disabled; their device tokens are revoked."))


@users.command("enable")
@click.argument("name")
@db_option
@click.pass_context
def users_enable(ctx: click.Context, name: str) -> None:
    with _database(ctx) as db, db.write() as session:
        crud.set_user_active(session, name=name, active=True)
    click.echo(pick(f"已启用用户 {name}。", f"User {name} enabled."))


@users.command("list")
@db_option
@click.pass_context
def users_list(ctx: click.Context) -> None:
    """One line per account: name, role, engineer or customer code, state."""
    with _database(ctx) as db, db.read() as session:
        for user in crud.list_users(session):
            link = user.engineer_code or user.customer_code
            state = pick("启用", "active") if user.active else pick("停用", "disabled")
            role = pick(*ROLE_LABELS.get(user.role, (user.role, user.role)))
            click.echo(f"{user.name}\t{role}\t{link}\t{state}")


@users.command("unlock")
@click.argument("name", required=False, default="")
@click.option("--address", default="",
              help="Also lift the lock of this client address (see `users locks`).")
@db_option
@click.pass_context
def users_unlock(ctx: click.Context, name: str, address: str) -> None:
    """Lift a login lock before it ends: an account's, and/or a client address's
    (--address). Their failures and back-off are forgotten; one audit line is logged."""
    from fieldapp.archive import login_throttle
    from fieldapp.base.timeutil import format_local, utcnow

    if not name.strip() and not address.strip():
        raise Fail(pick("请指定用户名，或用 --address 指定地址。",
                        "Name an account, or an address with --address."))
    if address.strip():
        try:
            address = str(ipaddress.ip_address(address.strip()))
        except ValueError as exc:
            raise Fail(pick(f"{address} 不是 IP 地址。",
                            f"{address} is not an IP address.")) from exc
    now = utcnow()
    with _database(ctx) as db, db.write() as session, _audit_on_stderr():
        user = crud.get_user(session, name=name) if name.strip() else None
        found = login_throttle.unlock(session, name=name, address=address, now=now,
                                      user=user)
    asked = [(login_throttle.USER, pick(f"用户 {name}", f"user {name}"))] if name.strip() else []
    if address:
        asked.append((login_throttle.IP, pick(f"地址 {address}", f"address {address}")))
    for scope, what in asked:
        lock = next((f for f in found if f.scope == scope), None)
        if lock is not None and lock.locked_until is not None and lock.locked_until > now:
            until = format_local(lock.locked_until)
            click.echo(pick(f"已解除{what}的登录锁定（原定锁定到 {until}），失败次数已清零。",
                            f"Lifted the login lock of {what} (it was locked until "
                            f"{until}); its failures are forgotten."))
        elif lock is not None:
            click.echo(pick(f"{what}未被锁定；已清除其 {lock.failures} 次登录失败记录。",
                            f"{what.capitalize()} was not locked; its {lock.failures} "
                            "failed logins are forgotten."))
        else:
            click.echo(pick(f"{what}未被锁定。", f"{what.capitalize()} was not locked."))


@users.command("locks")
@db_option
@click.pass_context
def users_locks(ctx: click.Context) -> None:
    """One line per login lock in force: account or address, failures, locked until.
    Names that are no account (guesses) are only counted."""
    from fieldapp.archive import login_throttle
    from fieldapp.archive.models import User
    from fieldapp.base.timeutil import format_local, utcnow

    with _database(ctx) as db, db.read() as session:
        locks = login_throttle.locks(session, now=utcnow())
        names = {n.lower(): n for n in session.scalars(select(User.name).where(
            func.lower(User.name).in_([k.key for k in locks
                                       if k.scope == login_throttle.USER])))}
    guesses = 0
    for lock in locks:
        until = format_local(lock.locked_until)
        if lock.scope == login_throttle.IP:
            kind = pick("地址", "address")
            click.echo(f"{kind}\t{lock.key}\t" + pick(f"失败 {lock.failures} 次\t锁定到 {until}",
                                                     f"{lock.failures} failures\tuntil {until}"))
        elif lock.key in names:
            kind = pick("用户", "user")
            click.echo(f"{kind}\t{names[lock.key]}\t" + pick(
                f"失败 {lock.failures} 次\t锁定到 {until}",
                f"{lock.failures} failures\tuntil {until}"))
        else:
            guesses += 1
    if guesses:
        click.echo(pick(f"另有 {guesses} 个不存在的用户名被锁定（不列出：可能是输错的密码）。",
                        f"{guesses} more locked names are no account (not listed: one may be "
                        "a password typed into the wrong field)."))
    if not locks:
        click.echo(pick("目前没有登录锁定。", "No login locks now."))


@contextmanager
def _audit_on_stderr() -> Iterator[None]:
    """This command's audit line goes where `serve`'s log goes: a JSON line on standard
    error (journald keeps it when run under systemd; docs/archive.md, "Logs")."""
    import logging
    import sys

    from fieldapp.archive.logs import JsonFormatter

    audit = logging.getLogger("fieldapp.archive.audit")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    level = audit.level
    audit.addHandler(handler)
    audit.setLevel(logging.INFO)
    try:
        yield
    finally:
        audit.removeHandler(handler)
        audit.setLevel(level)


@cli.group()
def devices() -> None:
    """Enrolled laptops (device tokens)."""


@devices.command("list")
@click.option("--user", "user_name", default=None)
@db_option
@click.pass_context
def devices_list(ctx: click.Context, user_name: str | None) -> None:
    """One line per laptop: id, user, label, state, last seen, clock skew."""
    with _database(ctx) as db, db.read() as session:
        for device, user in crud.list_devices(session, user_name=user_name):
            state = pick("已吊销", "revoked") if device.revoked_at else pick("有效", "active")
            seen = device.last_seen_at.isoformat() if device.last_seen_at else "-"
            skew = device.clock_skew_seconds
            click.echo(f"{device.id}\t{user.name}\t{device.label}\t{state}\t"
                       + pick(f"最近连接 {seen}\t时钟偏差 {skew} 秒",
                              f"last seen {seen}\tskew {skew}s"))


@devices.command("revoke")
@click.argument("device_id", type=click.UUID)
@db_option
@click.pass_context
def devices_revoke(ctx: click.Context, device_id: uuid.UUID) -> None:
    """Revoke a laptop's token and its seal-signing keys (a lost laptop): its next request
    is refused, and so is any seal its keys make (docs/seal.md)."""
    from fieldapp.archive.seal_keys import revoke_device_keys

    with _database(ctx) as db, db.write() as session:
        crud.revoke_device(session, device_id=device_id)
        keys = revoke_device_keys(session, device_id=device_id)
    click.echo(pick(f"已吊销设备 {device_id}（及其 {keys} 个设备密钥）。",
                    f"Device {device_id} revoked (and {keys} of its device keys)."))


@devices.command("keys")
@db_option
@click.pass_context
def devices_keys(ctx: click.Context) -> None:
    """One line per seal-signing key: id, user, device, registered, state."""
    from fieldapp.archive.seal_keys import list_keys

    with _database(ctx) as db, db.read() as session:
        for key, user in list_keys(session):
            state = (pick(f"已吊销 {key.revoked_at.isoformat()}",
                          f"revoked {key.revoked_at.isoformat()}")
                     if key.revoked_at else pick("有效", "active"))
            click.echo(f"{key.key_id}\t{user.name}\t{key.device_id or '-'}\t"
                       f"{key.registered_at.isoformat()}\t{state}")


@devices.command("revoke-key")
@click.argument("key_id")
@db_option
@click.pass_context
def devices_revoke_key(ctx: click.Context, key_id: str) -> None:
    """Revoke one seal-signing key (see `devices keys`); the laptop's token stays."""
    from fieldapp.archive.seal_keys import revoke_key

    with _database(ctx) as db, db.write() as session:
        revoke_key(session, key_id=key_id.strip().lower())
    click.echo(pick(f"已吊销设备密钥 {key_id}。", f"Device key {key_id} revoked."))


OUTCOMES = {"accepted": ("接收", "accepted"), "duplicate": ("重复", "duplicate"),
            "refused": ("拒收", "refused")}
KIND_LABELS = {"engineers": ("工程师", "engineers"), "customers": ("客户", "customers"),
               "sites": ("地点", "sites"), "contacts": ("联系人", "contacts"),
               "devices": ("设备", "devices"), "contracts": ("合同", "contracts")}


def _counts(counts: dict[str, int], labels: dict[str, tuple[str, str]]) -> str:
    parts = [f"{pick(*labels.get(k, (k, k)))} {v}" for k, v in counts.items()]
    return pick("，", ", ").join(parts) or "0"


@cli.command()
@click.option("--requests", "count", default=40, show_default=True,
              type=click.IntRange(1, 1_000_000), help="How many demo service requests.")
@db_option
@click.pass_context
def demo(ctx: click.Context, count: int) -> None:
    """Load Chinese demo data (customers, engineers E01–E07, requests, sealed slips)."""
    from fieldapp.archive.demo import load_demo

    with _database(ctx) as db:
        counts = load_demo(db, requests=count)
    click.echo(pick("演示数据已加载：", "Demo data loaded: ") + pick("，", ", ").join(
        pick(f"{OUTCOMES[k][0]} {n} 条", f"{n} {OUTCOMES[k][1]}") for k, n in sorted(counts.items())
    ) + pick("。", "."))


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="For a CSV file whose name is not the kind (customers.csv, ...).")
@db_option
@click.pass_context
def import_command(ctx: click.Context, files: tuple[Path, ...], kind: str | None) -> None:
    """Import reference data from JSON or CSV (idempotent: upsert by code)."""
    data: dict[str, list[dict[str, Any]]] = {}
    for path in files:
        try:
            for k, rows in read_file(path, kind).items():
                data.setdefault(k, []).extend(rows)
        except FieldappError as exc:
            raise Fail(f"{path}{pick('：', ': ')}{exc.message()}") from exc
        except OSError as exc:  # missing, a folder, unreadable: one line naming the file
            raise Fail(PathError.from_os_error(exc, path, action="read").message()) from exc
        except ValueError as exc:  # not UTF-8, not JSON
            raise Fail(pick(f"{path}：无法读取，不是 UTF-8 编码的 JSON 或 CSV 文件。",
                            f"{path}: cannot be read: not a UTF-8 JSON or CSV file.")
                       ) from exc
    with _database(ctx) as db, db.write() as session:
        result = import_reference(session, data)
    for (zh, en), bucket in ((("新增", "added"), result.added),
                             (("更新", "updated"), result.updated),
                             (("未变", "unchanged"), result.unchanged)):
        click.echo(f"{pick(zh, en)}{pick('：', ': ')}{_counts(bucket, KIND_LABELS)}")


@cli.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.pass_context
def backup(ctx: click.Context, target: Path) -> None:
    """Online backup of a SQLite archive to TARGET (PostgreSQL: use pg_dump, see docs)."""
    settings: ArchiveSettings = ctx.obj
    url = make_url(normalise_url(settings.db_url))
    if url.get_backend_name() != "sqlite":
        raise Fail(pick("PostgreSQL 档案请用 pg_dump 备份，例如 "
                        "`pg_dump -Fc -f archive.dump DBNAME`（docs/archive.md）。",
                        "PostgreSQL archives are backed up with pg_dump, e.g. "
                        "`pg_dump -Fc -f archive.dump DBNAME` (docs/archive.md)."))
    if target.exists():
        raise Fail(pick(f"{target} 已存在，请换一个新文件名。",
                        f"{target} exists; choose a new file."))
    try:
        backup_sqlite(Path(str(url.database)), target)  # whole, or nothing left behind
    except FieldappError as exc:
        raise Fail(exc.message()) from exc
    click.echo(pick(f"备份已写入 {target}。", f"Backup written to {target}."))


from fieldapp.archive.report_cli import reports  # noqa: E402

cli.add_command(reports)

from fieldapp.archive.tasks_cli import tasks  # noqa: E402

cli.add_command(tasks)

from fieldapp.archive.dossier_cli import dossier  # noqa: E402

cli.add_command(dossier)

from fieldapp.archive.schedule_cli import schedules  # noqa: E402

cli.add_command(schedules)

from fieldapp.archive.files.cli import files  # noqa: E402

cli.add_command(files)


def main() -> None:
    cli(prog_name="fieldapp-archive")
