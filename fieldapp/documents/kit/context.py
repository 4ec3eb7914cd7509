"""What every document's blocks and page furniture ask of it: one public context.

A document is drawn for one company, in one layout (A4 or the 80 mm receipt), one copy
(customer / company) and one language. `DocumentContext` carries that and the words the
page furniture prints (title, subtitle, the numbers line); a document kind that needs
its own data (the slip) adds it in a subclass, so no method is written twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, TypeGuard, get_args

from fieldapp.base.i18n import Language, is_language, pick
from fieldapp.base.timeutil import format_local
from fieldapp.documents.errors import DocumentError
from fieldapp.documents.fonts import register_cjk_font
from fieldapp.documents.labels import label
from fieldapp.documents.layout import LAYOUTS
from fieldapp.documents.model import CompanyInfo
from fieldapp.documents.styles import Styles, make_styles

LayoutName = Literal["a4", "receipt"]
CopyName = Literal["customer", "company"]


@dataclass(frozen=True, kw_only=True)
class DocumentContext:
    company: CompanyInfo
    styles: Styles
    language: Language
    copy: CopyName
    timezone: str
    title: str  # printed in the header (A4) or at the top of the receipt
    subtitle: str  # under the title on A4 (the other language's title)
    number_pairs: tuple[tuple[str, str], ...]  # (label key, value); empty values left out
    draft: bool = False  # an unsealed slip: a 草稿/DRAFT mark on every page

    def t(self, key: str, **values: str) -> str:
        return label(key, self.language, **values)

    @property
    def colon(self) -> str:
        return pick("：", ": ", self.language)

    def time(self, moment: datetime | None) -> str:
        return format_local(moment, self.timezone) or "—"

    @property
    def width(self) -> float:
        return self.styles.layout.frame_width

    @property
    def receipt(self) -> bool:
        return not self.styles.layout.two_columns

    @property
    def number_lines(self) -> tuple[str, ...]:
        """The numbers as "label：value", one per printed number."""
        return tuple(f"{self.t(key)}{self.colon}{value}" for key, value in self.number_pairs
                     if value)

    @property
    def numbers(self) -> str:
        return "    ".join(self.number_lines)

    @property
    def copy_label(self) -> str:
        return self.t("copy_customer" if self.copy == "customer" else "copy_company")

    @property
    def keep_note(self) -> str:
        return self.t("keep_copy" if self.copy == "customer" else "keep_stub")

    @property
    def complaint_text(self) -> str:
        """How to complain (R5), printed at the foot of every document."""
        return self.t("complaints", hotline=self.complaint_hotline)

    @property
    def complaint_hotline(self) -> str:
        """The customer service centre's number (R5.2); "(not set)" says it plainly."""
        company = self.company
        return (company.complaint_hotline or company.hotline
                or self.t("issuer_hotline_unset"))

    @property
    def issuer_name(self) -> str:
        """The company the document speaks for, or that its name is not set."""
        return self.company.name or self.t("issuer_name_unset")

    @property
    def issuer_notice(self) -> str:
        """One line under the issuer when its name, address or hotline is not set up."""
        missing = [k for k in ("company_name", "company_address", "company_hotline")
                   if k in self.company.unconfigured]
        if not missing:
            return ""
        names = self.t("list_separator").join(self.t(f"issuer_{k}") for k in missing)
        return self.t("issuer_notice", missing=names)


@dataclass(frozen=True)
class Options:
    """A render call's layout, copy, language and font, checked and turned into styles."""

    layout: LayoutName
    copy: CopyName
    language: Language
    styles: Styles


def _is_layout(name: str) -> TypeGuard[LayoutName]:
    return name in get_args(LayoutName)


def _is_copy(name: str) -> TypeGuard[CopyName]:
    return name in get_args(CopyName)


def check_options(*, layout: str, copy: str, language: str,
                  font: str | Path | None) -> Options:
    """The options as the renderers accept them from any caller (CLI, settings, server):
    a wrong name is a `DocumentError` in both languages, not a traceback."""
    if not _is_layout(layout):
        raise DocumentError(f"未知的版式：{layout}", f"Unknown layout: {layout}")
    if not _is_copy(copy):
        raise DocumentError(f"未知的联次：{copy}", f"Unknown copy: {copy}")
    if not is_language(language):
        raise DocumentError(f"不支持的语言：{language}", f"Unsupported language: {language}")
    styles = make_styles(LAYOUTS[layout], register_cjk_font(font), language)
    return Options(layout, copy, language, styles)


def number_pairs(*pairs: tuple[str, str | None]) -> tuple[tuple[str, str], ...]:
    """(label key, number) pairs for the numbers line; a missing number is left out."""
    return tuple((key, value or "") for key, value in pairs)


__all__ = ["CopyName", "DocumentContext", "LayoutName", "Options", "check_options",
           "number_pairs"]
