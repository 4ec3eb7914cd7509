"""The UI's one translation mechanism: JSON catalogues and `tr(key, **placeholders)`.

Catalogues live in ``ui/resources/i18n/{zh,en}.json`` (key -> text, named placeholders
like ``{number}``). Widgets call `tr` in their ``retranslate()`` method, which runs on
construction and again whenever `language_changed` fires, so the language switches at
runtime. `set_language` also switches the core's messages (`fieldapp.base.i18n`) and Qt's own
dialogs (the ``qtbase`` catalogue). Labels the core defines as (zh, en) pairs go through
`pair`, so every visible string is produced here (the untranslated-string test checks it).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QObject, QTranslator, Signal

from fieldapp.base import i18n as core_i18n
from fieldapp.base.i18n import Language, is_language

_state: dict[str, Language] = {"language": "zh"}
_produced: dict[str, set[str]] = {"zh": set(), "en": set()}


@cache
def catalogue(language: str) -> dict[str, str]:
    text = resources.files("ui").joinpath(f"resources/i18n/{language}.json").read_text("utf-8")
    entries: dict[str, str] = json.loads(text)
    return entries


class _Notifier(QObject):
    changed = Signal(str)
    retranslate = Signal()


_notifier: _Notifier | None = None
_qt_translator: QTranslator | None = None


def notifier() -> _Notifier:
    global _notifier
    if _notifier is None:
        _notifier = _Notifier()
    return _notifier


def current() -> Language:
    return _state["language"]


def tr(key: str, **values: object) -> str:
    """The text for `key` in the current language, with named placeholders filled in."""
    language = _state["language"]
    text = catalogue(language).get(key)
    if text is None:
        text = catalogue("zh").get(key, key)  # a missing key shows itself; a test catches it
    if values:
        text = text.format(**values)
    _produced[language].add(text)
    return text


def pair(labels: tuple[str, str]) -> str:
    """A (zh, en) label pair from the core, in the current language."""
    text = labels[0] if _state["language"] == "zh" else labels[1]
    _produced[_state["language"]].add(text)
    return text


def produced(language: str) -> set[str]:
    """Every string `tr`/`pair` has handed out in `language` (for the untranslated test)."""
    return _produced[language]


def _load_qt_catalogue(language: str) -> None:
    global _qt_translator
    app = QCoreApplication.instance()
    if app is None:
        return
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    if language != "zh":
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load("qtbase_zh_CN", folder):
        app.installTranslator(translator)
        _qt_translator = translator


def set_language(language: str) -> None:
    """Switch the UI, the core's messages and Qt's dialogs; widgets retranslate."""
    if not is_language(language):
        raise ValueError(f"unsupported language {language!r}")
    _state["language"] = language
    core_i18n.set_language(language)
    _load_qt_catalogue(language)
    notifier().changed.emit(language)
    notifier().retranslate.emit()


def connect(widget: QObject) -> None:
    """Call ``widget.retranslate()`` whenever the language changes.

    A bound method of a QObject: Qt drops the connection when the widget is destroyed.
    """
    notifier().retranslate.connect(widget.retranslate)  # type: ignore[attr-defined]
