"""Screenshots of the pictures on a slip (issue 21): the strip on the work step and the
full view, at the engineers' 1280 × 680.

    xvfb-run -a -s "-screen 0 1280x680x24" .venv/bin/python scripts/screenshots_pictures.py \\
        [--out DIR] [--languages zh,en]
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screenshots import demo_desktop, demo_window, wait
from screenshots_visit import save

from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests
from fieldapp.services import attachments
from tests.core.photo_samples import pdf, photo
from ui.kit import i18n

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZE = (1280, 680)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--languages", default="zh,en")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app, store, settings, _data = demo_desktop(
        10, operator_code="E07", operator_name="刘洋", role="engineer",
        company_name="天津信达信息技术服务有限公司", setup_done=True)
    with store.write() as s:
        customer = next(c for c in reference.list_customers(s) if c.code == "TJPORT")
        request_id = service_requests.take_request(
            s, operator_code="C01", customer=customer, channel="onsite",
            fault_reported="三楼财务室打印机卡纸，无法打印发票",
            contact_name="孙丽", contact_phone="13900220000",
            requested_at=utcnow() - timedelta(minutes=50),
            engineer=reference.engineer_by_code(s, "E07")).id
    ops, window = demo_window(app, store, settings, request_id, SIZE)
    editor = window.editor
    wait(app, ops, lambda: editor.data is not None)
    slip_id = editor.data.id
    for n, (kind, caption) in enumerate((("before", "卡纸位置"), ("damage", "搓纸轮磨损"),
                                         ("serial_plate", "铭牌"), ("part", "更换的搓纸轮"),
                                         ("after", "测试打印正常"))):
        attachments.add(store, "slip", slip_id, data=photo(1600 + 200 * n, 1200),
                        caption=caption, kind=kind, actor_code="E07")
    attachments.add(store, "slip", slip_id, data=pdf(), name="检测报告.pdf",
                    caption="检测报告", kind="other", actor_code="E07")
    editor.pictures.reload()
    editor.go_to("work")
    wait(app, ops)
    app.processEvents()
    wait(app, ops)
    for language in args.languages.split(","):
        i18n.set_language(language)
        wait(app, ops)
        save(window, "pictures-strip", language, args.out)
        editor.pictures._open(editor.pictures.list.item(1))
        dialog = editor.pictures.dialog
        dialog.resize(*SIZE)
        wait(app, ops)
        app.processEvents()
        wait(app, ops)
        dialog.view.zoom_by(1.6)
        save(dialog, "pictures-view", language, args.out)
        dialog.accept()


if __name__ == "__main__":
    main()
