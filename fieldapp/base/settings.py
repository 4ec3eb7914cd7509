"""Settings, declared once: key, type, default and a translatable title.

Stored as JSON in the data folder (settings.json), so the desktop app, the command line
and support tools read the same values; an unknown or mistyped value falls back to the
declared default instead of stopping the app.
"""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from fieldapp.base.errors import PathError
from fieldapp.base.files import write_file

log = logging.getLogger("fieldapp.base.settings")

SETTINGS_FILENAME = "settings.json"


@dataclass(frozen=True)
class Option:
    key: str
    type: type
    default: Any
    title_zh: str
    title_en: str


OPTIONS: tuple[Option, ...] = (
    Option("language", str, "zh", "界面语言", "Language"),
    Option("operator_code", str, "", "工号（用于单据编号）", "Operator code (used in numbers)"),
    Option("operator_name", str, "", "姓名", "Name"),
    Option("role", str, "engineer", "角色", "Role"),
    Option("company_name", str, "", "公司名称", "Company name"),
    Option("company_hotline", str, "", "服务热线", "Service hotline"),
    Option("company_address", str, "", "公司地址", "Company address"),
    Option("complaint_hotline", str, "", "投诉电话", "Complaint hotline"),
    Option("company_logo", str, "", "公司标志文件", "Company logo file"),
    Option("archive_url", str, "", "档案服务器地址", "Archive server address"),
    Option("sync_interval_minutes", int, 5, "自动同步间隔（分钟）", "Sync every (minutes)"),
    # the portal's verify page printed in the copies' QR code (https://…/portal/verify);
    # empty: derived from archive_url (fieldapp.documents.qr.verify_address)
    Option("verify_url", str, "", "单据验证网址", "Slip verification address"),
    Option("pdf_font", str, "", "单据中文字体文件", "Chinese font file for documents"),
    Option("timezone", str, "Asia/Shanghai", "时区", "Time zone"),
    Option("default_layout", str, "a4", "默认打印版式", "Default print layout"),
    # the customer copy's pictures page: each attachment with kind and caption (issue 21)
    Option("copy_pictures", bool, False, "客户联附图片页", "Pictures page on the customer copy"),
    Option("printer", str, "", "打印机", "Printer"),
    Option("setup_done", bool, False, "已完成初始设置", "First-start setup done"),
    # each window's last geometry per screen size, "main_window@1366x768": [x, y, w, h,
    # maximised]; kept by ui.kit.fit.WindowPlacer (docs/desktop.md, "Fit")
    Option("window_geometry", dict, {}, "窗口位置与大小", "Window positions and sizes"),
    # common items, one tap adds a fee line (fieldapp.services.fee_entry.price_items)
    Option("price_list", list, [
        {"kind": "labour", "description": "上门服务费", "unit_price": "150.00"},
        {"kind": "labour", "description": "工时费（每小时）", "unit_price": "100.00"},
        {"kind": "labour", "description": "远程服务费", "unit_price": "50.00"},
        {"kind": "travel", "description": "交通费（市内）", "unit_price": "30.00"},
        {"kind": "travel", "description": "交通费（郊县）", "unit_price": "80.00"},
        {"kind": "parts", "description": "搓纸轮", "unit_price": "45.50"},
        {"kind": "parts", "description": "硒鼓", "unit_price": "380.00"},
        {"kind": "parts", "description": "内存条 8GB", "unit_price": "260.00"},
    ], "常用收费项目（价目表）", "Price list (common items)"),
)
_BY_KEY = {o.key: o for o in OPTIONS}

# Who the documents speak for (R5.2's hotline among them): until these are set, copies say
# that the company is not configured and `pdf`/print warn (docs/documents.md, "Company").
IDENTITY_KEYS = ("company_name", "company_address", "company_hotline", "verify_url")


def option(key: str) -> Option:
    """The declared option (its type, default and titles)."""
    return _BY_KEY[key]


VERIFY_PATH = "/portal/verify"  # fieldapp.archive.portal.routes_verify, under /portal


def verify_address(verify_url: str = "", archive_url: str = "") -> str:
    """Where a phone checks a copy: the configured verify page, else the archive's
    `/portal/verify` when an archive (http/https) is configured, else "" (no web page:
    the QR code then carries ``fieldapp:verify?…``)."""
    if verify_url.strip():
        return verify_url.strip()
    base = archive_url.strip().rstrip("/")
    if urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).netloc:
        return ""
    return base if base.endswith(VERIFY_PATH) else f"{base}{VERIFY_PATH}"


class Values(Protocol):
    """Settings, or a form's values not saved yet (a dict of text by key)."""

    def get(self, key: str) -> Any: ...


def identity_missing(settings: Values) -> tuple[str, ...]:
    """The company identity settings still unset, in IDENTITY_KEYS order. A complaint
    hotline stands in for the service hotline, and an http(s) archive address for the
    verify address (its /portal/verify)."""
    def text(key: str) -> str:
        return str(settings.get(key) or "").strip()

    def has(key: str) -> bool:
        return bool(text(key))

    present = {
        "company_name": has("company_name"),
        "company_address": has("company_address"),
        "company_hotline": has("company_hotline") or has("complaint_hotline"),
        "verify_url": bool(verify_address(text("verify_url"), text("archive_url"))),
    }
    return tuple(key for key in IDENTITY_KEYS if not present[key])


class Settings:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[str, Any] = {}
        try:
            loaded = json.loads(path.read_text("utf-8"))
        except (FileNotFoundError, NotADirectoryError):
            return  # not saved yet (or no data folder: opening the store says so)
        except (OSError, ValueError) as exc:
            log.warning("settings file unreadable, using defaults: %s", exc)
            return
        if isinstance(loaded, dict):
            self._values = loaded

    @classmethod
    def in_dir(cls, data_dir: Path) -> Settings:
        return cls(data_dir / SETTINGS_FILENAME)

    def get(self, key: str) -> Any:
        option = _BY_KEY[key]
        value = self._values.get(key, option.default)
        value = value if isinstance(value, option.type) else option.default
        return copy.deepcopy(value) if isinstance(value, list | dict) else value

    def set(self, key: str, value: Any) -> None:
        option = _BY_KEY[key]
        if not isinstance(value, option.type):
            raise TypeError(f"setting {key} takes {option.type.__name__}, not {value!r}")
        self._values[key] = value

    def save(self) -> None:
        """Write atomically: a crash mid-save leaves the old file, never half a file; a
        folder or disk that refuses raises PathError naming the file."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PathError.from_os_error(exc, self.path.parent, action="folder") from exc
        text = json.dumps(self._values, ensure_ascii=False, indent=2, sort_keys=True)
        write_file(self.path, text.encode("utf-8"))
