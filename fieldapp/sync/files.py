"""Attachment files to the archive, after the records that own them (docs/sync-protocol.md,
"Attachment files").

A file goes once its attachment row has been acknowledged (no outbox entry left): the
archive then knows the row and whose it is. One request asks which of up to 1000 files
the archive lacks and how much of each it holds; each missing file is sent in chunks of
`CHUNK_BYTES` from there. A connection cut mid-file stops the round like any offline
push; the next round's question says how far the archive got, and the file goes on from
that byte, never re-sending a completed chunk. A file the archive has (sent by this
laptop, or by another with the same picture) is marked here in `sync_state` and not
asked about again.

Pull: files do not come down with the records (a device's history of 20 requests would
drag megabytes of pictures over a site's slow line); a laptop that needs one fetches it
on demand (`fetch_file`, `GET /files/{sha}`).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fieldapp.store import Store
from fieldapp.store.attachment_models import Attachment
from fieldapp.store.blobs import BlobState, BlobStore, blobs_beside
from fieldapp.store.models import SyncOutbox, SyncState
from fieldapp.sync import state
from fieldapp.sync.errors import ServerError
from fieldapp.sync.file_wire import CHUNK_BYTES, MISSING_BATCH, file_size_text

if TYPE_CHECKING:
    from fieldapp.sync.client import ArchiveClient

log = logging.getLogger("fieldapp.sync")

SENT_MARK = "file:"  # + the first 35 hex digits of the hash (sync_state keys: 40 characters)
MAX_RESUMES = 3  # a file whose offset keeps moving under us waits for the next round


@dataclass(frozen=True)
class FileProgress:
    """Where the sending of this round's files is: for a progress line."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int


ProgressFn = Callable[[FileProgress], None]


@dataclass
class FileProblem:
    sha256: str
    zh: str
    en: str


@dataclass
class FilesReport:
    sent: int = 0  # files completed by this laptop this round
    bytes_sent: int = 0  # chunk bytes sent this round (a resumed file: only the rest)
    chunks_sent: int = 0
    already: int = 0  # the archive had them (from another laptop, or an earlier round)
    waiting: int = 0  # not sent this round: their records not there yet, or stopped
    problems: list[FileProblem] = field(default_factory=list)


def _mark(sha: str) -> str:
    return SENT_MARK + sha[:40 - len(SENT_MARK)]


def files_to_send(session: Session) -> list[tuple[str, int]]:
    """(hash, size) of the files whose attachment rows the archive acknowledged and that
    are not marked as at the archive: oldest first, each once."""
    waiting = select(SyncOutbox.record_id).where(SyncOutbox.table_name == "attachments")
    rows = session.execute(
        select(Attachment.sha256, Attachment.size)
        .where(Attachment.removed_at.is_(None), Attachment.id.not_in(waiting))
        .order_by(Attachment.id)).all()
    marked = set(session.scalars(select(SyncState.key).where(
        SyncState.key.startswith(SENT_MARK))))
    return list({sha: size for sha, size in rows if _mark(sha) not in marked}.items())


def forget_sent(session: Session) -> None:
    """Ask about every file again (a full re-sync: the archive may have been restored
    from a backup that lacks some)."""
    session.execute(delete(SyncState).where(SyncState.key.startswith(SENT_MARK)))


def _remember(store: Store, shas: list[str]) -> None:
    if shas:
        with store.write() as session:
            for sha in shas:
                state.put(session, _mark(sha), "sent")


