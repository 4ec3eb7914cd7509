"""Attachment files that wait for the archive or could not be sent, as the 待同步 tab, the
badge and `fieldapp sync` see them (`services.sync_status`, `fieldapp.sync.files`): counted
and listed without the network, each problem one line in both languages, remembered
until the file reaches the archive. The archive here is a stand-in that answers as the
real one does (the real one: tests/archive/test_files_on_the_desktop.py)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import delete, insert, select

from fieldapp.services import attachments, sync_status
from fieldapp.store import Store
from fieldapp.store.attachment_models import Attachment
from fieldapp.store.blobs import blobs_beside
from fieldapp.store.models import Slip, SyncOutbox
from fieldapp.store.values import OutboxState
from fieldapp.sync.errors import OfflineError, ServerError
from fieldapp.sync.files import (
    FileProblemCode,
    FilesReport,
    file_overview,
    send_files,
    size_line,
)
from tests.core.conftest import NOW
from tests.core.photo_samples import photo

FOUND = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # when the archive refused the file


@pytest.fixture
def pictures(store: Store, draft_number: str) -> tuple[str, list[str]]:
    """Two pictures on the draft slip (queued for the archive): (slip number, hashes)."""
    with store.read() as session:
        slip_id = session.scalar(select(Slip.id).where(Slip.number == draft_number))
    assert slip_id is not None
    shas = [attachments.add(store, "slip", slip_id, data=photo(320 + i, 240), name=f"{i}.jpg",
                            actor_code="E07", now=NOW).sha256 for i in range(2)]
    return draft_number, shas


def acknowledged(store: Store) -> None:
    """The archive acknowledged every record (as after a push)."""
    with store.write() as session:
        session.execute(delete(SyncOutbox))


class Archive:
    """Answers the file requests as the archive does: `refuse` maps a hash to the
    status it refuses a chunk with; `drop_after` chunks, then the line is gone."""

    def __init__(self, refuse: dict[str, int] | None = None,
                 drop_after: int | None = None) -> None:
        self.refuse, self.drop_after, self.held = refuse or {}, drop_after, {}

    def missing_files(self, hashes: list[str]) -> dict:
        return {"missing": [{"sha256": sha, "size": 0, "received": self.held.get(sha, 0),
                             "complete": False} for sha in hashes], "unknown": []}

    def send_chunk(self, sha: str, offset: int, data: bytes) -> dict:
        if self.drop_after is not None:
            if self.drop_after == 0:
                raise OfflineError("无法连接档案服务器。", "Cannot reach the archive.")
            self.drop_after -= 1
        if sha in self.refuse:
            raise ServerError(self.refuse[sha], "文件超过 25 MiB，档案不接收。",
                              "The file is over 25 MiB; the archive does not take it.")
        self.held[sha] = offset + len(data)
        return {"received": self.held[sha], "complete": True}


def test_files_made_here_wait_and_one_lost_here_is_named_at_once_offline(
        store, pictures):  # type: ignore[no-untyped-def]
    number, [_kept, lost] = pictures
    counts = sync_status.overview(store)
    assert (counts.files_waiting, counts.files_not_sent) == (2, 0)

    blobs_beside(store.path).path_for(lost).unlink()

    counts = sync_status.overview(store)
    assert (counts.files_waiting, counts.files_not_sent) == (1, 1)
    first = sync_status.waiting(store)[0]
    assert (first.table, first.state, first.label) == ("attachments", "file", number)
    assert first.enqueued_at == NOW  # since the picture was added
    assert lost[:12] in first.reason_zh and "不在本机" in first.reason_zh
    assert "not on this laptop" in first.reason_en and "刘洋" not in first.reason_zh
    assert len(sync_status.waiting(store, 0, 500)) == counts.pending + 1


def test_a_file_refused_by_the_archive_is_remembered_with_when_until_it_is_sent(
        store, pictures):  # type: ignore[no-untyped-def]
    number, [refused, _fine] = pictures
    acknowledged(store)
    archive = Archive(refuse={refused: 413})

    with time_machine.travel(FOUND, tick=False):
        report = send_files(store, archive, deadline=time.monotonic() + 60)  # type: ignore[arg-type]

    assert (report.sent, report.waiting) == (1, 1)
    [problem] = report.problems
    assert problem.code == FileProblemCode.TOO_LARGE and "25 MiB" in problem.en
    counts = sync_status.overview(store)
    assert (counts.pending, counts.files_waiting, counts.files_not_sent) == (0, 0, 1)
    [row] = sync_status.waiting(store)
    assert (row.state, row.label, row.enqueued_at) == ("file", number, FOUND)
    assert row.reason_en.startswith("The archive refused an attachment file")
    zh, en = size_line(report, file_overview_of(store))
    assert "未能上传 1 个" in zh and "1 sent" in en and "1 not sent" in en

    archive.refuse.clear()  # the archive's cap was raised
    again = send_files(store, archive, deadline=time.monotonic() + 60)  # type: ignore[arg-type]

    assert again.sent == 1 and not again.problems
    counts = sync_status.overview(store)
    assert (counts.files_waiting, counts.files_not_sent) == (0, 0)
    assert sync_status.waiting(store) == []


def file_overview_of(store: Store):  # type: ignore[no-untyped-def]
    with store.read() as session:
        return file_overview(session, blobs_beside(store.path))


def test_a_round_cut_mid_file_says_so_and_the_file_still_waits(
        store, pictures):  # type: ignore[no-untyped-def]
    acknowledged(store)
    archive = Archive(drop_after=1)

    report = FilesReport()
    with pytest.raises(OfflineError):
        send_files(store, archive, deadline=time.monotonic() + 60,  # type: ignore[arg-type]
                   report=report)

    assert report.stopped and (report.sent, report.waiting) == (1, 1)
    assert sync_status.overview(store).files_waiting == 1
    assert "next sync goes on where it stopped" in size_line(report, file_overview_of(store))[1]


def test_a_pulled_picture_never_here_is_neither_waiting_nor_a_problem(
        store, pictures):  # type: ignore[no-untyped-def]
    number, _shas = pictures
    acknowledged(store)
    with store.read() as session:
        owner = session.scalar(select(Slip.id).where(Slip.number == number))
    with store.write() as session:  # as a pull writes them: Core inserts, no outbox entry
        session.execute(insert(Attachment), [dict(
            id=uuid.uuid4(), owner_kind="slip", owner_id=owner, position=5 + i,
            sha256=f"{i:064x}", size=1000, media_type="image/jpeg", added_at=NOW,
            added_by="E01", created_at=NOW, updated_at=NOW) for i in range(100)])
    counts = sync_status.overview(store)  # many: the file folder is listed once
    assert (counts.files_waiting, counts.files_not_sent) == (2, 0)


def test_records_kept_here_only_have_no_files_waiting(store, pictures):  # type: ignore[no-untyped-def]
    with store.write() as session:
        session.execute(SyncOutbox.__table__.update().values(state=OutboxState.LOCAL))
    counts = sync_status.overview(store)
    assert (counts.pending, counts.files_waiting, counts.files_not_sent) == (0, 0, 0)
