"""Device classes (设备类别): how devices and loaners are grouped for loaner matching.

Stored as short codes (``printer``); people see and type words (打印机 / Printer). Every
place that shows a class goes through `device_class_label`, every place that takes one
from a person or a file through `device_class_from_text`, which accepts the word in
either language or the code.
"""

from __future__ import annotations

from fieldapp.base.i18n import Language, term

DEVICE_CLASS_LABELS: dict[str, tuple[str, str]] = {
    "desktop": ("台式机", "Desktop"),
    "laptop": ("笔记本电脑", "Laptop"),
    "printer": ("打印机", "Printer"),
    "server": ("服务器", "Server"),
    "network": ("网络设备", "Network"),
    "other": ("其他", "Other"),
}
DEVICE_CLASSES = tuple(DEVICE_CLASS_LABELS)

# words people also use for a class
_SYNONYMS = {"笔记本": "laptop", "电脑": "desktop", "台式电脑": "desktop", "交换机": "network",
             "路由器": "network", "网络": "network", "打印": "printer", "复印机": "printer",
             "notebook": "laptop", "pc": "desktop", "network device": "network"}


def device_class_label(code: str, language: Language) -> str:
    """The class in words; an unknown code (a class added at the archive) as stored."""
    return term(DEVICE_CLASS_LABELS, code, language)


def device_class_from_text(text: str) -> str:
    """The code for what a person typed: 打印机, Printer, printer → ``printer``. Text that
    names no known class is kept as typed (stripped), so nothing typed is lost."""
    typed = text.strip()
    folded = typed.casefold()
    for code, (zh, en) in DEVICE_CLASS_LABELS.items():
        if folded in (code, zh.casefold(), en.casefold()):
            return code
    return _SYNONYMS.get(folded, typed)
