"""The one translation mechanism: which language a text renders in, and where it comes from.

Everything a user reads is Chinese first, English second (docs/i18n.md). This module owns:

- `Language` and the current language. `set_language` sets the application's language
  (the desktop's switch, the CLI's ``--lang``) for every thread, so a service running on a
  worker thread speaks the language the screen shows; `language_scope` overrides it for
  one block in one context (a ContextVar: one request, one test). `current_language`
  reads it. Chinese is the default (the users are in China).
- Bilingual pairs written where they are used: `pick(zh, en)` and, for a table of coded
  values, `term(table, key)` / `pair((zh, en))`. Every function takes an explicit
  `language` too, for texts in a language other than the current one (a customer's PDF,
  a portal page in the cookie's language).
- Catalogues of keyed texts (`Catalogue`): one JSON file per language, ``{key: text}``
  with named placeholders (``{number}``), read from package resources, falling back to
  Chinese for a key the other language lacks; `Catalogue.problems` names missing keys and
  placeholders that differ (a test runs it for every catalogue).

The CLI's ``t``, the portal's ``t``/``pair``, the documents' ``label``/``term`` and the
desktop's ``tr``/``pair`` are bindings of these, with no logic of their own
(tests/test_i18n_mechanism.py keeps it that way).
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import import_module
from pathlib import Path
from typing import Literal, TypeGuard

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
FALLBACK: Language = "zh"  # the language every text exists in
Pair = tuple[str, str]  # (zh, en)


def is_language(value: object) -> TypeGuard[Language]:
    """Whether `value` is one of LANGUAGES (so a setting's or a request's text can be used)."""
    return value in LANGUAGES


def _checked(language: str) -> Language:
    if not is_language(language):
        raise ValueError(f"unsupported language {language!r}; choose one of {LANGUAGES}")
    return language


# The application's language, seen by every thread. A ContextVar alone would not do: the
# desktop's worker threads (ui.kit.ops) start with an empty context and would speak
# Chinese whatever the screen shows.
_application: list[Language] = [FALLBACK]
# An override for one block of one context (`language_scope`); None: the application's.
_scoped: ContextVar[Language | None] = ContextVar("fieldapp_language", default=None)


def current_language() -> Language:
    scoped = _scoped.get()
    return _application[0] if scoped is None else scoped


def set_language(language: str) -> None:
    """Set the application's language (every thread; a `language_scope` still wins)."""
    _application[0] = _checked(language)


@contextmanager
def language_scope(language: str) -> Iterator[Language]:
    """Texts in `language` inside the block, in this context only."""
    token = _scoped.set(_checked(language))
    try:
        yield _scoped.get() or FALLBACK
    finally:
        _scoped.reset(token)


def pick(zh: str, en: str, language: Language | None = None) -> str:
    """The inline form: of a text written in both languages, the one for `language`
    (default: the current one)."""
    return en if (language or current_language()) == "en" else zh


def pair(labels: Pair, language: Language | None = None) -> str:
    """A (zh, en) label from one of the core's tables, in `language`."""
    return pick(labels[0], labels[1], language)


def term(table: Mapping[str, Pair], key: str, language: Language | None = None) -> str:
    """A coded value in words from a table of (zh, en) labels; an unknown code (one added
    elsewhere, e.g. at the archive) as stored."""
    labels = table.get(key)
    return key if labels is None else pair(labels, language)


def placeholders(text: str) -> frozenset[str]:
    """The named placeholders in a catalogue text: ``"第 {page} 页"`` → {"page"}."""
    return frozenset(name for _lit, name, _spec, _conv in string.Formatter().parse(text)
                     if name)


class Catalogue:
    """Keyed texts of one area, one JSON file per language in a package's resources:
    ``<package>/<folder>/zh.json``, ``…/en.json``, each ``{"key": "text with {name}"}``.

    Files are read once, on first use. A key missing in a language falls back to Chinese,
    a key missing everywhere shows itself (a test catches both before anyone sees it).
    """

    def __init__(self, package: str, folder: str) -> None:
        self.package = package
        self.folder = folder
        self._texts: dict[Language, dict[str, str]] = {}

    def __repr__(self) -> str:
        return f"Catalogue({self.package!r}, {self.folder!r})"

    def texts(self, language: str) -> dict[str, str]:
        """Every text of `language`, as the file has them (key order kept)."""
        lang = _checked(language)
        if lang not in self._texts:
            entries: dict[str, str] = json.loads(self._read(f"{self.folder}/{lang}.json"))
            self._texts[lang] = entries
        return self._texts[lang]

    def _read(self, name: str) -> str:
        """A file beside the package's modules; through `importlib.resources` only when
        the package has no folder of its own (a zip). That module costs ~6 ms to import,
        before the window's first paint (docs/performance.md, "Start-up")."""
        origin = getattr(import_module(self.package), "__file__", None)
        if origin is not None:
            path = Path(origin).parent / name
            if path.is_file():
                return path.read_text("utf-8")
        from importlib import resources

        return resources.files(self.package).joinpath(name).read_text("utf-8")

    def text(self, key: str, language: Language | None = None, **values: object) -> str:
        """The text for `key` in `language` (default: the current one), placeholders filled."""
        found = self.texts(language or current_language()).get(key)
        if found is None:
            found = self.texts(FALLBACK).get(key, key)
        return found.format(**values) if values else found

    def __contains__(self, key: object) -> bool:
        return key in self.texts(FALLBACK)

    def problems(self) -> list[str]:
        """What is wrong with the catalogue: a key some language lacks, placeholders that
        differ between languages. Empty: every key exists in every language, alike."""
        found: list[str] = []
        every = [self.texts(lang) for lang in LANGUAGES]
        keys = dict.fromkeys(k for texts in every for k in texts)
        for key in keys:
            for lang, texts in zip(LANGUAGES, every, strict=True):
                if key not in texts:
                    found.append(f"{self.folder}/{lang}.json lacks {key!r}")
            shapes = [(lang, placeholders(texts[key]))
                      for lang, texts in zip(LANGUAGES, every, strict=True) if key in texts]
            if len({shape for _lang, shape in shapes}) > 1:
                found.append(f"{key!r}: placeholders differ: "
                             + ", ".join(f"{lang} {sorted(shape)}" for lang, shape in shapes))
        return found
