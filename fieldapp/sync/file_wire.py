"""Attachment files on the wire, the constants both sides size their requests by
(docs/sync-protocol.md, "Attachment files")."""

from __future__ import annotations

from fieldapp.sync.wire import KIB, MIB

CHUNK_BYTES = 512 * KIB  # what the laptop sends per request: a few per photo
CHUNK_CAP = 1 * MIB  # the most the archive takes per chunk request (limits.py)
MAX_FILE_BYTES = 25 * MIB  # per-file cap of the archive (FIELDAPP_ARCHIVE_FILES_MAX_MB)
MISSING_BATCH = 1000  # hashes per "which are missing?" request


def file_size_text(size: int) -> str:
    """1.5 MiB, 300 KiB, 12 B: sizes in messages, the same in both languages."""
    if size >= MIB:
        return f"{size / MIB:.1f} MiB"
    if size >= KIB:
        return f"{size // KIB} KiB"
    return f"{size} B"
