"""The thumbnail strip's cells (issue 21): pictures of any shape sit centred in cells of one
size, so the kind labels under them stand on one line; a picture of a pulled record whose
file is not here shows a "not downloaded" tile of the same size. Measured as Qt lays the
cells out (the view's own item options and style), not by eye."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem
from sqlalchemy import insert

from fieldapp.base.timeutil import utcnow
from fieldapp.services import attachments
from fieldapp.store.attachment_models import Attachment
from tests.core.photo_samples import photo
from tests.ui.conftest import wait_idle
from tests.ui.visit_helpers import window_on
from ui.kit import i18n
from ui.kit.pictures_strip import THUMB, PicturesStrip
from ui.kit.style import TOUCH_MIN


@pytest.fixture
def strip(qtbot, ops, settings, onsite_request) -> PicturesStrip:  # type: ignore[no-untyped-def]
    window = window_on(qtbot, ops, settings, onsite_request)
    window.resize(1280, 680)
    window.editor.go_to("work")
    wait_idle(qtbot, ops)
    return window.editor.pictures


def label_and_picture(strip: PicturesStrip, row: int):  # type: ignore[no-untyped-def]
    """Where Qt draws the cell's label and picture (the delegate's own layout)."""
    view = strip.list
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    index = view.model().index(row, 0)
    view.itemDelegate().initStyleOption(option, index)
    option.rect = view.visualRect(index)
    style = view.style()
    return (style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view),
            style.subElementRect(QStyle.SubElement.SE_ItemViewItemDecoration, option, view))


def test_labels_under_pictures_of_any_shape_stand_on_one_line(
        qtbot, ops, strip):  # type: ignore[no-untyped-def]
    _kind, slip_id = strip.owner
    for width, height in ((1200, 300), (300, 1200), (640, 640)):  # wide, tall, square
        attachments.add(ops.store, "slip", slip_id, data=photo(width, height),
                        name=f"{width}x{height}.jpg", kind="damage", actor_code="E07")
    with ops.store.write() as session:  # a pulled picture whose file is not here
        session.execute(insert(Attachment).values(
            owner_kind="slip", owner_id=slip_id, position=9, sha256="cd" * 32, size=900,
            media_type="image/jpeg", width=640, height=480, kind="before",
            added_at=utcnow(), added_by="E01"))
    strip.reload()
    qtbot.waitUntil(lambda: strip.list.count() == 4, timeout=15_000)
    wait_idle(qtbot, ops)  # thumbnails decoded (and the pulled one tried: no archive here)

    icons = [strip.list.item(row).icon().actualSize(QSize(THUMB, THUMB))
             for row in range(4)]
    assert icons == [QSize(THUMB, THUMB)] * 4
    cells = [label_and_picture(strip, row) for row in range(4)]
    labels = {text.top() for text, _picture in cells}
    pictures = {(picture.top(), picture.size().toTuple()) for _text, picture in cells}
    assert len(labels) == 1, cells  # one line of labels
    assert len(pictures) == 1, cells  # one size of picture cell, at one height
    for text, picture in cells:
        assert text.top() >= picture.bottom()  # the label under its picture
    rects = [strip.list.visualItemRect(strip.list.item(row)) for row in range(4)]
    assert {r.size().toTuple() for r in rects} == {rects[0].size().toTuple()}
    assert rects[0].width() >= TOUCH_MIN and rects[0].height() >= TOUCH_MIN
    assert strip.list.item(3).toolTip() == i18n.tr("pictures.not_downloaded_tip")
    assert strip.fetch_note.text() == "未设置档案服务器，无法下载这张图片。"
