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

What could not be sent is remembered (`sync_state`, one `fileerr:` entry a file, with
the reason in both languages; never a caption or a customer's name): a file the archive
refused (too large, not hashing to its name), one missing or changed on this laptop, one
the archive does not take from this laptop. `file_overview` counts what waits and lists
those problems for the 待同步 tab, the badge and `fieldapp sync`; a problem is forgotten
once the file reaches the archive.

Pull: files do not come down with the records (a device's history of 20 requests would
drag megabytes of pictures over a site's slow line); a laptop that needs one fetches it
on demand (`fetch_file`, `GET /files/{sha}`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import delete, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from fieldapp.base.timeutil import iso_utc, utcnow
from fieldapp.store import Store
from fieldapp.store.attachment_models import Attachment
from fieldapp.store.blobs import BlobState, BlobStore, blobs_beside
from fieldapp.store.models import SyncOutbox, SyncState
from fieldapp.store.values import OutboxState
from fieldapp.sync import state
from fieldapp.sync.errors import ServerError, SyncError
from fieldapp.sync.file_wire import CHUNK_BYTES, MISSING_BATCH, file_size_text

if TYPE_CHECKING:
    from fieldapp.sync.client import ArchiveClient

log = logging.getLogger("fieldapp.sync")

SENT_MARK = "file:"  # + the first 35 hex digits of the hash (sync_state keys: 40 characters)
PROBLEM_MARK = "fileerr:"  # + the first 32: why the file was not sent (JSON)
MAX_RESUMES = 3  # a file whose offset keeps moving under us waits for the next round


@dataclass(frozen=True)
class FileProgress:
    """Where the sending of this round's files is: for a progress line."""

    files_done: int
    files_total: int
    bytes_done: int
    bytes_total: int


ProgressFn = Callable[[FileProgress], None]


class FileProblemCode:
    """Why a file was not sent (`FileProblem.code`)."""

    MISSING_HERE = "missing_here"  # the attachment's file is not on this laptop
    CHANGED_HERE = "changed_here"  # it no longer hashes to its name: never sent
    TOO_LARGE = "too_large"  # over the archive's per-file cap (413)
    REFUSED = "refused"  # the archive refused it otherwise (422: hash mismatch …)
    NOT_TAKEN = "not_taken"  # the archive takes it from no attachment of this user


@dataclass
class FileProblem:
    sha256: str
    zh: str
    en: str
    code: str = FileProblemCode.REFUSED
    at: str = ""  # when it was found (ISO UTC), "" for one found now


@dataclass
class FilesReport:
    sent: int = 0  # files completed by this laptop this round
    bytes_sent: int = 0  # chunk bytes sent this round (a resumed file: only the rest)
    chunks_sent: int = 0
    already: int = 0  # the archive had them (from another laptop, or an earlier round)
    waiting: int = 0  # not sent this round: their records not there yet, or stopped
    problems: list[FileProblem] = field(default_factory=list)
    stopped: bool = False  # the round was cut (offline) while files were being sent


@dataclass(frozen=True)
class FilesWaiting:
    """The laptop's files as the 待同步 tab and `fieldapp sync` show them."""

    waiting: int  # files of attachments made here that the archive does not have yet
    problems: tuple[tuple[uuid.UUID, str, str, FileProblem], ...]  # (attachment id, owner
    #   kind, owner id as text, problem), one a file, oldest attachment first


def _mark(sha: str) -> str:
    return SENT_MARK + sha[:40 - len(SENT_MARK)]


def _problem_key(sha: str) -> str:
    return PROBLEM_MARK + sha[:40 - len(PROBLEM_MARK)]


def _short(sha: str) -> str:
    return sha[:12] + "…"


def missing_here(sha: str) -> FileProblem:
    return FileProblem(
        sha, f"附件文件不在本机（{_short(sha)}），无法上传；若是本机添加的，文件已丢失，"
             "请重新添加这张图片。",
        f"An attachment file is not on this laptop ({_short(sha)}) and cannot be sent; if "
        "it was added here, the file is lost: add the picture again.",
        FileProblemCode.MISSING_HERE)


def _changed_here(sha: str) -> FileProblem:
    return FileProblem(
        sha, f"本机附件文件缺失或已被改动（{_short(sha)}），未上传。",
        f"An attachment file here is missing or was changed ({_short(sha)}); not sent.",
        FileProblemCode.CHANGED_HERE)


def _not_taken(sha: str) -> FileProblem:
    return FileProblem(
        sha, f"档案不接收本机上传此附件文件（{_short(sha)}）：档案中没有本账号添加的、"
             "引用它的附件记录。",
        f"The archive does not take this attachment file from this laptop ({_short(sha)}): "
        "no attachment record of this account names it there.", FileProblemCode.NOT_TAKEN)


def _refused(sha: str, exc: ServerError) -> FileProblem:
    code = FileProblemCode.TOO_LARGE if exc.status == 413 else FileProblemCode.REFUSED
    return FileProblem(sha, f"档案拒收附件文件（{_short(sha)}）：{exc.zh}",
                       f"The archive refused an attachment file ({_short(sha)}): {exc.en}",
                       code)


def stored_problems(session: Session) -> dict[str, FileProblem]:
    """The problems remembered from earlier rounds, by the file's hash."""
    out: dict[str, FileProblem] = {}
    for row in session.scalars(select(SyncState).where(
            SyncState.key.startswith(PROBLEM_MARK))):
        try:
            value = json.loads(row.value)
            problem = FileProblem(str(value["sha256"]), str(value["zh"]), str(value["en"]),
                                  str(value["code"]), str(value.get("at", "")))
        except (ValueError, KeyError, TypeError):
            continue  # unreadable: asked about again next round
        out[problem.sha256] = problem
    return out


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
    session.execute(delete(SyncState).where(or_(SyncState.key.startswith(SENT_MARK),
                                                SyncState.key.startswith(PROBLEM_MARK))))


def _remember(store: Store, shas: list[str], problems: list[FileProblem] | None = None
              ) -> None:
    """Mark these files as at the archive (their problems forgotten) and keep `problems`
    for the next look (a problem found again keeps when it was first found)."""
    problems = problems or []
    if not (shas or problems):
        return
    with store.write() as session:
        for sha in shas:
            state.put(session, _mark(sha), "sent")
        if shas:
            session.execute(delete(SyncState).where(
                SyncState.key.in_([_problem_key(sha) for sha in shas])))
        now = iso_utc(utcnow())
        earlier = stored_problems(session) if problems else {}
        for problem in problems:
            before = earlier.get(problem.sha256)
            problem.at = problem.at or (before.at if before is not None
                                        and before.code == problem.code else now)
            state.put(session, _problem_key(problem.sha256), json.dumps(
                {"sha256": problem.sha256, "code": problem.code, "zh": problem.zh,
                 "en": problem.en, "at": problem.at}, ensure_ascii=False))


def file_overview(session: Session, blobs: BlobStore | None) -> FilesWaiting:
    """How many files wait to be sent and which could not be: a file whose attachment is
    still in the outbox counts as waiting (or, not here, as missing at once, offline too);
    an acknowledged one until the archive has it; a pulled record's file this laptop never
    had is not this laptop's to send. Records kept here only (outbox `local`) never count.
    Files marked as at the archive are left out in SQL, and a laptop holding the rows of
    many pulled pictures lists its file folder once instead of looking for each."""
    if blobs is None:
        return FilesWaiting(0, ())
    rows_, outbox_, state_ = (Attachment.__table__.c, SyncOutbox.__table__.c,
                              SyncState.__table__.c)
    at_archive = select(state_.key).where(state_.key == literal(SENT_MARK).concat(
        func.substr(rows_.sha256, 1, 40 - len(SENT_MARK))))
    rows = session.connection().execute(  # Core rows: a staff laptop has many pulled ones
        select(rows_.sha256, outbox_.state)
        .select_from(Attachment.__table__.outerjoin(
            SyncOutbox.__table__, (outbox_.table_name == "attachments")
            & (outbox_.record_id == rows_.id)))
        .where(rows_.removed_at.is_(None), ~exists(at_archive))).all()
    stored = stored_problems(session)
    queued: set[str] = set()
    candidates: set[str] = set()
    for sha, outbox_state in rows:
        if outbox_state == OutboxState.LOCAL:
            continue
        candidates.add(sha)
        if outbox_state is not None:
            queued.add(sha)
    present = _present(blobs, candidates - stored.keys())
    lost = {sha for sha in queued - present if sha not in stored}
    problem_shas = (candidates & stored.keys()) | lost
    problems: list[tuple[uuid.UUID, str, str, FileProblem]] = []
    seen: set[str] = set()
    for attachment_id, sha, owner_kind, owner_id, added_at in session.execute(
            select(Attachment.id, Attachment.sha256, Attachment.owner_kind,
                   Attachment.owner_id, Attachment.added_at)
            .where(Attachment.removed_at.is_(None),
                   Attachment.sha256.in_(sorted(problem_shas)))
            .order_by(Attachment.id)) if problem_shas else ():
        if sha in seen:
            continue
        seen.add(sha)
        problem = stored.get(sha)
        if problem is None:  # made here (not yet acknowledged) and gone
            problem = missing_here(sha)
            problem.at = iso_utc(added_at)
        problems.append((attachment_id, owner_kind, str(owner_id), problem))
    return FilesWaiting(len(present), tuple(problems))


def _present(blobs: BlobStore, shas: set[str]) -> set[str]:
    """Those of these files that are in the file store."""
    if len(shas) <= 64:
        return {sha for sha in shas if blobs.has(sha)}
    here: set[str] = set()
    try:
        folders = [entry.path for entry in os.scandir(blobs.folder) if entry.is_dir()]
    except OSError:  # no file store yet
        return here
    for folder in folders:
        try:
            here.update(entry.name for entry in os.scandir(folder) if entry.is_file())
        except OSError:
            continue
    return here & shas


def note_lost(store: Store) -> int:
    """Before a push: remember the files of this laptop's queued attachments that are not
    here (the row is ours while it waits; once acknowledged it looks like a pulled one).
    How many were noted."""
    blobs = blobs_beside(store.path)
    if blobs is None:
        return 0
    with store.read() as session:
        known = stored_problems(session)
        rows = session.execute(
            select(Attachment.sha256, Attachment.added_at)
            .join(SyncOutbox, (SyncOutbox.table_name == "attachments")
                  & (SyncOutbox.record_id == Attachment.id))
            .where(SyncOutbox.state != OutboxState.LOCAL, Attachment.removed_at.is_(None))
            .order_by(Attachment.id)).all()
    lost: dict[str, FileProblem] = {}
    for sha, added_at in rows:
        if sha not in known and sha not in lost and not blobs.has(sha):
            lost[sha] = missing_here(sha)
            lost[sha].at = iso_utc(added_at)  # as the list showed it while it waited
    _remember(store, [], list(lost.values()))
    return len(lost)


def send_files(store: Store, client: ArchiveClient, *, deadline: float,
               progress: ProgressFn | None = None,
               report: FilesReport | None = None) -> FilesReport:
    """Send every acknowledged attachment's file the archive lacks, into `report` (the
    round's, so a round cut mid-file still says how far it got). OfflineError and
    AuthRequired stop it (and the round): what was sent stays sent."""
    report = report if report is not None else FilesReport()
    blobs = blobs_beside(store.path)
    if blobs is None:
        return report
    with store.read() as session:
        # a row pulled from the archive names a file this laptop never had: not its to
        # send. One made here and lost (noted before its record was pushed: `note_lost`)
        # is asked about: once the archive has it from elsewhere, the problem goes.
        lost = {sha for sha, problem in stored_problems(session).items()
                if problem.code == FileProblemCode.MISSING_HERE}
        unsent = files_to_send(session)
    present = _present(blobs, {sha for sha, _size in unsent})
    todo = [(sha, size) for sha, size in unsent if sha in lost or sha in present]
    here = {sha for sha, _size in todo if sha in present}
    total = sum(size for sha, size in todo if sha in here)
    done_files = done_bytes = 0
    for start in range(0, len(todo), MISSING_BATCH):
        batch = dict(todo[start:start + MISSING_BATCH])
        if time.monotonic() > deadline:
            report.waiting += sum(1 for sha, _size in todo[start:] if sha in here)
            break
        answer = client.missing_files(list(batch))
        missing = {m["sha256"]: int(m["received"]) for m in answer["missing"]}
        unknown = set(answer["unknown"]) & batch.keys()
        there = [sha for sha in batch if sha not in missing and sha not in unknown]
        report.already += sum(1 for sha in there if sha in here)
        problems = [_not_taken(sha) for sha in sorted(unknown) if sha in here]
        problems += [missing_here(sha) for sha in batch if sha not in here | set(there)]
        for sha in unknown | set(there):
            if sha in here:
                done_files += 1
                done_bytes += batch[sha]
        try:
            for sha, received in missing.items():
                if sha not in here:
                    continue
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
                    progress(FileProgress(done_files, len(here), done_bytes, total))
        except SyncError:  # offline, logged out: the rest waits for the next round
            report.stopped = True
            report.waiting += len(here) - done_files
            raise
        finally:  # a round cut here keeps what completed; the rest is asked about again
            found = [p for p in report.problems if p.sha256 in batch]
            _remember(store, there, problems + found)
            report.problems += problems
    return report


def _send_one(client: ArchiveClient, blobs: BlobStore, sha: str, size: int, received: int,
              report: FilesReport) -> bool:
    """Send the file from byte `received`; True once the archive has stored it."""
    if blobs.verify(sha) is not BlobState.OK:  # gone or changed here: never send it
        report.problems.append(_changed_here(sha))
        log.info("file %s… not sent: changed here", sha[:12])
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
                report.problems.append(_refused(sha, exc))  # 413, 422
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


OWNER_TABLES = {"slip": "slips", "repair": "repair_orders", "complaint": "complaints"}


def problem_lines(session: Session, files: FilesWaiting) -> list[tuple[str, str]]:
    """One line a file that could not be sent, named by its record's number (never a
    caption or a person): `服务单 S-E07-20261125-003：档案拒收附件文件（…）：…`."""
    from fieldapp.sync.status import record_labels

    keys = [(OWNER_TABLES.get(kind, kind), uuid.UUID(owner)) for _id, kind, owner, _p
            in files.problems]
    labels = record_labels(session, keys)
    return [(f"{labels[key][0]}：{problem.zh}", f"{labels[key][1]}: {problem.en}")
            for key, (_id, _kind, _owner, problem) in zip(keys, files.problems, strict=True)]


def size_line(report: FilesReport, now: FilesWaiting | None = None) -> tuple[str, str]:
    """The summary of `fieldapp sync`: files sent this round, and how many wait and could
    not be sent (`now`: on this laptop after the round, earlier rounds' too)."""
    sent = file_size_text(report.bytes_sent)
    waiting = now.waiting if now is not None else report.waiting
    refused = len(now.problems) if now is not None else len(report.problems)
    zh = (f"附件：上传 {report.sent} 个（{sent}），档案中已有 {report.already} 个，"
          f"待上传 {waiting} 个，未能上传 {refused} 个。")
    en = (f"Attachments: {report.sent} sent ({sent}), {report.already} already in the "
          f"archive, {waiting} waiting, {refused} not sent.")
    if report.stopped:
        zh += "连接中断，下次同步从中断处继续上传。"
        en += " The connection dropped; the next sync goes on where it stopped."
    return zh, en
