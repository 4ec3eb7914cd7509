"""Where the laptop keeps its device token: the OS keyring, else a 0600 file.

On a desktop the token goes to the OS keyring (Windows Credential Manager, macOS
Keychain, Secret Service). When no keyring backend works (a headless box, a locked
session), it falls back to `device_token` in the data folder, readable by the user only.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger("fieldapp.sync")

SERVICE = "fieldapp-archive"
TOKEN_FILE = "device_token"


def _keyring_set(account: str, token: str) -> bool:
    try:
        import keyring

        keyring.set_password(SERVICE, account, token)
        return keyring.get_password(SERVICE, account) == token
    except Exception as exc:  # any backend failure means: use the file
        log.info("keyring unavailable (%s); using the token file", type(exc).__name__)
        return False


def _keyring_get(account: str) -> str | None:
    try:
        import keyring

        return keyring.get_password(SERVICE, account)
    except Exception:
        return None


def _keyring_delete(account: str) -> None:
    try:
        import keyring

        keyring.delete_password(SERVICE, account)
    except Exception:
        pass


def _file(data_dir: Path) -> Path:
    return data_dir / TOKEN_FILE


def save_token(data_dir: Path, account: str, token: str) -> str:
    """Store the token; returns where ("keyring" or the file path)."""
    if _keyring_set(account, token):
        _file(data_dir).unlink(missing_ok=True)
        return "keyring"
    data_dir.mkdir(parents=True, exist_ok=True)
    path = _file(data_dir)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(token)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return str(path)


def load_token(data_dir: Path, account: str) -> str | None:
    path = _file(data_dir)
    if path.exists():
        return path.read_text("utf-8").strip() or None
    return _keyring_get(account)


def forget_token(data_dir: Path, account: str) -> None:
    _file(data_dir).unlink(missing_ok=True)
    _keyring_delete(account)
