"""Screenshots of every screen in Chinese and English into docs/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots.py [--scale 1.5]

Needs a CJK font (Debian: fonts-noto-cjk). Uses a throwaway demo store.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests
from fieldapp.store import Store, open_store
from fieldapp.tools.demo import fill_demo
from ui.kit import i18n
from ui.kit.ops import Ops
from ui.kit.style import STYLESHEET
from ui.shell.app import install_desktop
from ui.shell.main_window import MainWindow
from ui.shell.setup_dialog import SetupDialog
from ui.visit.preview_dialog import PreviewDialog, customer_copy

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def demo_desktop(requests: int, **setting_values: object
                 ) -> tuple[QApplication, Store, Settings, Path]:
    """The app styled and fitted as `ui.shell.app.run` does it, over a throwaway demo store
    of `requests` requests, with `setting_values` set; its data folder last."""
    app = QApplication(sys.argv)
    app.setStyleSheet(STYLESHEET)
    install_desktop(app, None)  # touch sizes and window fit, as ui.shell.app.run does
    data = Path(tempfile.mkdtemp())
    store = open_store(data)
    fill_demo(store, requests=requests)
    settings = Settings.in_dir(data)
    for key, value in setting_values.items():
        settings.set(key, value)
    return app, store, settings, data


def demo_window(app: QApplication, store: Store, settings: Settings, request_id: uuid.UUID,
                size: tuple[int, int] = (1280, 680)) -> tuple[Ops, MainWindow]:
    """The main window at `size` (1280 × 680: a 1366 × 768 laptop less its taskbar), the
    request's slip open in the editor."""
    ops = Ops(store)
    window = MainWindow(ops, settings)
    window.resize(*size)
    window.show()
    wait(app, ops, lambda: window.requests_model.rowCount() > 0)
    window.open_request(request_id)
    wait(app, ops, lambda: window.editor.data is not None)
    return ops, window


def wait(app: QApplication, ops: Ops, until=lambda: True) -> None:  # type: ignore[no-untyped-def]
    for _ in range(400):
        app.processEvents()
        if ops.pending == 0 and until():
            break
        QTest.qWait(20)
    QTest.qWait(50)


