"""The `fieldapp` click group: the desktop app with no sub-command, tools with one.

`fieldapp.cli.main` comes here for every use but the desktop's quick start (and for that
too when the data folder is refused, so the refusal is said as below). Every command
exits 0 on success and non-zero with a one-line reason on failure, in the
chosen language (--lang, or the settings' language; Chinese by default).
"""

from __future__ import annotations

import sys
from typing import Any

import click

from fieldapp import __version__
from fieldapp.base.files import prepare_folder
from fieldapp.base.i18n import LANGUAGES
from fieldapp.base.terminal import quiet_logging
from fieldapp.cli.context import AppContext, PathParam, UserError, fail_on_errors, t
from fieldapp.cli.documents import pdf_command, print_command
from fieldapp.cli.keys import keys_group
from fieldapp.cli.records import devices_group, requests_group, slips_group
from fieldapp.cli.sync import login_command, logout_command, sync_command
from fieldapp.cli.tools import demo_command, sla_command, verify_command


class _OneLineErrors(click.Group):
    """Every command, and the data folder's set-up before it, runs under
    `fail_on_errors`: a known failure or an OS refusal is one line, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        with fail_on_errors():
            return super().invoke(ctx)


@click.group(cls=_OneLineErrors, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=PathParam(file_okay=False), envvar="FIELDAPP_DATA_DIR",
              help="Folder of the local store (default: the user data folder).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of messages (default: from settings, else zh).")
@click.option("--self-test", "self_test", is_flag=True,
              help="Check this installation headless (store, PDF, seal, Qt) and exit; "
                   "never touches the local store.")
@click.version_option(__version__, prog_name="fieldapp", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None, lang: str | None, self_test: bool) -> None:
    """fieldapp — 现场服务单据 / field-service slips. Without a command, start the desktop app."""
    if ctx.invoked_subcommand is not None:
        quiet_logging()  # the command says what matters, in the user's language
    app = AppContext.create(data_dir, lang)
    ctx.obj = app
    if self_test:
        from fieldapp.tools.selftest import report_self_test

        ctx.exit(report_self_test())
    if ctx.invoked_subcommand is None:
        with fail_on_errors():
            _start_desktop(app, lang)


def _start_desktop(app: AppContext, lang: str | None = None) -> None:
    """The desktop app; `--lang` is its language for this session only (the saved setting
    stays as it is: the language button and the settings form change that)."""
    prepare_folder(app.data_dir)  # a folder the OS refuses fails here, before any window
    from fieldapp.cli import run_desktop  # the one module of the core that may start the UI

    try:
        status = run_desktop(app.data_dir, lang)
    except ImportError as exc:
        raise UserError(t(f"桌面程序不可用：{exc}", f"The desktop app is not available: {exc}")
                        ) from exc
    sys.exit(status)


cli.add_command(demo_command)
cli.add_command(requests_group)
cli.add_command(slips_group)
cli.add_command(devices_group)
cli.add_command(verify_command)
cli.add_command(sla_command)
cli.add_command(pdf_command)
cli.add_command(print_command)
cli.add_command(login_command)
cli.add_command(logout_command)
cli.add_command(sync_command)
cli.add_command(keys_group)

