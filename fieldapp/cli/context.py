"""What every command shares: the data folder, the language, the store, error reporting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from fieldapp.base.errors import FieldappError, PathError
from fieldapp.base.i18n import pick, set_language
from fieldapp.base.paths import data_dir as resolve_data_dir
from fieldapp.base.settings import Settings
from fieldapp.store import Store, open_store


@dataclass
class AppContext:
    data_dir: Path
    settings: Settings
    _store: Store | None = field(default=None, repr=False)

    @classmethod
    def create(cls, data_dir: str | None, lang: str | None) -> AppContext:
        folder = resolve_data_dir(data_dir)
        settings = Settings.in_dir(folder)
        set_language(lang or settings.get("language"))
        return cls(folder, settings)

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.data_dir)
        return self._store

    @property
    def timezone(self) -> str:
        return str(self.settings.get("timezone"))


pass_app = click.make_pass_decorator(AppContext)


class UserError(click.ClickException):
    """A one-line reason on standard error, prefixed in the user's language."""

    def show(self, file: Any = None) -> None:
        click.echo(f"{pick('错误', 'Error')}: {self.format_message()}", err=True)


class PathParam(click.Path):
    """A path as typed, checked by nobody but the command that opens it, which says in
    the user's language what the OS refused (click's own checks answer in English, on
    several lines, and only some of the cases)."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        return self.coerce_path_result(value)


@contextmanager
def fail_on_errors() -> Iterator[None]:
    """Turn a FieldappError into a one-line message and a non-zero exit; so too an
    OSError that reached here unworded (PathError words it by errno, naming its path)."""
    try:
        yield
    except FieldappError as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(str(PathError.from_os_error(exc, action="access"))) from exc


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def t(zh: str, en: str) -> str:
    """The commands' name for `pick` (docs/i18n.md): the language is ``--lang``'s."""
    return pick(zh, en)
