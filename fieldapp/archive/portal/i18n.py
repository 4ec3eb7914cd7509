"""The portal's language: Chinese first, English on request, remembered in a cookie.

Templates call ``t("中文", "English")``, so every string is written in both languages at
the place it is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from fieldapp.base.i18n import LANGUAGES as LANGUAGES  # routes_auth uses i18n.LANGUAGES
from fieldapp.base.i18n import Language, is_language

LANG_COOKIE = "fa_portal_lang"
Translate = Callable[[str, str], str]


def language_of(request: Request) -> Language:
    lang = request.cookies.get(LANG_COOKIE, "")
    return lang if is_language(lang) else "zh"


def translator(lang: str) -> Translate:
    def t(zh: str, en: str) -> str:
        return en if lang == "en" else zh

    return t


def pair(labels: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    """A value's label from one of the core's (zh, en) label tables; the value if unknown."""
    zh, en = labels.get(key, (key, key))
    return en if lang == "en" else zh
