"""Pictures on the desktop (issue 21): files added to a slip by drop or picker show as
thumbnails (each cell a finger's size), the full view zooms, edits the caption and kind and
removes on a draft; a sealed slip's strip says to amend instead; the camera button only
where Qt Multimedia and a camera exist."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from fieldapp.services import attachments
from tests.core.photo_samples import pdf, photo
from tests.ui.conftest import wait_idle
from tests.ui.visit_helpers import window_on
from ui.kit import camera
from ui.kit.pictures_strip import PicturesStrip
from ui.kit.style import TOUCH_MIN


@pytest.fixture
def strip(qtbot, ops, settings, onsite_request):  # type: ignore[no-untyped-def]
    window = window_on(qtbot, ops, settings, onsite_request)
    window.editor.go_to("work")
    wait_idle(qtbot, ops)
    return window.editor.pictures


def drop(strip: PicturesStrip, paths) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    strip.dropEvent(event)


def test_dropped_files_become_thumbnails_and_the_full_view_edits_them(
        qtbot, ops, strip, tmp_path):  # type: ignore[no-untyped-def]
    (tmp_path / "a.jpg").write_bytes(photo(800, 600))
    (tmp_path / "b.pdf").write_bytes(pdf())
    (tmp_path / "c.txt").write_text("no")
    drop(strip, [tmp_path / "a.jpg", tmp_path / "b.pdf", tmp_path / "c.txt"])
    qtbot.waitUntil(lambda: strip.list.count() == 2, timeout=15_000)
    wait_idle(qtbot, ops)
    assert "c.txt" in strip.error.text() and strip.error.isVisibleTo(strip)
    cell = strip.list.visualItemRect(strip.list.item(0))
    assert cell.width() >= TOUCH_MIN and cell.height() >= TOUCH_MIN
    qtbot.waitUntil(lambda: strip.list.item(0).icon().actualSize(
        strip.list.iconSize()).width() > 40)
    strip._open(strip.list.item(0))
    dialog = strip.dialog
    qtbot.waitUntil(lambda: not dialog.view.item.pixmap().isNull(), timeout=15_000)
    before = dialog.view.zoom
    dialog.zoom_in.click()
    assert dialog.view.zoom > before
    dialog.caption.setText("打印机外观")
    dialog.kind.setCurrentIndex(dialog.kind.findData("before"))
    dialog.save_button.click()
    wait_idle(qtbot, ops)
    listing = attachments.listing(ops.store, "slip", strip.owner[1])
    assert (listing.items[0].caption, listing.items[0].kind) == ("打印机外观", "before")
    dialog.remove_button.click()
    qtbot.waitUntil(lambda: strip.list.count() == 1, timeout=15_000)
    dialog.accept()


def test_a_sealed_slip_says_to_amend(qtbot, ops, strip, monkeypatch):  # type: ignore[no-untyped-def]
    listing = attachments.AttachmentList("slip", strip.owner[1], (), editable=False,
                                         locked=("服务单已封存；如需补充图片，请新建更正单。",
                                                 "The slip is sealed; to add pictures, start "
                                                 "an amendment."), sealed=True)
    strip._show(listing, reload_images=False)
    assert not strip.add_button.isEnabled() and "更正单" in strip.locked.text()


def test_the_camera_button_only_with_qt_multimedia_and_a_camera(
        qtbot, ops, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(camera, "_checked", True)
    monkeypatch.setattr(camera, "_multimedia", None)  # PySide6-Essentials: no QtMultimedia
    plain = PicturesStrip(ops, actor_code=lambda: "E07")
    qtbot.addWidget(plain)
    assert not camera.camera_available() and plain.camera_button.isHidden()

    class Devices:
        @staticmethod
        def videoInputs() -> list[str]:
            return ["integrated"]

    monkeypatch.setattr(camera, "_multimedia", type("M", (), {"QMediaDevices": Devices}))
    with_camera = PicturesStrip(ops, actor_code=lambda: "E07")
    qtbot.addWidget(with_camera)
    assert not with_camera.camera_button.isHidden()
