"""What every `fieldapp-archive` command shares: its one-line error and its `--db`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from fieldapp.base.i18n import pick

LANG_ENV = ("FIELDAPP_ARCHIVE_LANG", "FIELDAPP_LANG")
Command = TypeVar("Command", bound=Callable[..., Any])


class Fail(click.ClickException):
    """A one-line reason on standard error, in the chosen language."""

    def show(self, file: object = None) -> None:
        click.echo(f"{pick('错误', 'Error')}: {self.format_message()}", err=True)


def _this_commands_db(ctx: click.Context, _param: click.Parameter, value: str | None
                      ) -> None:
    if value:  # this command's --db wins over the group's and FIELDAPP_ARCHIVE_DB
        ctx.obj = ctx.obj.model_copy(update={"db": value})


def db_option(command: Command) -> Command:
    """`--db` after the sub-command too (`fieldapp-archive serve --db postgresql://…`)."""
    return click.option(
        "--db", default=None, expose_value=False, callback=_this_commands_db,
        help="Database URL or SQLite file for this command (overrides the group's --db "
             "and FIELDAPP_ARCHIVE_DB).")(command)
