"""The `fieldapp` command: the desktop app with no sub-command, tools with one.

Every command exits 0 on success and non-zero with a one-line reason on failure, in the
chosen language (--lang, or the settings' language; Chinese by default).

`fieldapp` alone (or with only ``--data-dir`` / ``--lang``) takes the short way to the
window: neither click, the commands nor the store's code are imported before the window's
frame shows (`ui.shell.start`; docs/performance.md, "Start-up"). Everything else, and a
data folder the OS refuses, goes through the click group of `fieldapp.cli.commands`.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

from fieldapp.base.i18n import LANGUAGES  # stdlib only: cheap on the short way

_QUICK_OPTIONS = ("--data-dir", "--lang")


def main() -> None:
    quick = desktop_arguments(sys.argv[1:])
    if quick is not None:
        _start_desktop_quickly(*quick)  # returns only when it cannot
    from fieldapp.cli.commands import cli

    cli(prog_name="fieldapp")


def desktop_arguments(args: list[str]) -> tuple[str | None, str | None] | None:
    """(data dir, language) when `args` only start the desktop, else None (click decides:
    help, version, self-test, a sub-command, anything it must refuse)."""
    found: dict[str, str] = {}
    rest = list(args)
    while rest:
        word = rest.pop(0)
        name, equals, value = word.partition("=")
        if name not in _QUICK_OPTIONS or name in found:
            return None
        if not equals:
            if not rest:
                return None
            value = rest.pop(0)
        found[name] = value
    lang = found.get("--lang")
    if lang is not None and lang not in LANGUAGES:
        return None
    return found.get("--data-dir") or None, lang


def _start_desktop_quickly(data_dir: str | None, lang: str | None) -> None:
    from fieldapp.base.errors import FieldappError
    from fieldapp.base.files import prepare_folder
    from fieldapp.base.paths import data_dir as resolve_data_dir

    try:
        folder = resolve_data_dir(data_dir)
        prepare_folder(folder)
    except (FieldappError, OSError):
        return  # the click group checks the folder again and says why, in one line
    # Start-up makes ~10^5 objects that live as long as the app (modules, classes,
    # widgets) and next to no garbage: the cyclic collector, which would walk them again
    # and again as they pile up, stays off (the first paint ~7 % and the live lists ~4 %
    # sooner, docs/performance.md); `ui.shell.app.App.show_main` freezes them out of its
    # passes, and from the start's loader on it runs on the GUI thread's timer only
    # (ui.kit.collector).
    gc.disable()
    try:
        from ui.shell.start import run
    except ImportError:
        gc.enable()
        return  # ditto: "the desktop app is not available"
    try:
        status = run(folder, language=lang)
    except (FieldappError, OSError) as exc:  # opening the store refused: one line, as click
        from fieldapp.cli.context import UserError, fail_on_errors

        try:
            with fail_on_errors():
                raise exc
        except UserError as error:
            error.show()
            status = error.exit_code
    sys.exit(status)


def run_desktop(data_dir: Path, lang: str | None) -> int:
    """The desktop app, for the click group (`fieldapp.cli.commands`)."""
    from ui.shell.app import run

    return run(data_dir, language=lang)


def __getattr__(name: str) -> Any:
    """`from fieldapp.cli import cli` (and the group's other names) without importing the
    commands on the desktop's short way."""
    import importlib

    if name.startswith("__"):
        raise AttributeError(name)
    commands = importlib.import_module("fieldapp.cli.commands")  # not `from . import`:
    try:  # that asks this hook for "commands" again
        return getattr(commands, name)
    except AttributeError:
        raise AttributeError(f"module 'fieldapp.cli' has no attribute {name!r}") from None
