"""The core's user-facing language: which language messages render in.

Messages that reach a user (validation errors, CLI output) carry both Chinese and
English; the current language picks one. Chinese is the default (the users are in China).
The desktop app keeps this in step with its own language switch.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Literal

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

_current: ContextVar[Language] = ContextVar("fieldapp_language", default="zh")


def current_language() -> Language:
    return _current.get()


def set_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; choose one of {LANGUAGES}")
    _current.set(language)  # type: ignore[arg-type]


def pick(zh: str, en: str, language: Language | None = None) -> str:
    """Return the text for `language` (default: the current one)."""
    return zh if (language or current_language()) == "zh" else en
