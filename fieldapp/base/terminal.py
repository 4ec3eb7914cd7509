"""Asking the person at the keyboard, only when there is one (both commands).

Without a terminal on standard input (a script, a service, a pipe) nothing is prompted:
the caller is told, on one line and in the chosen language, which option to pass. A
password prompt without a terminal used to fall back to an echoing prompt and abort.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

import click

from fieldapp.base.i18n import pick


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed or detached
        return False


def read_password(given: str | None, from_stdin: bool, *, confirm: bool,
                  fail: Callable[[str], Exception]) -> str:
    """The password: given (option or environment), one line of standard input
    (`--password-stdin`), or typed at a terminal; else `fail` with what to pass."""
    if given:
        return given
    if from_stdin:
        line = (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")
        if not line:
            raise fail(pick("标准输入没有读到密码（--password-stdin 需要一行密码）。",
                            "No password on standard input (--password-stdin reads one line)."))
        return line
    if not stdin_is_terminal():
        raise fail(pick("没有终端可以输入密码：请加 --password 密码，或用 --password-stdin "
                        "从标准输入读一行。",
                        "No terminal to type the password at: pass --password PASSWORD, or "
                        "--password-stdin to read one line from standard input."))
    while True:
        password = str(click.prompt(pick("密码", "Password"), hide_input=True))
        if not confirm or password == str(click.prompt(pick("再次输入密码", "Repeat the password"),
                                                       hide_input=True)):
            return password
        click.echo(pick("两次输入的密码不一致，请重新输入。",
                        "The two passwords differ; enter them again."), err=True)


def quiet_logging() -> None:
    """No log record reaches the terminal: without a handler, Python's last-resort
    handler prints WARNING and above raw on standard error (SQL statements with their
    parameters, in English). The commands say what matters themselves, in the user's
    language. Applied once per process; a handler someone configured still works."""
    root = logging.getLogger()
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())
