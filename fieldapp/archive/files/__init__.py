"""The archive's file store: attachment files (photos) by SHA-256, kept exactly once.

One interface (`FileStore`, in `store.py`), two backends: a folder (default, `folder.py`)
and S3-compatible object storage (`s3.py`, needs the optional `boto3`). Uploads arrive
in chunks into a partial file on the archive's own disk (`uploads.py`), are hashed in
full when complete, and only then published to the store (docs/sync-protocol.md,
"Attachment files").
"""

from __future__ import annotations

from fieldapp.archive.files.store import FileStore, is_sha256, open_file_store

__all__ = ["FileStore", "is_sha256", "open_file_store"]
