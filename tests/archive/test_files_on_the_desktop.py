"""Attachment files between the desktop and the real archive (issue 21): what could not be
sent is said where the user looks for sync — the 待同步 list, the badge's counts, `fieldapp
sync` — one line a file, by its record's number; a pulled picture that is not on this
laptop shows as "not downloaded" and is fetched when it is shown, off the GUI thread, and
stays a placeholder with one clear line when the archive cannot be reached.

One archive for the module (each test its own laptop), with a 1 MiB cap per file."""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from fieldapp.archive.config import ArchiveSettings
from fieldapp.base.timeutil import utcnow
from fieldapp.cli import cli
from fieldapp.records import slips
from fieldapp.records.reference import engineer_by_code
from fieldapp.services import picture_files, sync_status
from fieldapp.store.attachment_models import Attachment, AttachmentKind, OwnerKind
from fieldapp.store.blobs import blobs_beside
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.sync.client import ArchiveClient
from fieldapp.sync.errors import OfflineError
from fieldapp.sync.file_wire import CHUNK_BYTES
from fieldapp.sync.files import FileProblemCode
from fieldapp.sync.rounds import run_sync_round
from fieldapp.tools.demo import fill_demo
from tests.archive.conftest import Laptop
from tests.archive.servers import RunningArchive, run_archive, sqlite_url
from tests.archive.work import CutAfter, dispatch, on_the_command_line, on_the_desktop
from tests.core.photo_samples import photo
from tests.ui.test_gui_thread_io import GuiThreadGuard
from ui.kit import i18n
from ui.kit.ops import Ops
from ui.kit.pictures_strip import PicturesStrip
from ui.kit.style import TOUCH_MIN

