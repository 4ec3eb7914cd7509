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
                or _issuer_text("hotline_unset", self.language))

    @property
    def issuer_name(self) -> str:
        """The company the document speaks for, or that its name is not set."""
        return self.company.name or _issuer_text("name_unset", self.language)

    @property
    def issuer_notice(self) -> str:
        """One line under the issuer when its name, address or hotline is not set up."""
        missing = [k for k in ("company_name", "company_address", "company_hotline")
                   if k in self.company.unconfigured]
        if not missing:
            return ""
        sep = "、" if self.language == "zh" else ", "
        names = sep.join(_issuer_text(k, self.language) for k in missing)
        return _issuer_text("notice", self.language).format(missing=names)


# What the issuer block says for settings not made (kept with the context that prints it).
ISSUER_TEXTS: dict[str, tuple[str, str]] = {
    "name_unset": ("（公司名称未设置）", "(company name not set)"),
    "hotline_unset": ("（未设置）", "(not set)"),
    "notice": ("出具单位信息未设置：缺{missing}。请在“设置”中填写。",
               "Issuing company not configured: {missing} missing. Set it up in Settings."),
    "company_name": ("公司名称", "name"),
    "company_address": ("公司地址", "address"),
    "company_hotline": ("服务热线", "hotline"),
}


def _issuer_text(key: str, language: Language) -> str:
    zh, en = ISSUER_TEXTS[key]
    return zh if language == "zh" else en


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
