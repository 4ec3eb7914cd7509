"""PySide6 6.12.0 on CPython 3.11 aborts (`none_dealloc`) after many Qt calls returning None."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication
    from ui.visit.signature_pad import SignaturePad

    app = QApplication([])
    pad = SignaturePad()
    pad.resize(1000, 400)
    pad.show()
    for stroke in range(100):
        pad.clear() if stroke % 10 == 0 else None
        start = QPointF(10, 10)
        pad.mousePressEvent(QMouseEvent(QMouseEvent.Type.MouseButtonPress, start, start,
            Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
        for i in range(200):  # ~20,000 calls into Qt that return None
            pos = QPointF(10 + (i * 7) % 980, 10 + (i * 13) % 380)
            pad.mouseMoveEvent(QMouseEvent(QMouseEvent.Type.MouseMove, pos, pos,
                Qt.MouseButton.NoButton, Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier))
            pad.update()
        pad.mouseReleaseEvent(QMouseEvent(QMouseEvent.Type.MouseButtonRelease, pos, pos,
            Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
        app.processEvents()
    print("points", pad.point_count())
""")


def test_many_qt_calls_returning_none_do_not_abort_the_process() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "points" in done.stdout
