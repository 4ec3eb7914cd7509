"""The core's user-facing language: which language messages render in.

Messages that reach a user (validation errors, CLI output) carry both Chinese and
English; the current language picks one. Chinese is the default (the users are in China).
The desktop app keeps this in step with its own language switch.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Literal, TypeGuard

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")


def is_language(value: object) -> TypeGuard[Language]:
    """Whether `value` is one of LANGUAGES (so a setting's or a request's text can be used)."""
    return value in LANGUAGES

_current: ContextVar[Language] = ContextVar("fieldapp_language", default="zh")


def current_language() -> Language:
    return _current.get()


def set_language(language: str) -> None:
    if not is_language(language):
        raise ValueError(f"unsupported language {language!r}; choose one of {LANGUAGES}")
    _current.set(language)


def pick(zh: str, en: str, language: Language | None = None) -> str:
    """Return the text for `language` (default: the current one)."""
    return zh if (language or current_language()) == "zh" else en
