"""The laptop's own Ed25519 key, which signs every seal it makes (docs/seal.md).

The private key lives in the OS keyring (Windows Credential Manager, macOS Keychain,
Secret Service) when a backend works; else in `device_key.pem` in the data folder,
readable by the user only (a headless Debian box has no keyring backend). The public
part, its id and the keys this laptop held before a re-key are in `device_key.json`
beside it: a seal made under an earlier key of this laptop still verifies here.

The archive learns the public key at `fieldapp login` and checks every pushed seal
against it; `fieldapp-archive devices revoke` ends a lost laptop's key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from fieldapp.base.files import write_file

log = logging.getLogger("fieldapp.keys")

SERVICE = "fieldapp-device-key"
PUBLIC_FILE = "device_key.json"
PRIVATE_FILE = "device_key.pem"


def key_id_of(public_key: str) -> str:
    """32 hex digits naming a base64 raw public key (its SHA-256, shortened)."""
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:32]


def _public_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def signature_ok(public_key: str, message: bytes, signature: str) -> bool:
    """Whether `signature` (base64) is the holder of `public_key`'s over `message`."""
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True)).verify(
            base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class DeviceKey:
    key_id: str
    public_key: str  # base64 of the 32 raw bytes
    kept_in: str  # "keyring" or "file"
    _private: Ed25519PrivateKey = field(repr=False, compare=False)
    earlier: tuple[tuple[str, str], ...] = ()  # (key_id, public_key) before a re-key

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self._private.sign(message)).decode("ascii")

    def own_public_key(self, key_id: str) -> str | None:
        """The public key of this laptop's current or an earlier key with this id."""
        if key_id == self.key_id:
            return self.public_key
        return dict(self.earlier).get(key_id)


def ephemeral_key() -> DeviceKey:
    """A key held in memory only (a store without a data folder): its seals verify
    nowhere else, since no archive ever learns it."""
    private = Ed25519PrivateKey.generate()
    public = _public_text(private)
    return DeviceKey(key_id_of(public), public, "memory", private)


def load_device_key(data_dir: Path) -> DeviceKey:
    """This laptop's key, made on first use."""
    info = _read_info(data_dir)
    if info is not None:
        private = _load_private(data_dir, info)
        if private is not None and _public_text(private) == info["public_key"]:
            return _key(private, info)
        log.warning("the device key's private part is missing; a new key is made")
    return renew_device_key(data_dir)


def renew_device_key(data_dir: Path) -> DeviceKey:
    """Re-key: a new key signs from now on; the old public key is kept so this laptop's
    older seals still verify. The archive learns the new key at the next login."""
    old = _read_info(data_dir)
    private = Ed25519PrivateKey.generate()
    public = _public_text(private)
    key_id = key_id_of(public)
    kept_in = "keyring" if _keyring_set(key_id, private) else "file"
    if kept_in == "file":
        pem = private.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        write_private_file(data_dir / PRIVATE_FILE, pem)
    else:
        (data_dir / PRIVATE_FILE).unlink(missing_ok=True)
    earlier = [] if old is None else [*old.get("earlier", []),
                                      [old["key_id"], old["public_key"]]]
    info = {"key_id": key_id, "public_key": public, "kept_in": kept_in, "earlier": earlier}
    write_file(data_dir / PUBLIC_FILE,
               json.dumps(info, ensure_ascii=False, indent=1).encode("utf-8"))
    return _key(private, info)


def _key(private: Ed25519PrivateKey, info: dict[str, Any]) -> DeviceKey:
    return DeviceKey(info["key_id"], info["public_key"], info["kept_in"], private,
                     tuple((str(k), str(p)) for k, p in info.get("earlier", [])))


def _read_info(data_dir: Path) -> dict[str, Any] | None:
    try:
        info = json.loads((data_dir / PUBLIC_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return None
    except ValueError:
        log.warning("%s is damaged; a new device key is made", PUBLIC_FILE)
        return None
    return info if isinstance(info, dict) and {"key_id", "public_key"} <= set(info) else None


def _load_private(data_dir: Path, info: dict[str, Any]) -> Ed25519PrivateKey | None:
    if info.get("kept_in") == "keyring":
        return _keyring_get(info["key_id"])
    try:
        key = serialization.load_pem_private_key((data_dir / PRIVATE_FILE).read_bytes(), None)
    except (FileNotFoundError, ValueError):
        return None
    return key if isinstance(key, Ed25519PrivateKey) else None


def write_private_file(path: Path, pem: bytes) -> None:
    """Readable by the user only, from the first byte (never a moment world-readable)."""
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _raw(private: Ed25519PrivateKey) -> str:
    return base64.b64encode(private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
        serialization.NoEncryption())).decode("ascii")


def _keyring_set(key_id: str, private: Ed25519PrivateKey) -> bool:
    try:
        import keyring

        keyring.set_password(SERVICE, key_id, _raw(private))
        return keyring.get_password(SERVICE, key_id) == _raw(private)
    except Exception as exc:  # any backend failure (none on a headless box): the file
        log.info("keyring unavailable (%s); the device key goes to a file",
                 type(exc).__name__)
        return False


def _keyring_get(key_id: str) -> Ed25519PrivateKey | None:
    try:
        import keyring

        text = keyring.get_password(SERVICE, key_id)
        return None if text is None else Ed25519PrivateKey.from_private_bytes(
            base64.b64decode(text))
    except Exception:
        return None
