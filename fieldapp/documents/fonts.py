"""Find a CJK TrueType font and register it with ReportLab.

ReportLab embeds a subset of a TrueType font (glyf outlines) in every PDF, so a copy
prints the same on any machine. Order of search:

1. an explicit path (argument, e.g. from the settings), else env ``FIELDAPP_PDF_FONT``;
   a path ending in ``.ttc`` may pick a face with ``#N`` (``wqy-zenhei.ttc#0``);
2. a font bundled in ``fieldapp/documents/resources/fonts/`` (``*.ttf`` / ``*.ttc``);
3. well-known system fonts: WenQuanYi Micro Hei / Zen Hei (Debian, Fedora, Arch),
   Microsoft YaHei / SimSun / SimHei (Windows), Songti / Heiti / Arial Unicode (macOS).

Skipped on purpose: Noto Sans CJK / Source Han (CFF outlines: ReportLab cannot embed
them) and Droid Sans Fallback (no Latin glyphs: digits would print blank). The built-in
CID font STSong-Light is never used: it is not embedded and prints differently, or not
at all, on machines without Adobe's Asian font pack.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from fieldapp.documents.errors import FontError

log = logging.getLogger("fieldapp.documents")

ENV_FONT = "FIELDAPP_PDF_FONT"
BUNDLED_FONT_DIR = Path(__file__).with_name("resources") / "fonts"
FONT_SUFFIXES = (".ttf", ".ttc")
# A usable font must draw these: Chinese labels, digits and Latin data, the yuan sign.
REQUIRED_CHARS = "服务单据客户联零壹贰0123456789AZaz¥"
# Family names (lower case, no spaces) that can never work; see the module docstring.
REJECTED_NAMES = ("notosanscjk", "notoserifcjk", "sourcehan", "droidsansfallback")


def _system_candidates() -> tuple[Path, ...]:
    windir = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    linux = [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
        "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
        "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
        "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    ]
    windows = [str(windir / name) for name in ("msyh.ttc", "msyh.ttf", "simhei.ttf", "simsun.ttc")]
    macos = [
        "/System/Library/Fonts/STHeiti Medium.ttc",
        "/System/Library/Fonts/STHeiti Light.ttc",
        "/System/Library/Fonts/Supplemental/Songti.ttc",
        "/Library/Fonts/Arial Unicode.ttf",
        "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    ]
    return tuple(Path(p) for p in (*linux, *windows, *macos))


SYSTEM_FONT_PATHS = _system_candidates()


@dataclass(frozen=True)
class FontChoice:
    path: Path
    subfont_index: int = 0

    @property
    def registered_name(self) -> str:
        stem = "".join(ch for ch in self.path.stem if ch.isalnum()) or "font"
        return f"FieldappCJK-{stem}-{self.subfont_index}"


_lock = threading.Lock()
_registered: dict[FontChoice, str] = {}


def register_cjk_font(
    explicit: str | os.PathLike[str] | None = None,
    *,
    bundled_dir: Path | None = None,
    system_paths: Sequence[Path] | None = None,
) -> str:
    """Register the first usable CJK TrueType font; return its ReportLab font name.

    Cached: the same font is loaded once per process.
    """
    choice = find_cjk_font(explicit, bundled_dir=bundled_dir, system_paths=system_paths)
    with _lock:
        name = _registered.get(choice)
        if name is None:
            font = _load(choice)
            if font is None:  # pragma: no cover - find_cjk_font already checked it
                raise _not_found([choice.path])
            pdfmetrics.registerFont(font)
            name = _registered[choice] = font.fontName
            log.info("PDF font %s (face %d)", choice.path, choice.subfont_index)
        return name


def find_cjk_font(
    explicit: str | os.PathLike[str] | None = None,
    *,
    bundled_dir: Path | None = None,
    system_paths: Sequence[Path] | None = None,
) -> FontChoice:
    """Which font file to use; raises FontError naming what to install if none."""
    wanted = explicit if explicit is not None else os.environ.get(ENV_FONT) or None
    if wanted is not None:
        choice = _parse_explicit(str(wanted))
        if not choice.path.is_file():
            raise FontError(
                f"找不到指定的 PDF 字体文件：{choice.path}（请检查设置或环境变量 {ENV_FONT}）。",
                f"The PDF font file {choice.path} does not exist (check the settings or "
                f"{ENV_FONT}).",
            )
        if not _usable(choice):
            raise FontError(
                f"字体 {choice.path} 不能用于 PDF：需要含中文、数字和拉丁字母的 TrueType 字体"
                "（.ttf/.ttc，不能是 CFF/OTF 轮廓，如 Noto Sans CJK）。",
                f"The font {choice.path} cannot be used for PDFs: it must be a TrueType font "
                "(.ttf/.ttc with glyf outlines, not CFF such as Noto Sans CJK) that has "
                "Chinese, digits and Latin letters.",
            )
        return choice
    tried: list[Path] = []
    for choice in _candidates(bundled_dir, system_paths):
        tried.append(choice.path)
        if _usable(choice):
            return choice
    raise _not_found(tried)


def _parse_explicit(text: str) -> FontChoice:
    path, _, index = text.partition("#")
    if index.isdigit():
        return FontChoice(Path(path).expanduser(), int(index))
    return FontChoice(Path(text).expanduser(), 0)


def _candidates(
    bundled_dir: Path | None, system_paths: Sequence[Path] | None
) -> Iterable[FontChoice]:
    folder = BUNDLED_FONT_DIR if bundled_dir is None else bundled_dir
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in FONT_SUFFIXES and not _rejected(path):
                yield FontChoice(path)
    for path in SYSTEM_FONT_PATHS if system_paths is None else system_paths:
        if path.is_file() and not _rejected(path):
            yield FontChoice(path)


def _rejected(path: Path) -> bool:
    squashed = path.name.lower().replace(" ", "").replace("-", "").replace("_", "")
    return any(name in squashed for name in REJECTED_NAMES)


def _usable(choice: FontChoice) -> bool:
    return _load(choice) is not None


@lru_cache(maxsize=16)
def _load(choice: FontChoice) -> TTFont | None:
    """The parsed font, or None if unusable (cached: parsing a .ttc takes ~50 ms)."""
    try:
        font = TTFont(choice.registered_name, str(choice.path), subfontIndex=choice.subfont_index)
    except (TTFError, OSError, ValueError, IndexError) as exc:
        log.debug("font %s unusable: %s", choice.path, exc)
        return None
    cmap = font.face.charToGlyph
    missing = [ch for ch in REQUIRED_CHARS if ord(ch) not in cmap]
    if missing:
        log.debug("font %s lacks %s", choice.path, "".join(missing))
        return None
    return font


def _not_found(tried: Iterable[Path]) -> FontError:
    looked = ", ".join(str(p) for p in tried) or "-"
    return FontError(
        "找不到可嵌入 PDF 的中文 TrueType 字体。请安装文泉驿微米黑"
        "（Debian/Ubuntu：apt install fonts-wqy-microhei），或在设置/环境变量 "
        f"{ENV_FONT} 中指定一个 .ttf/.ttc 字体文件（如 Windows 的 msyh.ttc）。已检查：{looked}",
        "No CJK TrueType font that can be embedded in PDFs was found. Install WenQuanYi "
        "Micro Hei (Debian/Ubuntu: apt install fonts-wqy-microhei) or point the settings "
        f"or {ENV_FONT} at a .ttf/.ttc font file (e.g. msyh.ttc on Windows). "
        f"Looked at: {looked}",
    )
