"""The window's snapshot: what the main window's first lists showed, kept beside the store
so the next start can paint them before the store's code is even imported.

`window-snapshot.json` in the data folder (where the store and settings.json are; the
folder `--data-dir`, `FIELDAPP_DATA_DIR` or platformdirs chose). Written when the live
lists first arrive and when the app closes; read once at start by `ui.shell.start`.
It holds only what the lists show on screen — column titles, the cells' texts of the
first rows of the open requests and of the slips, their column widths, each row's id
(so a row tapped before the store is open still opens), the language, my work or
everyone's — and never a secret (no token, key, signature or setting).
docs/desktop.md, "Start-up".

Qt-free and core-free (json, pathlib): it is imported before anything heavy. Reading
never fails: a missing, unreadable, corrupt, foreign or other-version file is no snapshot.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fieldapp.base.i18n import is_language  # stdlib only: cheap before the first paint

FILE_NAME = "window-snapshot.json"
FORMAT = "fieldapp-window-snapshot"
VERSION = 1
LISTS = ("requests", "slips")  # the first tab, and every slip (issue 23)
MAX_ROWS = 30  # a screenful at 1280 × 680 and some; not a copy of the store
MAX_COLUMNS = 16
MAX_CELL = 200
MAX_BYTES = 512 * 1024


@dataclass(frozen=True)
class ListSnapshot:
    headers: tuple[str, ...]
    widths: tuple[int, ...]  # per column, 0 = stretched
    rows: tuple[tuple[str, ...], ...]
    ids: tuple[str, ...]  # one per row: the request's or the slip's id


@dataclass(frozen=True)
class Snapshot:
    language: str
    mine: bool
    saved_at: datetime  # aware, UTC
    lists: dict[str, ListSnapshot] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return json.dumps({
            "format": FORMAT, "version": VERSION, "saved_at": self.saved_at.isoformat(),
            "language": self.language, "mine": self.mine,
            "lists": {name: {"headers": list(s.headers), "widths": list(s.widths),
                             "rows": [list(r) for r in s.rows], "ids": list(s.ids)}
                      for name, s in self.lists.items()},
        }, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def path_in(folder: Path) -> Path:
    return folder / FILE_NAME


Shown = tuple[list[str], list[int], list[list[str]], list[str]]  # headers, widths, rows, ids


def make(language: str, mine: bool, lists: dict[str, Shown],
         saved_at: datetime | None = None) -> Snapshot:
    """A snapshot of what is shown, cut to its limits (rows, columns, cell length)."""
    return Snapshot(language, mine, saved_at or datetime.now(UTC), {
        name: ListSnapshot(
            tuple(_cell(h) for h in headers[:MAX_COLUMNS]),
            tuple(max(0, min(int(w), 2000)) for w in widths[:MAX_COLUMNS]),
            tuple(tuple(_cell(c) for c in row[:MAX_COLUMNS]) for row in rows[:MAX_ROWS]),
            tuple(str(i) for i in ids[:MAX_ROWS]))
        for name, (headers, widths, rows, ids) in lists.items() if name in LISTS})


def _cell(text: object) -> str:
    return str(text)[:MAX_CELL]


def read(folder: Path) -> Snapshot | None:
    """The snapshot beside the store, or None for anything but a sound one of this version."""
    try:
        path = path_in(folder)
        if path.stat().st_size > MAX_BYTES:
            return None
        return parse(json.loads(path.read_bytes()))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def parse(data: Any) -> Snapshot | None:
    if not isinstance(data, dict) or data.get("format") != FORMAT \
            or data.get("version") != VERSION:
        return None
    saved_at = datetime.fromisoformat(data["saved_at"])
    if saved_at.tzinfo is None or not is_language(data["language"]):
        return None
    lists: dict[str, Shown] = {}
    for name, body in dict(data["lists"]).items():
        headers, rows, ids = _strings(body["headers"]), body["rows"], _strings(body["ids"])
        widths = body["widths"]
        if not isinstance(rows, list) or len(rows) != len(ids) or not isinstance(widths, list) \
                or not all(isinstance(w, int) for w in widths):
            return None
        lists[name] = headers, widths, [_strings(row) for row in rows], ids
    return make(data["language"], data["mine"] is True, lists, saved_at)


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("not a list of texts")
    return value


def write(folder: Path, snapshot: Snapshot) -> None:
    """Replace the snapshot (atomically: a reader sees the old one or the new one)."""
    path = path_in(folder)
    part = path.with_name(f".{FILE_NAME}.{os.getpid()}.{threading.get_ident()}.part")
    part.write_bytes(snapshot.to_json())
    os.replace(part, path)

