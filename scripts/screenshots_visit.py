"""Screenshots of the visit, step by step, at the size of the engineers' screens.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_visit.py [--out DIR]
    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots_visit.py
    QT_SCALE_FACTOR=1.5 xvfb-run -a -s "-screen 0 1920x1080x24" \\
        .venv/bin/python scripts/screenshots_visit.py --languages zh

The main window gets 1280 × 680 logical pixels (a 1366 × 768 laptop, or 1920 × 1080 at
150 %, less the taskbar). Saved as visit-<step>-<language>[@1.5x].png into
docs/screenshots/ (or --out). Needs a CJK font (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import demo_desktop, demo_window, draw, wait

from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests
from ui.kit import i18n

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZE = (1280, 680)


def save(widget: QWidget, name: str, language: str, out: Path) -> None:
    scale = os.environ.get("QT_SCALE_FACTOR", "1")
    suffix = f"@{scale}x" if scale != "1" else ""
    path = out / f"{name}-{language}{suffix}.png"
    if widget.isWindow() and widget.isMaximized():
        widget.showNormal()  # as placed within 1280 × 680 (ui/kit/fit.py); Xvfb has no taskbar
        QTest.qWait(100)
    widget.grab().save(str(path), "PNG", 9)
    from PIL import Image  # a 256-colour palette keeps each PNG well under 200 KB

    Image.open(path).convert("RGB").quantize(256).save(path, optimize=True)
    print(path, path.stat().st_size // 1024, "KB")


def type_text(widget: QWidget, text: str) -> None:
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", default="zh,en")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app, store, settings, _data = demo_desktop(
        40, operator_code="E07", operator_name="刘洋", role="engineer",
        company_name="天津信达信息技术服务有限公司", setup_done=True)
    with store.write() as s:
        customer = next(c for c in reference.list_customers(s) if c.code == "TJPORT")
        device = next(iter(reference.find_devices(s, "ZC-TJPORT-001")), None)
        request_id = service_requests.take_request(
            s, operator_code="C01", customer=customer, channel="onsite",
            fault_reported="三楼财务室打印机卡纸，无法打印发票，已影响月底开票",
            contact_name="孙丽", contact_phone="13900220000", device=device,
            requested_at=utcnow() - timedelta(minutes=50),
            engineer=reference.engineer_by_code(s, "E07")).id
    ops, window = demo_window(app, store, settings, request_id, SIZE)
    editor = window.editor
    languages = args.languages.split(",")

    def shoot(name: str, widget: QWidget | None = None) -> None:
        for language in languages:
            i18n.set_language(language)
            wait(app, ops)
            save(widget or window, name, language, args.out)
        i18n.set_language(languages[0])

    shoot("visit-1-arrive")
    editor.stamp("arrived_at")
    wait(app, ops)
    shoot("visit-2-start")
    editor.stamp("started_at")
    wait(app, ops)
    type_text(editor.texts["fault_found"], "搓纸轮磨损，定影组件附近有残纸")
    type_text(editor.texts["handling"], "清除残纸，更换搓纸轮，测试打印 50 页正常")
    editor.flush()
    wait(app, ops)
    shoot("visit-3-work")
    editor.go_to("fees")
    for item in editor.fees._items[:2]:
        editor.fees.add_item(item)
    editor.fees.new_line()
    editor.fees.kind_buttons["parts"].click()
    type_text(editor.fees.description, "搓纸轮")
    editor.fees.description.textEdited.emit(editor.fees.description.text())
    for key in "45.5":
        editor.fees.keypad.press(key)
    editor.fees.plus_button.click()
    editor.fees.new_line()  # a refused line: marked, not in the total
    editor.fees.unit_price.setText("-50")
    editor.fees.unit_price.textEdited.emit("-50")
    wait(app, ops)
    shoot("visit-4-fees")
    editor.fees.remove_selected()
    editor.go_to("result")
    wait(app, ops)
    shoot("visit-5-result")
    editor.go_to("sign")
    wait(app, ops)
    shoot("visit-6-missing")
    editor.stamp("solved_at")
    editor.stamp("departed_at")
    wait(app, ops)
    shoot("visit-6-sign")
    editor.start_signing("engineer")
    wait(app, ops, lambda: editor.sign_view is not None)
    draw(editor.sign_view.pad)
    editor.sign_view.confirm_button.click()
    wait(app, ops, lambda: editor.data.signature("engineer") is not None)
    editor.start_signing("customer")
    wait(app, ops, lambda: editor.sign_view is not None and editor.sign_view.isVisible())
    shoot("visit-customer-confirm", editor.sign_view)
    editor.sign_view.reject()
    wait(app, ops)
    # a free visit: the ¥0.00 warning
    editor.clear_signatures()
    wait(app, ops, lambda: not editor.data.signatures)
    while editor.fee_model.rowCount():
        editor.fees.remove_selected()
    editor.fees.no_charge()
    editor.flush()
    wait(app, ops)
    editor.start_signing("engineer")
    wait(app, ops, lambda: editor.sign_view is not None)
    draw(editor.sign_view.pad)
    editor.sign_view.confirm_button.click()
    wait(app, ops, lambda: editor.data.signature("engineer") is not None)
    editor.start_signing("customer")
    wait(app, ops, lambda: editor.sign_view is not None and editor.sign_view.isVisible())
    shoot("visit-customer-zero", editor.sign_view)
    view = editor.sign_view
    view.summary.zero_confirm.setChecked(True)
    view.agree_button.click()
    draw(view.pad)
    view.confirm_button.click()
    wait(app, ops, lambda: editor.data.sealed)
    shoot("visit-sealed")
    ops.wait_done()
    store.close()


if __name__ == "__main__":
    main()