def save(widget: QWidget, name: str, language: str, scale: str) -> None:
    suffix = f"@{scale}x" if scale != "1" else ""
    path = OUT / f"{name}-{language}{suffix}.png"
    if widget.isWindow() and widget.isMaximized():
        widget.showNormal()  # as placed within 1280 × 680 (ui/kit/fit.py); Xvfb has no taskbar
        QTest.qWait(100)
    widget.grab().save(str(path), "PNG", 9)
    from PIL import Image  # a 256-colour palette keeps each PNG well under 200 KB

    Image.open(path).convert("RGB").quantize(256).save(path, optimize=True)
    print(path.relative_to(OUT.parent.parent), path.stat().st_size // 1024, "KB")


def draw(pad: QWidget) -> None:
    w, h = pad.width(), pad.height()
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(w // 8, h // 2))
    import math
    for i in range(60):
        pos = QPointF(w / 8 + i * w / 90, h / 2 - math.sin(i / 5) * h / 4)
        QApplication.sendEvent(pad, QMouseEvent(QMouseEvent.Type.MouseMove, pos, pos,
                                                Qt.MouseButton.NoButton,
                                                Qt.MouseButton.LeftButton,
                                                Qt.KeyboardModifier.NoModifier))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(int(w * 0.8), h // 2))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", default="zh,en")
    args = parser.parse_args()
    scale = os.environ.get("QT_SCALE_FACTOR", "1")
    OUT.mkdir(parents=True, exist_ok=True)
    app, store, settings, _data = demo_desktop(
        120, operator_code="E07", operator_name="刘洋", role="engineer",
        company_name="天津信达信息技术服务有限公司", setup_done=True)
    with store.write() as s:
        customer = next(c for c in reference.list_customers(s) if c.code == "TJPORT")
        request_id = service_requests.take_request(
            s, operator_code="C01", customer=customer, channel="onsite",
            fault_reported="三楼财务室打印机卡纸，无法打印发票", contact_name="孙丽",
            contact_phone="13900220000", requested_at=utcnow() - timedelta(minutes=50),
            engineer=reference.engineer_by_code(s, "E07")).id
    # fill a slip once, then shoot each screen per language
    ops, window = demo_window(app, store, settings, request_id)
    editor = window.editor
    for f in ("arrived_at", "started_at"):
        editor.stamp(f)  # 到达, 开始: one tap each
    editor.texts["fault_found"].setPlainText("搓纸轮磨损，定影组件附近有残纸")
    editor.texts["handling"].setPlainText("清除残纸，更换搓纸轮，测试打印 50 页正常")
    editor.fee_model.add_line()
    editor.fee_model.add_line()
    for row, vals in enumerate((("labour", "上门服务费", "1", "120"),
                                ("parts", "搓纸轮", "2", "45.50"))):
        for col, v in enumerate(vals):
            editor.fee_model.setData(editor.fee_model.index(row, col), v)
    for f in ("solved_at", "departed_at"):
        editor.stamp(f)  # 解决 (and the result), 离开
    editor.flush()
    wait(app, ops)
    editor.go_to("fees")  # the busiest step (scripts/screenshots_visit.py shoots them all)
    for language in args.languages.split(","):
        i18n.set_language(language)
        window.show_lists()
        wait(app, ops)
        save(window, "main", language, scale)
        window.stack.setCurrentIndex(1)
        wait(app, ops)
        save(window, "slip-editor", language, scale)
        setup = SetupDialog(settings, first_start=True)
        setup.show()
        wait(app, ops)
        save(setup, "first-start", language, scale)
        setup.close()
        settings_dialog = SetupDialog(settings, first_start=False)
        settings_dialog.show()
        wait(app, ops)
        save(settings_dialog, "settings", language, scale)
        settings_dialog.close()
        window.new_request()
        wait(app, ops)
        dialog = window.request_dialog  # 天津港's printer, found by a scanner's code
        dialog.customer.setCurrentIndex(dialog.customer.findText("天津港信息中心"))
        wait(app, ops, lambda d=dialog: d.items is not None)  # type: ignore[misc]
        dialog.scan.setText("ZC-TJPORT-001")
        dialog.scan_code("ZC-TJPORT-001")
        dialog.contact.setCurrentIndex(2)  # the customer's first contact
        dialog.fault.setPlainText("三楼财务室打印机卡纸，无法打印发票")
        wait(app, ops)
        save(dialog, "new-request", language, scale)
        dialog.close()
        window.open_devices("ZC-TJPORT-001")  # the device's story
        wait(app, ops, lambda: window.device_view.story is not None)
        save(window.device_view, "device-history", language, scale)
        window.device_view.close()
        preview = PreviewDialog(ops, customer_copy(ops.store, settings, editor.data.id), window)
        preview.show()
        wait(app, ops)
        save(preview, "preview", language, scale)
        preview.close()
    # signing and the sealed slip (in Chinese, then English UI over the same data)
    i18n.set_language("zh")
    editor.start_signing("engineer")
    wait(app, ops, lambda: editor.sign_view is not None)
    editor.sign_view.resize(1000, 640)
    wait(app, ops)
    draw(editor.sign_view.pad)
    save(editor.sign_view, "sign-engineer", "zh", scale)
    editor.sign_view.confirm_button.click()
    wait(app, ops, lambda: editor.data.signature("engineer") is not None)
    editor.start_signing("customer")
    wait(app, ops, lambda: editor.sign_view is not None and editor.sign_view.isVisible())
    view = editor.sign_view
    view.resize(1000, 640)
    for language in args.languages.split(","):
        i18n.set_language(language)
        wait(app, ops)
        save(view, "customer-confirm", language, scale)
    view.agree_button.click()
    draw(view.pad)
    for language in args.languages.split(","):
        i18n.set_language(language)
        wait(app, ops)
        save(view, "customer-sign", language, scale)
    view.confirm_button.click()
    wait(app, ops, lambda: editor.data.sealed)
    for language in args.languages.split(","):
        i18n.set_language(language)
        wait(app, ops)
        save(window, "sealed-slip", language, scale)
    ops.wait_done()
    store.close()


if __name__ == "__main__":
    main()
