"""The portal's language: Chinese first, English on request, remembered in a cookie.

Templates call ``t("中文", "English")``, so every string is written in both languages at
the place it is shown; ``label(table, key)`` names a coded value. Both are the core's
`pick` and `term` (docs/i18n.md) bound to the page's language, which is explicit: the
server answers many customers at once, each in their own language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from fastapi import Request

from fieldapp.base.i18n import FALLBACK, Language, Pair, is_language, pick, term
from fieldapp.base.i18n import LANGUAGES as LANGUAGES  # routes_auth uses i18n.LANGUAGES

LANG_COOKIE = "fa_portal_lang"
Translate = Callable[[str, str], str]


def language_of(request: Request) -> Language:
    lang = request.cookies.get(LANG_COOKIE, "")
    return lang if is_language(lang) else FALLBACK


def translator(lang: Language) -> Translate:
    """The templates' ``t(zh, en)``: `pick` in the page's language."""
    return partial(pick, language=lang)


def pair(labels: Mapping[str, Pair], key: str, lang: Language) -> str:
    """A value's label from one of the core's (zh, en) label tables; the value if unknown."""
    return term(labels, key, lang)
