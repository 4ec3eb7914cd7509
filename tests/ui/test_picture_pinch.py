"""Two fingers on a picture zoom it, as on the engineers' touchscreens: real touch
events (a touchscreen device, press / move / release of two points) through Qt's own
pinch recognizer into `ZoomArea`, not a hand-made gesture event; and a touchpad's pinch,
which the system delivers as native zoom gestures."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QNativeGestureEvent, QPointingDevice
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ui.kit.picture_view import MAX_ZOOM, ZoomArea


@pytest.fixture
def area(qtbot):  # type: ignore[no-untyped-def]
    view = ZoomArea()
    qtbot.addWidget(view)
    view.resize(600, 400)
    image = QImage(1200, 800, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    view.set_image(image)
    view.show()
    qtbot.waitExposed(view)
    return view


def pinch(area: ZoomArea, *, from_gap: int, to_gap: int, steps: int = 10) -> None:
    """Two fingers about the viewport's centre, `from_gap` px apart, moved to `to_gap`."""
    device = QTest.createTouchDevice()
    viewport = area.viewport()
    centre = viewport.rect().center()

    def fingers(gap: int) -> tuple[QPoint, QPoint]:
        return centre - QPoint(gap // 2, 0), centre + QPoint(gap // 2, 0)

    left, right = fingers(from_gap)
    QTest.touchEvent(viewport, device).press(0, left).press(1, right).commit()
    for step in range(1, steps + 1):
        QTest.qWait(10)
        left, right = fingers(from_gap + (to_gap - from_gap) * step // steps)
        QTest.touchEvent(viewport, device).move(0, left).move(1, right).commit()
    QTest.touchEvent(viewport, device).release(0, left).release(1, right).commit()
    QTest.qWait(20)


def test_spreading_two_fingers_zooms_in_about_as_far_as_they_spread(area):  # type: ignore[no-untyped-def]
    fitted = area.zoom
    pinch(area, from_gap=100, to_gap=300)  # three times as far apart
    assert 2.0 * fitted < area.zoom <= 3.0 * fitted + 1e-9
    assert area.transform().m11() == pytest.approx(area.zoom)  # what is shown


def test_closing_two_fingers_zooms_out(area):  # type: ignore[no-untyped-def]
    fitted = area.zoom
    pinch(area, from_gap=300, to_gap=100)
    assert area.zoom < 0.6 * fitted


def test_zoom_stops_at_its_limit_however_far_the_fingers_spread(area):  # type: ignore[no-untyped-def]
    for _ in range(4):
        pinch(area, from_gap=40, to_gap=560)
    assert area.zoom == pytest.approx(MAX_ZOOM)


def test_a_touchpads_pinch_zooms_too(area):  # type: ignore[no-untyped-def]
    """Precision touchpads send native zoom gestures (value: the change since the last)."""
    fitted = area.zoom
    viewport = area.viewport()
    centre = QPointF(viewport.rect().center())
    for value in (0.25, 0.25, 0.5):
        event = QNativeGestureEvent(Qt.NativeGestureType.ZoomNativeGesture,
                                    QPointingDevice.primaryPointingDevice(), 2, centre,
                                    centre, viewport.mapToGlobal(centre), value,
                                    QPointF(), 0)
        QApplication.sendEvent(viewport, event)
    assert area.zoom == pytest.approx(fitted * 1.25 * 1.25 * 1.5)
