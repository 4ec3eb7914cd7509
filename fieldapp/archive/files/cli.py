"""`fieldapp-archive files verify`: re-hash every attachment file the archive's records
name and say which are missing (not uploaded yet) and which were changed on the store."""

from __future__ import annotations

import time
from contextlib import AbstractContextManager

import click

from fieldapp.archive.cli_options import Fail, db_option
from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.db import Database
from fieldapp.archive.files.checks import check_files
from fieldapp.archive.files.store import open_file_store
from fieldapp.archive.files.uploads import UPLOADS_FOLDER, Uploads
from fieldapp.base.errors import FieldappError
from fieldapp.base.i18n import pick
from fieldapp.sync.file_wire import file_size_text
from fieldapp.sync.wire import MIB


def _database(ctx: click.Context) -> AbstractContextManager[Database]:
    from fieldapp.archive.cli import _database as database

    return database(ctx)


@click.group()
def files() -> None:
    """Attachment files: the folder or S3 store (docs/archive.md, "Files")."""


@files.command("verify")
@db_option
@click.pass_context
def verify_command(ctx: click.Context) -> None:
    """Re-hash every attached file; exit 1 if one was changed or is missing."""
    settings: ArchiveSettings = ctx.obj
    try:
        store = open_file_store(settings)
        with _database(ctx) as db, db.read() as session:
            result = check_files(session, store)
    except FieldappError as exc:
        raise Fail(exc.message()) from exc
    for sha, numbers in result.tampered.items():
        click.echo(pick(f"已被改动\t{sha[:16]}…\t{'、'.join(numbers)}",
                        f"changed\t{sha[:16]}…\t{', '.join(numbers)}"))
    for sha, numbers in result.missing.items():
        click.echo(pick(f"缺失\t{sha[:16]}…\t{'、'.join(numbers)}",
                        f"missing\t{sha[:16]}…\t{', '.join(numbers)}"))
    click.echo(pick(f"附件文件 {result.files} 个：完好 {result.ok}，缺失 {len(result.missing)}"
                    f"（尚未上传或已丢失），被改动 {len(result.tampered)}。",
                    f"{result.files} attachment files: {result.ok} intact, "
                    f"{len(result.missing)} missing (not uploaded yet, or lost), "
                    f"{len(result.tampered)} changed."))
    if result.tampered or result.missing:
        ctx.exit(1)


@files.command("clean-uploads")
@click.option("--days", type=click.IntRange(1, 3650), default=14, show_default=True,
              help="Remove partial uploads untouched for this many days.")
@db_option
@click.pass_context
def clean_uploads_command(ctx: click.Context, days: int) -> None:
    """Remove uploads a laptop began and never finished (it starts again if it comes back)."""
    settings: ArchiveSettings = ctx.obj
    try:
        uploads = Uploads(settings.files_path / UPLOADS_FOLDER, open_file_store(settings),
                          max_file_bytes=settings.files_max_mb * MIB)
    except FieldappError as exc:
        raise Fail(exc.message()) from exc
    removed, freed = uploads.sweep(days * 86400, time.time())
    click.echo(pick(f"已删除 {removed} 个未完成的上传（{file_size_text(freed)}）。",
                    f"Removed {removed} unfinished uploads ({file_size_text(freed)})."))
