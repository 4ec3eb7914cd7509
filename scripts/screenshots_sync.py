"""Screenshots of the 待同步 / Waiting to sync tab with the sync status line (zh, en).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_sync.py

A throwaway demo store whose outbox holds records waiting and two the archive refused;
the status shows an offline laptop (no network is used).
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import demo_desktop, save, wait
from sqlalchemy import select

from fieldapp.store import outbox
from fieldapp.store.models import Slip, SyncOutbox
from fieldapp.sync.status import overview
from ui.kit import i18n
from ui.kit.ops import Ops
from ui.shell.main_window import MainWindow
from ui.sync.sync_service import SyncService

REASONS = [("not_yours", "只能上传本人的记录：此服务单属于工程师 E02。",
            "You can only push your own records: this slip belongs to engineer E02."),
           ("seal_mismatch", "封签校验失败：服务单内容与封签不符，档案拒收。",
            "Seal check failed: the slip's content does not match its seal.")]


def main() -> None:
    app, store, settings, data = demo_desktop(
        30, operator_code="E01", operator_name="王建国", role="engineer",
        archive_url="https://archive.example.cn", setup_done=True)
    with store.write() as session:
        slips = session.scalars(select(Slip).where(Slip.seal.is_not(None)).limit(2)).all()
        for slip, (code, zh, en) in zip(slips, REASONS, strict=True):
            row = session.get_one(SyncOutbox, ("slips", slip.id))
            outbox.refuse(session, outbox.Entry("slips", slip.id, row.version), code, zh, en)
    ops = Ops(store)
    sync = SyncService(store, settings, data)
    with store.read() as session:
        sync.status = replace(sync.status, state="offline", overview=overview(session),
                              error_zh="无法连接档案服务器，数据保留在本机，稍后重试。",
                              error_en="Cannot reach the archive; the data stays on this "
                                       "laptop and will be sent later.")
    for language in ("zh", "en"):
        i18n.set_language(language)
        window = MainWindow(ops, settings, sync=sync)
        window.resize(1280, 680)  # a 1366 × 768 laptop less its taskbar
        window.show()
        window.tabs.setCurrentWidget(window.waiting_page)
        window.waiting_page.refresh()
        wait(app, ops, lambda w=window: w.waiting_page.model.rowCount() > 0)
        window._show_sync()
        save(window, "waiting", language, os.environ.get("QT_SCALE_FACTOR", "1"))
        window.close()
    ops.wait_done()
    store.close()


if __name__ == "__main__":
    main()
