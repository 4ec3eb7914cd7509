"""A signature pad for touch, pen and mouse, recording strokes in integer pad units.

Points are ``[x, y, t_ms, pressure]`` in a 1000x400 pad whatever the widget's size
(`fieldapp.seal.signatures`). Touch arrives as QTouchEvent and is accepted in `event()`; the
mouse events Qt or the system synthesise from that touch are ignored, else every stroke
would be recorded twice. A pen (QTabletEvent) gives pressure, which sets the line width;
a mouse draws at 500. Strokes are drawn as quadratic curves through the midpoints.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from fieldapp.seal.signatures import MOUSE_PRESSURE, line_width

PAD_WIDTH, PAD_HEIGHT = 1000, 400
_SYNTHESISED = (Qt.MouseEventSource.MouseEventSynthesizedBySystem,
                Qt.MouseEventSource.MouseEventSynthesizedByQt)


class SignaturePad(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(300, 120)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._strokes: list[list[list[int]]] = []
        self._current: list[list[int]] | None = None
        self._clock = QElapsedTimer()
        self._read_only = False

    # -- data ------------------------------------------------------------------------
    def strokes(self) -> list[list[list[int]]]:
        return [[list(p) for p in s] for s in self._strokes]

    def point_count(self) -> int:
        return sum(len(s) for s in self._strokes)

    def is_empty(self) -> bool:
        return not self._strokes

    def clear(self) -> None:
        self._strokes.clear()
        self._current = None
        self._clock.invalidate()
        self.update()
        self.changed.emit()

    def undo(self) -> None:
        if self._strokes:
            self._strokes.pop()
            self._current = None
            self.update()
            self.changed.emit()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only

    # -- geometry --------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(750, 300)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width * PAD_HEIGHT // PAD_WIDTH

    def _to_pad(self, pos: QPointF) -> tuple[int, int]:
        w, h = max(1, self.width()), max(1, self.height())
        x = round(pos.x() * PAD_WIDTH / w)
        y = round(pos.y() * PAD_HEIGHT / h)
        return min(PAD_WIDTH, max(0, x)), min(PAD_HEIGHT, max(0, y))

    def _to_widget(self, x: int, y: int) -> QPointF:
        return QPointF(x * self.width() / PAD_WIDTH, y * self.height() / PAD_HEIGHT)

    # -- input -------------------------------------------------------------------------
    def _begin(self, pos: QPointF, pressure: int) -> None:
        if self._read_only:
            return
        if not self._clock.isValid():
            self._clock.start()
        self._current = []
        self._strokes.append(self._current)
        self._add(pos, pressure)

    def _add(self, pos: QPointF, pressure: int) -> None:
        if self._current is None:
            return
        x, y = self._to_pad(pos)
        t = int(self._clock.elapsed()) if self._clock.isValid() else 0
        if self._current and self._current[-1][:2] == [x, y]:
            return
        self._current.append([x, y, t, min(1000, max(0, pressure))])
        self.update()

    def _end(self) -> None:
        if self._current is not None:
            self._current = None
            self.changed.emit()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            assert isinstance(event, QTouchEvent)
            self._touch(event)
            event.accept()
            return True
        return super().event(event)

    def _touch(self, event: QTouchEvent) -> None:
        points = event.points()
        if not points:
            if event.type() in (QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
                self._end()
            return
        point = points[0]  # one finger signs; a second finger is ignored
        pressure = point.pressure()
        level = int(pressure * 1000) if 0 < pressure < 1 else MOUSE_PRESSURE
        if event.type() == QEvent.Type.TouchBegin:
            self._begin(point.position(), level)
        elif event.type() == QEvent.Type.TouchUpdate:
            self._add(point.position(), level)
        else:
            self._add(point.position(), level)
            self._end()

    def tabletEvent(self, event: QTabletEvent) -> None:
        level = round(event.pressure() * 1000)
        if event.type() == QEvent.Type.TabletPress:
            self._begin(event.position(), level)
        elif event.type() == QEvent.Type.TabletMove:
            self._add(event.position(), level)
        elif event.type() == QEvent.Type.TabletRelease:
            self._add(event.position(), level)
            self._end()
        event.accept()  # no synthesised mouse events follow an accepted tablet event

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.source() in _SYNTHESISED or event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        self._begin(event.position(), MOUSE_PRESSURE)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.source() in _SYNTHESISED:
            event.ignore()
            return
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._add(event.position(), MOUSE_PRESSURE)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.source() in _SYNTHESISED:
            event.ignore()
            return
        self._add(event.position(), MOUSE_PRESSURE)
        self._end()
        event.accept()

    # -- drawing -----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.fillRect(rect, QColor("white"))
        painter.setPen(QPen(QColor("#90a4ae"), 1))
        painter.drawRect(rect)
        baseline = self.height() * 0.78
        painter.setPen(QPen(QColor("#cfd8dc"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(16, baseline), QPointF(self.width() - 16, baseline))
        base = max(1.5, 3.0 * self.width() / PAD_WIDTH)
        for stroke in self._strokes:
            self._draw_stroke(painter, stroke, base)
        painter.end()

    def _draw_stroke(self, painter: QPainter, stroke: list[list[int]], base: float) -> None:
        pts = [(self._to_widget(p[0], p[1]), p[3]) for p in stroke]
        if len(pts) == 1:
            (pt, pressure), = pts
            r = line_width(pressure, base) / 2
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#0d1b2a"))
            painter.drawEllipse(pt, r, r)
            return
        start = pts[0][0]
        for i in range(1, len(pts)):
            control, pressure = pts[i - 1]
            end = pts[i][0]
            mid = (control + end) / 2 if i < len(pts) - 1 else end
            path = QPainterPath(start)
            path.quadTo(control, mid) if i > 1 else path.lineTo(mid)
            pen = QPen(QColor("#0d1b2a"), line_width(pressure, base), Qt.PenStyle.SolidLine,
                       Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            start = mid