def send_files(store: Store, client: ArchiveClient, *, deadline: float,
               progress: ProgressFn | None = None) -> FilesReport:
    """Send every acknowledged attachment's file the archive lacks. OfflineError and
    AuthRequired stop it (and the round): what was sent stays sent."""
    report = FilesReport()
    blobs = blobs_beside(store.path)
    if blobs is None:
        return report
    with store.read() as session:
        # a row pulled from the archive names a file this laptop never had: not its to send
        todo = [(sha, size) for sha, size in files_to_send(session) if blobs.has(sha)]
    total = sum(size for _sha, size in todo)
    done_files = done_bytes = 0
    for start in range(0, len(todo), MISSING_BATCH):
        batch = dict(todo[start:start + MISSING_BATCH])
        if time.monotonic() > deadline:
            report.waiting += len(todo) - start
            break
        answer = client.missing_files(list(batch))
        missing = {m["sha256"]: int(m["received"]) for m in answer["missing"]}
        unknown = set(answer["unknown"]) & batch.keys()
        report.waiting += len(unknown)
        there = [sha for sha in batch if sha not in missing and sha not in unknown]
        report.already += len(there)
        done_files += len(there) + len(unknown)
        done_bytes += sum(batch[sha] for sha in there + list(unknown))
        try:
            for sha, received in missing.items():
                if time.monotonic() > deadline:
                    report.waiting += 1
                    continue
                if _send_one(client, blobs, sha, batch[sha], received, report):
                    there.append(sha)
                    report.sent += 1
                else:
                    report.waiting += 1
                done_files += 1
                done_bytes += batch[sha]
                if progress is not None:
                    progress(FileProgress(done_files, len(todo), done_bytes, total))
        finally:  # a round cut here keeps what completed; the rest is asked about again
            _remember(store, there)
    return report


def _send_one(client: ArchiveClient, blobs: BlobStore, sha: str, size: int, received: int,
              report: FilesReport) -> bool:
    """Send the file from byte `received`; True once the archive has stored it."""
    if blobs.verify(sha) is not BlobState.OK:  # gone or changed here: never send it
        report.problems.append(FileProblem(
            sha, f"本机附件文件缺失或已被改动（{sha[:12]}…），未上传。",
            f"An attachment file here is missing or was changed ({sha[:12]}…); not sent."))
        return False
    offset, resumes = received, 0
    with blobs.open(sha) as stream:
        while True:
            stream.seek(offset)
            data = stream.read(CHUNK_BYTES)
            try:
                answer = client.send_chunk(sha, offset, data)
            except ServerError as exc:
                if exc.status == 409 and resumes < MAX_RESUMES:  # another sender moved it
                    resumes += 1
                    offset = int(client.file_status(sha)["received"])
                    continue
                if exc.status in (404, 409, 429):  # not (yet) theirs here, busy: next round
                    return False
                report.problems.append(FileProblem(sha, exc.zh, exc.en))  # 413, 422
                log.info("file %s… refused: %s", sha[:12], exc.status)
                return False
            report.chunks_sent += 1
            report.bytes_sent += len(data)
            if answer["complete"]:
                return True
            offset = int(answer["received"])
            if offset >= size:  # the archive holds it all but did not store it
                return False


def fetch_file(store: Store, client: ArchiveClient, sha: str) -> bool:
    """Bring one attachment file of a pulled record down from the archive (a picture
    opened here that another laptop took): True once it is in this laptop's file store.
    A file that does not hash to its name is not kept."""
    blobs = blobs_beside(store.path)
    if blobs is None:
        return False
    if blobs.has(sha):
        return True
    data = client.fetch_file(sha)
    if hashlib.sha256(data).hexdigest() != sha:
        log.warning("file %s… from the archive does not match its hash", sha[:12])
        return False
    blobs.put(data)
    _remember(store, [sha])  # the archive has it: never offered back
    return True


def size_line(report: FilesReport) -> tuple[str, str]:
    """The summary of `fieldapp sync`: files sent and waiting."""
    sent = file_size_text(report.bytes_sent)
    return (f"附件：上传 {report.sent} 个（{sent}），档案中已有 {report.already} 个，"
            f"待上传 {report.waiting} 个，问题 {len(report.problems)} 个。",
            f"Attachments: {report.sent} sent ({sent}), {report.already} already in the "
            f"archive, {report.waiting} waiting, {len(report.problems)} with problems.")