CAP = 1024 * 1024  # the archive's per-file cap here


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningArchive]:
    """One archive for the module, its reference data sent once by the service centre."""
    folder = tmp_path_factory.mktemp("files-archive")
    settings = ArchiveSettings(db=sqlite_url(folder), files_dir=str(folder / "files"),
                               files_max_mb=CAP // (1024 * 1024))
    with run_archive(sqlite_url(folder), settings=settings) as running:
        running.add_user("centre", "staff")
        for code in ("E01", "E02", "E03", "E07"):
            running.add_user(code.lower(), "engineer", engineer=code)
        centre = Laptop(folder / "centre", running, "centre")
        fill_demo(centre.store, requests=3)
        assert run_sync_round(centre.store, None, centre.client).ok
        centre.close()
        yield running


@pytest.fixture(autouse=True)
def _chinese_afterwards() -> Iterator[None]:
    yield
    i18n.set_language("zh")  # the desktop's language, Qt's catalogue with it


@pytest.fixture
def laptop(tmp_path: Path, archive: RunningArchive) -> Iterator:
    made: list[Laptop] = []

    def make(user: str) -> Laptop:
        made.append(Laptop(tmp_path / f"laptop-{user}-{len(made)}", archive, user))
        assert run_sync_round(made[-1].store, None, made[-1].client).ok  # reference data
        return made[-1]

    yield make
    for one in made:
        one.close()


def slip_number(store, slip_id: uuid.UUID) -> str:  # type: ignore[no-untyped-def]
    with store.read() as session:
        return session.get_one(Slip, slip_id).number


def draft_with_files(store, contents: list[bytes], code: str):  # type: ignore[no-untyped-def]
    """tests.archive.work's, on a request the engineer took themselves: each test's
    laptop numbers its own requests (R-E02-…), never one another's (R-C01-…-001 twice)."""
    blobs = blobs_beside(store.path)
    shas = [blobs.put(data) for data in contents]
    request_id = dispatch(store, code, operator=code)
    with store.write() as session:
        slip = slips.start_slip(session, session.get_one(ServiceRequest, request_id),
                                engineer_by_code(session, code), now=utcnow())
        session.add_all(Attachment(
            owner_kind=OwnerKind.SLIP, owner_id=slip.id, position=position, sha256=sha,
            size=len(data), media_type="image/jpeg", width=640, height=320,
            caption=f"照片 {position + 1}", kind=AttachmentKind.DAMAGE, added_at=utcnow(),
            added_by=code) for position, (sha, data) in enumerate(zip(shas, contents,
                                                                       strict=True)))
        return slip.id, shas


def test_a_file_over_the_archive_cap_is_named_on_the_waiting_list_and_by_fieldapp_sync(
        laptop, archive):  # type: ignore[no-untyped-def]
    e01 = laptop("e01")
    slip_id, [big, small] = draft_with_files(
        e01.store, [os.urandom(CAP + 1000), os.urandom(3000)], "E01")
    number = slip_number(e01.store, slip_id)

    report = run_sync_round(e01.store, None, e01.client)

    assert report.error is None and report.files.sent == 1 and not report.ok
    [problem] = report.files.problems
    assert (problem.sha256, problem.code) == (big, FileProblemCode.TOO_LARGE)
    counts = sync_status.overview(e01.store)
    assert (counts.pending, counts.files_waiting, counts.files_not_sent) == (0, 0, 1)
    [row] = sync_status.waiting(e01.store)
    assert (row.table, row.state, row.label) == ("attachments", "file", number)
    assert big[:12] in row.reason_en and row.reason_en.startswith("The archive refused")

    on_the_command_line(e01, archive.url)
    result = CliRunner().invoke(cli, ["--data-dir", str(e01.folder), "--lang", "en", "sync"])
    assert result.exit_code != 0  # not everything reached the archive
    assert "Attachments: 0 sent (0 B), 0 already in the archive, 0 waiting, 1 not sent." \
        in result.output
    assert f"  Service slip {number}: The archive refused an attachment file ({big[:12]}…)" \
        in result.output
    result = CliRunner().invoke(cli, ["--data-dir", str(e01.folder), "--lang", "zh", "sync",
                                      "--json"])
    files = json.loads(result.output)["files"]
    assert files["waiting_here"] == 0 and len(files["not_sent"]) == 1
    assert files["not_sent"][0].startswith(f"服务单 {number}：档案拒收附件文件")
    assert small not in result.output


def test_files_lost_or_changed_here_are_named_until_they_are_put_right(
        laptop):  # type: ignore[no-untyped-def]
    e02 = laptop("e02")
    contents = [os.urandom(2000), os.urandom(2000)]
    _slip_id, [lost, changed] = draft_with_files(e02.store, contents, "E02")
    blobs = blobs_beside(e02.store.path)
    blobs.path_for(lost).unlink()
    blobs.path_for(changed).write_bytes(b"y" * 2000)

    # before any sync, offline: the lost one is known at once (its record waits to be sent)
    before = sync_status.overview(e02.store)
    assert (before.files_waiting, before.files_not_sent) == (1, 1)

    report = run_sync_round(e02.store, None, e02.client)

    assert report.pushed and report.files.sent == 0 and not report.ok
    assert {(p.sha256, p.code) for p in report.files.problems} == {
        (lost, FileProblemCode.MISSING_HERE), (changed, FileProblemCode.CHANGED_HERE)}
    counts = sync_status.overview(e02.store)
    assert (counts.pending, counts.files_waiting, counts.files_not_sent) == (0, 0, 2)
    assert {r.state for r in sync_status.waiting(e02.store)} == {"file"}

    blobs.put(contents[0])
    blobs.path_for(changed).unlink()
    blobs.put(contents[1])
    again = run_sync_round(e02.store, None, e02.client)

    assert again.ok and again.files.sent == 2
    counts = sync_status.overview(e02.store)
    assert (counts.files_waiting, counts.files_not_sent) == (0, 0)
    assert sync_status.waiting(e02.store) == []


def test_a_round_cut_mid_file_counts_it_as_waiting_until_the_line_is_back(
        laptop):  # type: ignore[no-untyped-def]
    e03 = laptop("e03")
    draft_with_files(e03.store, [os.urandom(CHUNK_BYTES + 10)], "E03")  # two chunks
    with ArchiveClient(e03.client.base_url, e03.client.token, transport=CutAfter(1)) as cut:
        first = run_sync_round(e03.store, None, cut)

    assert isinstance(first.error, OfflineError)
    assert first.files.stopped and first.files.waiting == 1 and first.files.chunks_sent == 1
    counts = sync_status.overview(e03.store)
    assert (counts.pending, counts.files_waiting, counts.files_not_sent) == (0, 1, 0)

    second = run_sync_round(e03.store, None, e03.client)

    assert second.ok and second.files.sent == 1 and second.files.chunks_sent == 1  # the rest
    assert sync_status.overview(e03.store).files_waiting == 0


@pytest.fixture
def pulled_picture(laptop, archive):  # type: ignore[no-untyped-def]
    """A picture the service centre took on E07's slip and sent; another laptop of the
    centre then pulled the slip (the attachment's row, not its file)."""
    centre = laptop("centre")
    slip_id, [sha] = draft_with_files(centre.store, [photo(640, 320)], "E07")
    assert run_sync_round(centre.store, None, centre.client).files.sent == 1
    other = laptop("centre")
    assert not blobs_beside(other.store.path).has(sha)
    return other, slip_id, sha


def test_a_pulled_picture_is_neither_waiting_nor_a_problem_and_is_fetched_on_demand(
        pulled_picture):  # type: ignore[no-untyped-def]
    other, _slip_id, sha = pulled_picture
    counts = sync_status.overview(other.store)
    assert (counts.files_waiting, counts.files_not_sent) == (0, 0)
    report = run_sync_round(other.store, None, other.client)
    assert report.ok and (report.files.sent, report.files.already) == (0, 0)  # not offered
    counts = sync_status.overview(other.store)  # nor the archive's too-large one of E01
    assert (counts.files_waiting, counts.files_not_sent) == (0, 0)

    with pytest.raises(picture_files.PictureNotFetched) as no_archive:
        picture_files.fetch(other.store, sha)
    assert no_archive.value.reason == "local" and "未设置档案服务器" in no_archive.value.zh

    on_the_desktop(other.folder, other.client.base_url, other.client.token)
    path = picture_files.fetch(other.store, sha)

    assert path == blobs_beside(other.store.path).path_for(sha) and path.is_file()
    assert blobs_beside(other.store.path).verify(sha) == "ok"


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_the_strip_shows_not_downloaded_says_why_offline_and_fetches_when_online(
        qtbot, pulled_picture, monkeypatch):  # type: ignore[no-untyped-def]
    other, slip_id, sha = pulled_picture
    i18n.set_language("en")
    offline = closed_port()
    on_the_desktop(other.folder, offline, other.client.token)
    ops = Ops(other.store)
    guard = GuiThreadGuard()
    real_connect = socket.socket.connect

    def connect(self, address):  # type: ignore[no-untyped-def]
        guard.check(f"socket connect {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    strip = PicturesStrip(ops, actor_code=lambda: "E07")
    qtbot.addWidget(strip)
    strip.resize(900, 140)
    strip.show()

    strip.set_owner("slip", slip_id)

    qtbot.waitUntil(lambda: strip.fetch_note.isVisibleTo(strip), timeout=20_000)
    assert strip.fetch_note.text() == ("Cannot reach the archive; the picture is not "
                                       "downloaded. Open it again when online.")
    cell = strip.list.item(0)
    assert cell.toolTip() == i18n.tr("pictures.not_downloaded_tip")
    assert not blobs_beside(other.store.path).has(sha)
    rect = strip.list.visualItemRect(cell)
    assert rect.width() >= TOUCH_MIN and rect.height() >= TOUCH_MIN

    on_the_desktop(other.folder, other.client.base_url, other.client.token)  # the line is back
    strip.set_owner("slip", uuid.uuid4())  # another record, then this one again
    strip.set_owner("slip", slip_id)

    qtbot.waitUntil(lambda: blobs_beside(other.store.path).has(sha), timeout=20_000)
    qtbot.waitUntil(lambda: strip.list.count() == 1
                    and strip.list.item(0).toolTip() != i18n.tr("pictures.not_downloaded_tip"),
                    timeout=20_000)
    assert strip.fetch_note.isHidden()
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=20_000)
    ops.wait_done()
    assert guard.calls == [], guard.report()


def test_the_full_view_fetches_a_picture_not_here_and_says_why_when_it_cannot(
        qtbot, pulled_picture):  # type: ignore[no-untyped-def]
    other, slip_id, sha = pulled_picture
    on_the_desktop(other.folder, closed_port(), other.client.token)
    ops = Ops(other.store)
    strip = PicturesStrip(ops, actor_code=lambda: "C01")
    qtbot.addWidget(strip)
    strip.set_owner("slip", slip_id)
    qtbot.waitUntil(lambda: strip.fetch_note.isVisibleTo(strip), timeout=20_000)

    strip._open(strip.list.item(0))  # a tap: the full view asks again, still offline
    dialog = strip.dialog
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=20_000)
    assert "连不上档案服务器" in dialog.error.text() and "\n" not in dialog.error.text()
    assert dialog.document_label.text() == i18n.tr("pictures.not_downloaded_view")
    assert dialog.view.isHidden() and not blobs_beside(other.store.path).has(sha)

    on_the_desktop(other.folder, other.client.base_url, other.client.token)
    with qtbot.waitSignal(dialog.fetched, timeout=20_000):
        dialog.show_index(0)  # as "next"/"previous" back to it would

    qtbot.waitUntil(lambda: not dialog.view.item.pixmap().isNull(), timeout=20_000)
    assert dialog.error.isHidden() and dialog.current.path is not None
    qtbot.waitUntil(lambda: strip.list.item(0).toolTip() != i18n.tr(
        "pictures.not_downloaded_tip"), timeout=20_000)  # the strip shows the thumbnail
    dialog.accept()
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=20_000)
    ops.wait_done()
