"""The core's exceptions, and what each tells the user.

    FieldappError                 anything the user should be told about, in zh and en
    ├── ValidationError           input refused; carries one FieldIssue per bad field
    ├── NotFound                  no record with that number or id
    ├── SealedError               a sealed slip cannot change; amend it instead
    ├── WorkflowError             a step not allowed in the record's current state
    └── StorageError              the local database cannot be used (disk full, locked,
        │                         corrupt, read-only): a known condition, not a defect
        └── PathError             the operating system refused a file or folder (missing
                                  folder, not a folder, read-only, disk full, no
                                  permission); names the path, made by `from_os_error`

Anything else escaping the core is a bug. Every FieldappError renders itself in the
current language (`str(err)`), or in either explicitly (`err.message("en")`), on one line.
"""

from __future__ import annotations

import errno as errnos
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fieldapp.base.i18n import Language, pick


class FieldappError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, language: Language | None = None) -> str:
        return pick(self.zh, self.en, language)

    def __str__(self) -> str:
        return self.message()


@dataclass(frozen=True)
class FieldIssue:
    """One refused field: which field, a stable code for tests and UIs, and the text."""

    field: str
    code: str
    zh: str
    en: str

    def message(self, language: Language | None = None) -> str:
        return pick(self.zh, self.en, language)


class ValidationError(FieldappError):
    def __init__(self, issues: list[FieldIssue]) -> None:
        if not issues:
            raise ValueError("a ValidationError needs at least one issue")
        self.issues = list(issues)
        super().__init__(
            "；".join(i.zh for i in issues),
            "; ".join(i.en for i in issues),
        )

    def for_field(self, field: str) -> list[FieldIssue]:
        return [i for i in self.issues if i.field == field]

    @property
    def codes(self) -> set[str]:
        return {i.code for i in self.issues}


class NotFound(FieldappError):
    pass


class SealedError(FieldappError):
    def __init__(self, number: str) -> None:
        super().__init__(
            f"服务单 {number} 已封存，不能修改；如需更正请新建更正单。",
            f"Slip {number} is sealed and cannot change; start an amendment to correct it.",
        )
        self.number = number


class WorkflowError(FieldappError):
    pass


class StorageError(FieldappError):
    pass


Action = Literal["read", "write", "folder", "data", "database", "access"]

_ACTIONS: dict[str, tuple[str, str]] = {
    "read": ("读取", "read"),
    "write": ("写入", "write"),
    "folder": ("创建文件夹", "create the folder"),
    "data": ("使用数据文件夹", "use the data folder"),
    "database": ("使用数据库文件", "use the database file"),
    "access": ("访问", "access"),
}

_REASONS: dict[int, tuple[str, str]] = {
    errnos.EISDIR: ("这是一个文件夹，不是文件", "it is a folder, not a file"),
    errnos.EROFS: ("所在磁盘是只读的", "the disk is read-only"),
    errnos.EACCES: ("没有权限", "permission denied"),
    errnos.EPERM: ("没有权限", "permission denied"),
    errnos.ENOSPC: ("磁盘已满，请释放磁盘空间后重试",
                    "the disk is full; free some space and try again"),
    errnos.EDQUOT: ("磁盘配额已用完", "the disk quota is used up"),
    errnos.ENAMETOOLONG: ("名称太长", "the name is too long"),
    errnos.EIO: ("磁盘读写错误", "a disk read/write error"),
    errnos.EEXIST: ("已有同名的文件或文件夹", "a file or folder of that name is in the way"),
    errnos.EBUSY: ("正被其他程序占用", "it is in use by another program"),
    errnos.ELOOP: ("符号链接循环", "a loop of symbolic links"),
}


class PathError(StorageError):
    """The operating system refused `path`; one line naming it, in zh and en.

    Made from an OSError by `from_os_error`, which words the reason by errno, so every
    such failure reads the same wherever it happens (the data folder, a PDF or JSON
    written with -o, settings). `errno` is kept for callers and tests."""

    def __init__(self, zh: str, en: str, *, path: str | None, errno: int | None) -> None:
        super().__init__(zh, en)
        self.path = path
        self.errno = errno

    @classmethod
    def from_os_error(cls, exc: OSError, path: str | os.PathLike[str] | None = None, *,
                      action: Action = "write") -> PathError:
        """`path` is the one the user knows (a target, not its temp file); by default the
        error's own filename."""
        named = os.fspath(path) if path is not None else exc.filename
        named = os.fsdecode(named) if named is not None else None
        zh_reason, en_reason = _reason(exc, named, action)
        if named is None:
            return cls(f"操作系统拒绝了该操作：{zh_reason}。",
                       f"The system refused: {en_reason}.", path=None, errno=exc.errno)
        verb_zh, verb_en = _ACTIONS[action]
        zh, en = f"无法{verb_zh} {named}：{zh_reason}。", f"Cannot {verb_en} {named}: {en_reason}."
        if action == "write":
            zh, en = zh + "未写入任何内容。", en + " Nothing was written."
        return cls(zh, en, path=named, errno=exc.errno)


def _reason(exc: OSError, path: str | None, action: str) -> tuple[str, str]:
    code = exc.errno
    if code == errnos.ENOENT:
        if action == "read":
            return "文件不存在", "no such file"
        missing = _first_missing(path)
        if missing is not None:
            return f"文件夹 {missing} 不存在", f"the folder {missing} does not exist"
        return "文件或文件夹不存在", "no such file or folder"
    if code in (errnos.ENOTDIR, errnos.EEXIST):
        blocker = _file_in_the_way(path)
        if blocker is not None:
            return f"{blocker} 是文件，不是文件夹", f"{blocker} is a file, not a folder"
        if code == errnos.ENOTDIR:
            return "路径中有一部分不是文件夹", "a part of the path is not a folder"
    if code in _REASONS:
        return _REASONS[code]
    name = errnos.errorcode.get(code, str(code)) if code is not None else "?"
    return f"系统错误 {name}", f"system error {name} ({exc.strerror or name})"


def _first_missing(path: str | None) -> Path | None:
    """The outermost folder of `path`'s parents that does not exist."""
    if path is None:
        return None
    for folder in reversed(Path(path).parents):
        if not folder.exists():
            return folder
    return None


def _file_in_the_way(path: str | None) -> Path | None:
    """The first of `path` and its parents that exists but is not a folder."""
    if path is None:
        return None
    for part in [*reversed(Path(path).parents), Path(path)]:
        if part.exists() and not part.is_dir():
            return part
    return None
