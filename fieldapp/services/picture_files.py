"""A pulled record's picture brought down from the archive when someone looks at it (issue
21; `fieldapp.sync.files.fetch_file`, GET /files/{sha}). Files do not come down with the
records; the desktop's thumbnails and full view ask for the ones they show. On the
network, so the desktop runs `fetch` through `ops.run`, never on the GUI thread.

Every failure is one line in the user's language, as `PictureNotFetched` with a `reason`:
offline, no archive set up, not joined, not at the archive yet, a file that does not match
its record. The picture then stays a placeholder; nothing is written. The log names the
file by its short hash only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from fieldapp.base.errors import FieldappError, ValidationError, WorkflowError
from fieldapp.base.settings import Settings
from fieldapp.services.tasks import archive_client
from fieldapp.store import Store
from fieldapp.store.blobs import blobs_beside
from fieldapp.sync.errors import AuthRequired, OfflineError, ServerError
from fieldapp.sync.files import fetch_file

if TYPE_CHECKING:
    from fieldapp.sync.client import ArchiveClient

__all__ = ["PictureNotFetched", "fetch"]

log = logging.getLogger("fieldapp.sync")

ClientFactory = Callable[[str, str | None], "ArchiveClient"]


class PictureNotFetched(FieldappError):
    """The picture could not be brought down; `reason`: offline, local, login, missing,
    mismatch, archive."""

    def __init__(self, reason: str, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.reason = reason


OFFLINE = ("offline", "连不上档案服务器，图片未下载；联网后再打开即可下载。",
           "Cannot reach the archive; the picture is not downloaded. Open it again when "
           "online.")
LOCAL = ("local", "未设置档案服务器，无法下载这张图片。",
         "No archive is set up; this picture cannot be downloaded.")
LOGIN = ("login", "这台电脑尚未接入档案服务器，无法下载图片。",
         "This laptop is not joined to the archive; the picture cannot be downloaded.")
MISSING = ("missing", "档案中还没有这张图片（添加它的电脑尚未上传）。",
           "The archive does not have this picture yet (the laptop that added it has not "
           "sent it).")
MISMATCH = ("mismatch", "下载的图片与记录不符，未保存。",
            "The downloaded picture does not match its record; it was not kept.")


def fetch(store: Store, sha: str, *, client_factory: ClientFactory | None = None) -> Path:
    """The picture's file on this laptop, fetched from the archive if it is not here yet.
    Raises `PictureNotFetched` (one line) when it cannot be."""
    blobs = blobs_beside(store.path)
    if blobs is None or store.data_dir is None:
        raise WorkflowError("此数据库没有数据目录，无法保存附件。",
                            "This store has no data folder to keep attachments in.")
    if blobs.has(sha):
        return blobs.path_for(sha)
    try:
        client = archive_client(Settings.in_dir(store.data_dir), client_factory)
    except ValidationError as exc:  # no archive address
        raise PictureNotFetched(*LOCAL) from exc
    with client:
        try:
            kept = fetch_file(store, client, sha)
        except OfflineError as exc:
            raise PictureNotFetched(*OFFLINE) from exc
        except AuthRequired as exc:
            raise PictureNotFetched(*LOGIN) from exc
        except ServerError as exc:
            log.info("picture %s… not fetched: %s", sha[:12], exc.status)
            if exc.status == 404:
                raise PictureNotFetched(*MISSING) from exc
            raise PictureNotFetched("archive", f"档案服务器未提供图片：{exc.zh}",
                                    f"The archive did not give the picture: {exc.en}") from exc
    if not kept:
        raise PictureNotFetched(*MISMATCH)
    return blobs.path_for(sha)
