"""Files and folders the user names or the app needs: written whole or not at all, and
every refusal by the operating system raised as a `PathError` that names the path.

- `write_file(path, data)`: a temp file beside `path`, fsynced, then renamed over it; on
  any failure the temp file is removed, so `path` is either the old file or the new one.
- `read_file(path)`: the bytes, or a PathError.
- `prepare_folder(folder)`: create it if needed and check a file can be made in it (the
  data folder, before a store is created in it or a window opens).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from fieldapp.base.errors import Action, PathError


def write_file(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically (durable once this returns)."""
    # os.urandom, as secrets.token_hex: without secrets' import of hmac and OpenSSL
    # (~5 ms of the desktop's start, which reads the settings before its first paint)
    name = path.parent / f".{path.name}.{os.urandom(4).hex()}.part"
    try:  # the mode the target would get (0666 less the umask), unlike mkstemp's 0600
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
    except OSError as exc:
        raise PathError.from_os_error(exc, path) from exc
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(name, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise PathError.from_os_error(exc, path) from exc


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PathError.from_os_error(exc, path, action="read") from exc


def prepare_folder(folder: Path, *, action: Action = "data", named: Path | None = None
                   ) -> None:
    """Make `folder` (and its parents) if missing, and prove a file can be created in it:
    a missing parent, a file in the way, a read-only disk or a folder without permission
    fails here, naming the folder (or `named`, a file to be made in it), before anything
    is half-made in it."""
    import tempfile  # not needed by the start's settings read

    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".fieldapp-probe-")
    except OSError as exc:
        raise PathError.from_os_error(exc, named or folder, action=action) from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)
