"""分析发现 / Findings: a staff laptop lists what it pulled from the archive, in both languages."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import insert, select

from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import utcnow
from fieldapp.store.finding_models import Finding
from fieldapp.store.models import Customer
from tests.ui.conftest import wait_idle
from tests.ui.test_language import untranslated
from ui.kit import i18n
from ui.shell.main_window import MainWindow
from ui.workflows.findings_view import FindingsPage


def pulled_finding(store) -> None:  # type: ignore[no-untyped-def]
    """As a pull writes it: a Core insert, not queued for pushing."""
    with store.write() as session:
        customer = session.scalar(select(Customer).where(Customer.code == "TJPORT"))
        now = utcnow()
        session.execute(insert(Finding.__table__).values(
            id=uuid.uuid4(), key="repeat_device:x:R-C01-20261101-001", customer_id=customer.id,
            rule="repeat_device", found_on=date(2026, 11, 20), window_start=date(2026, 9, 1),
            window_end=date(2026, 11, 18),
            summary_zh="设备 惠普 M404dn（ZC-TJPORT-001）在 90 天内故障 3 次，建议检修。",
            summary_en="Device HP M404dn (ZC-TJPORT-001) failed 3 times within 90 days.",
            evidence="R-C01-20261101-001,R-C01-20261015-002,R-C01-20260901-003",
            detected_at=now, created_at=now, updated_at=now))


def test_staff_see_the_findings_tab_with_the_pulled_finding(qtbot, store, ops, settings,
                                                           qtmodeltester):  # type: ignore[no-untyped-def]
    pulled_finding(store)
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    window.show()
    page = window.findings_page
    assert isinstance(page, FindingsPage)
    window.tabs.setCurrentWidget(page)
    assert window.tabs.tabText(window.tabs.indexOf(page)) == "分析发现"
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    qtmodeltester.check(page.model)
    cells = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
    assert cells[:3] == ["2026-11-20", "天津港信息中心", "同一设备反复故障"]
    assert "90 天内故障 3 次" in cells[3] and cells[4] == "3"
    page.view.selectRow(0)
    assert "R-C01-20261015-002" in page.detail.text()

    i18n.set_language("en")
    assert window.tabs.tabText(window.tabs.indexOf(page)) == "Findings"
    assert page.model.index(0, 2).data() == "Same device failing repeatedly"
    assert "failed 3 times" in page.model.index(0, 3).data()
    assert "Evidence (requests)" in page.detail.text()
    assert untranslated(page, "en") == []
    wait_idle(qtbot, ops)


def test_engineers_have_no_findings_tab(qtbot, store, ops, data_dir):  # type: ignore[no-untyped-def]
    settings = Settings.in_dir(data_dir)
    settings.set("role", "engineer")
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    assert window.findings_page is None
    assert "分析发现" not in [window.tabs.tabText(i) for i in range(window.tabs.count())]
    wait_idle(qtbot, ops)
