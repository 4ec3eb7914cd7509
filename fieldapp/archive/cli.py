"""`fieldapp-archive`: run and administer the central archive (docs/archive.md)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from fieldapp.archive import crud
from fieldapp.archive.config import ArchiveSettings, normalise_url
from fieldapp.archive.db import Database, backup_sqlite, create_archive_engine, init_schema
from fieldapp.archive.importer import KINDS, import_reference, read_file
from fieldapp.archive.models import ROLES
from fieldapp.errors import FieldappError


class Fail(click.ClickException):
    def show(self, file: object = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


@contextmanager
def _database(ctx: click.Context) -> Iterator[Database]:
    settings: ArchiveSettings = ctx.obj
    try:
        engine = create_archive_engine(settings.db_url)
    except FieldappError as exc:  # a --db file the OS refuses: one line naming it
        raise Fail(f"{exc.en} / {exc.zh}") from exc
    try:
        init_schema(engine)
        yield Database(engine)
    except FieldappError as exc:
        raise Fail(f"{exc.en} / {exc.zh}") from exc
    finally:
        engine.dispose()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="FIELDAPP_ARCHIVE_DB", default="",
              help="Database URL (postgresql://user@host/db) or SQLite file; "
                   "default: archive.db in the data folder.")
@click.pass_context
def cli(ctx: click.Context, db: str) -> None:
    """fieldapp archive server — 服务档案服务器."""
    ctx.obj = ArchiveSettings(db=db) if db else ArchiveSettings()


@cli.command()
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 8800).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int) -> None:
    """Run the HTTP API (schema upgraded first)."""
    import uvicorn

    from fieldapp.archive.app import create_app
    from fieldapp.archive.logs import configure_logging

    settings: ArchiveSettings = ctx.obj
    configure_logging(settings.log_level)
    with _database(ctx):
        pass  # migrate once, before any worker starts
    host, port = host or settings.host, port or settings.port
    if workers > 1:
        os.environ["FIELDAPP_ARCHIVE_DB"] = settings.db_url
        uvicorn.run("fieldapp.archive.app:create_app", factory=True, host=host, port=port,
                    workers=workers, log_config=None, proxy_headers=True)
    else:
        uvicorn.run(create_app(settings, migrate=False), host=host, port=port, log_config=None,
                    proxy_headers=True)


@cli.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create or upgrade the schema."""
    with _database(ctx) as db:
        click.echo(f"schema ready ({db.dialect})")


@cli.group()
def users() -> None:
    """Accounts: engineers, staff, customers, admins."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--engineer", "engineer_code", default="", help="Engineer code (role engineer).")
@click.option("--customer", "customer_code", default="", help="Customer code (role customer).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              envvar="FIELDAPP_ARCHIVE_NEW_PASSWORD")
@click.pass_context
def users_add(ctx: click.Context, name: str, role: str, engineer_code: str, customer_code: str,
              password: str) -> None:
    with _database(ctx) as db, db.write() as session:
        crud.create_user(session, name=name, password=password, role=role,
                         engineer_code=engineer_code, customer_code=customer_code)
    click.echo(f"user {name} added ({role})")


@users.command("disable")
@click.argument("name")
@click.pass_context
def users_disable(ctx: click.Context, name: str) -> None:
    """Disable an account; its device tokens are revoked at once."""
    with _database(ctx) as db, db.write() as session:
        crud.set_user_active(session, name=name, active=False)
    click.echo(f"user {name} disabled")


@users.command("enable")
@click.argument("name")
@click.pass_context
def users_enable(ctx: click.Context, name: str) -> None:
    with _database(ctx) as db, db.write() as session:
        crud.set_user_active(session, name=name, active=True)
    click.echo(f"user {name} enabled")


@users.command("list")
@click.pass_context
def users_list(ctx: click.Context) -> None:
    with _database(ctx) as db, db.read() as session:
        for user in crud.list_users(session):
            link = user.engineer_code or user.customer_code
            state = "active" if user.active else "disabled"
            click.echo(f"{user.name}\t{user.role}\t{link}\t{state}")


@cli.group()
def devices() -> None:
    """Enrolled laptops (device tokens)."""


@devices.command("list")
@click.option("--user", "user_name", default=None)
@click.pass_context
def devices_list(ctx: click.Context, user_name: str | None) -> None:
    with _database(ctx) as db, db.read() as session:
        for device, user in crud.list_devices(session, user_name=user_name):
            state = "revoked" if device.revoked_at else "active"
            seen = device.last_seen_at.isoformat() if device.last_seen_at else "-"
            click.echo(f"{device.id}\t{user.name}\t{device.label}\t{state}\tlast seen {seen}"
                       f"\tskew {device.clock_skew_seconds}s")


@devices.command("revoke")
@click.argument("device_id", type=click.UUID)
@click.pass_context
def devices_revoke(ctx: click.Context, device_id: uuid.UUID) -> None:
    """Revoke a laptop's token; its next request is refused."""
    with _database(ctx) as db, db.write() as session:
        crud.revoke_device(session, device_id=device_id)
    click.echo(f"device {device_id} revoked")


@cli.command()
@click.option("--requests", "count", default=40, show_default=True,
              type=click.IntRange(1, 1_000_000), help="How many demo service requests.")
@click.pass_context
def demo(ctx: click.Context, count: int) -> None:
    """Load Chinese demo data (customers, engineers E01–E07, requests, sealed slips)."""
    from fieldapp.archive.demo import load_demo

    with _database(ctx) as db:
        counts = load_demo(db, requests=count)
    click.echo(f"demo loaded: {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}")


@cli.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="For a CSV file whose name is not the kind (customers.csv, ...).")
@click.pass_context
def import_command(ctx: click.Context, files: tuple[Path, ...], kind: str | None) -> None:
    """Import reference data from JSON or CSV (idempotent: upsert by code)."""
    data: dict[str, list] = {}
    for path in files:
        try:
            for k, rows in read_file(path, kind).items():
                data.setdefault(k, []).extend(rows)
        except (OSError, ValueError) as exc:
            raise Fail(f"{path}: {exc}") from exc
    with _database(ctx) as db, db.write() as session:
        result = import_reference(session, data)
    for label, bucket in (("added", result.added), ("updated", result.updated),
                          ("unchanged", result.unchanged)):
        click.echo(f"{label}: " + (", ".join(f"{k} {v}" for k, v in bucket.items()) or "0"))


@cli.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, target: Path) -> None:
    """Online backup of a SQLite archive to TARGET (PostgreSQL: use pg_dump, see docs)."""
    settings: ArchiveSettings = ctx.obj
    url = make_url(normalise_url(settings.db_url))
    if url.get_backend_name() != "sqlite":
        raise Fail("PostgreSQL archives are backed up with pg_dump, e.g. "
                   "`pg_dump -Fc -f archive.dump DBNAME` (docs/archive.md).")
    if target.exists():
        raise Fail(f"{target} exists; choose a new file")
    try:
        backup_sqlite(Path(str(url.database)), target)  # whole, or nothing left behind
    except FieldappError as exc:
        raise Fail(f"{exc.en} / {exc.zh}") from exc
    click.echo(f"backup written to {target}")


from fieldapp.archive.report_cli import reports  # noqa: E402

cli.add_command(reports)


def main() -> None:
    cli(prog_name="fieldapp-archive")
