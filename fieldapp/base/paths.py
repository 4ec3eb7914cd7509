"""Where the local data lives: --data-dir, then FIELDAPP_DATA_DIR, then the OS's user
data folder (platformdirs: ~/.local/share/fieldapp on Linux, %LOCALAPPDATA%\\fieldapp on
Windows)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "fieldapp"
ENV_DATA_DIR = "FIELDAPP_DATA_DIR"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    if env := os.environ.get(ENV_DATA_DIR):
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
