"""The desktop's bindings of the one translation mechanism (`fieldapp.base.i18n`, docs/i18n.md).

Texts live in the catalogue ``ui/resources/i18n/{zh,en}.json`` (key -> text, named
placeholders like ``{number}``), read by the core's `Catalogue`. Widgets call `tr` in
their ``retranslate()`` method, which runs on construction and again whenever
`language_changed` fires, so the language switches at runtime. The current language is
the core's: `set_language` switches it (the core's messages follow, on every thread) and
Qt's own dialogs (Qt's ``qtbase`` .qm catalogue, the one translation that is not ours).
Labels the core defines as (zh, en) pairs go through `pair`, so every visible string is
produced here (the untranslated-string test checks it).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QObject, QTranslator, Signal

from fieldapp.base import i18n as core_i18n
from fieldapp.base.i18n import Catalogue, Language, Pair

CATALOGUE = Catalogue("ui", "resources/i18n")
_produced: dict[str, set[str]] = {"zh": set(), "en": set()}


def catalogue(language: str) -> dict[str, str]:
    """Every text of `language` (the tests compare them; fixed-language labels read them)."""
    return CATALOGUE.texts(language)


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
    return core_i18n.current_language()


def tr(key: str, **values: object) -> str:
    """The text for `key` in the current language, with named placeholders filled in."""
    return tr_in(current(), key, **values)


def tr_in(language: Language, key: str, **values: object) -> str:
    """The text for `key` in `language`, whatever the screen's: a label fixed in the
    customer's language (the signature pad's summary) is chrome all the same."""
    text = CATALOGUE.text(key, language, **values)
    _produced[language].add(text)
    return text


def pair(labels: Pair) -> str:
    """A (zh, en) label pair from the core, in the current language."""
    language = current()
    text = core_i18n.pair(labels, language)
    _produced[language].add(text)
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
    core_i18n.set_language(language)  # refuses an unknown language
    _load_qt_catalogue(language)
    notifier().changed.emit(language)
    notifier().retranslate.emit()


class Retranslatable(Protocol):
    """A widget that sets its texts in the current language."""

    def retranslate(self) -> None: ...


def connect(widget: Retranslatable) -> None:
    """Call ``widget.retranslate()`` whenever the language changes.

    A bound method of a QObject: Qt drops the connection when the widget is destroyed.
    """
    notifier().retranslate.connect(widget.retranslate)
