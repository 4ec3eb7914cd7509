"""S3-compatible object storage (AWS S3, MinIO, Ceph…) as the archive's file store, the
deployment option for an archive whose disk should not hold the pictures. Needs boto3
(`pip install fieldapp[s3]`). Keys are `<prefix><sha256>`; objects are never
overwritten (same key, same content)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldapp.archive.files.store import READ_BLOCK, is_sha256
from fieldapp.base.errors import FieldappError

if TYPE_CHECKING:
    from fieldapp.archive.config import ArchiveSettings


class S3Store:
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client, self.bucket, self.prefix = client, bucket, prefix

    @classmethod
    def from_settings(cls, settings: ArchiveSettings) -> S3Store:
        try:
            import boto3
            from botocore.config import Config
        except ImportError as exc:
            raise FieldappError(
                "文件存储设为 s3，但未安装 boto3（pip install fieldapp[s3]）。",
                "The file store is s3 but boto3 is not installed "
                "(pip install fieldapp[s3]).") from exc
        if not settings.files_s3_bucket:
            raise FieldappError("文件存储设为 s3，但未设置 FIELDAPP_ARCHIVE_FILES_S3_BUCKET。",
                                  "The file store is s3 but FIELDAPP_ARCHIVE_FILES_S3_BUCKET "
                                  "is not set.")
        client = boto3.client(
            "s3", endpoint_url=settings.files_s3_endpoint or None,
            region_name=settings.files_s3_region or None,
            aws_access_key_id=settings.files_s3_access_key or None,
            aws_secret_access_key=settings.files_s3_secret_key or None,
            config=Config(retries={"max_attempts": 3, "mode": "standard"},
                          connect_timeout=5, read_timeout=60))
        return cls(client, settings.files_s3_bucket, settings.files_s3_prefix)

    def key(self, sha: str) -> str:
        if not is_sha256(sha):
            raise KeyError(sha)
        return f"{self.prefix}{sha}"

    def _head(self, sha: str) -> dict[str, Any] | None:
        from botocore.exceptions import ClientError
        try:
            head: dict[str, Any] = self.client.head_object(Bucket=self.bucket, Key=self.key(sha))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return head

    def has(self, sha: str) -> bool:
        return is_sha256(sha) and self._head(sha) is not None

    def publish(self, sha: str, source: Path) -> bool:
        try:
            if self._head(sha) is not None:
                return False
            digest = base64.b64encode(bytes.fromhex(sha)).decode()
            with source.open("rb") as stream:
                # the object store checks the hash too: a body damaged between here and
                # there is refused by it, not stored
                self.client.put_object(Bucket=self.bucket, Key=self.key(sha), Body=stream,
                                       ChecksumSHA256=digest,
                                       ContentType="application/octet-stream")
            return True
        finally:
            source.unlink(missing_ok=True)

    def size(self, sha: str) -> int | None:
        head = self._head(sha) if is_sha256(sha) else None
        return None if head is None else int(head["ContentLength"])

    def chunks(self, sha: str) -> Iterator[bytes]:
        from botocore.exceptions import ClientError
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.key(sha))["Body"]
        except ClientError as exc:
            raise KeyError(sha) from exc
        with body:
            yield from iter(lambda: body.read(READ_BLOCK), b"")

    def hash_of(self, sha: str) -> str | None:
        if not self.has(sha):
            return None
        digest = hashlib.sha256()
        for block in self.chunks(sha):
            digest.update(block)
        return digest.hexdigest()
