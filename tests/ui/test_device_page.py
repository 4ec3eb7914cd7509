"""The slip editor's 设备查找 attaches the found device to the open slip's request (the
request's customer's only) and opens the device's story (设备档案); the main window's 设备
action finds a device by serial or asset tag, an unknown code is one line."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from fieldapp.store.models import ServiceRequest
from tests.ui.conftest import wait_idle
from tests.ui.visit_helpers import open_request
from ui.shell.main_window import MainWindow

PORT_PRINTER_TAG, HOSPITAL_PRINTER_TAG = "ZC-TJPORT-001", "ZC-TJH1-001"

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture
def window(qtbot, ops, settings):  # type: ignore[no-untyped-def]
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, ops)
    return window


def _scan(qtbot, editor, code: str) -> None:  # type: ignore[no-untyped-def]
    editor.go_to("work")
    editor.scan.setText(code)
    QTest.keyClick(editor.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: code in editor.scan_result.text() or "SN" in
                    editor.scan_result.text())


def test_the_found_device_is_attached_to_the_open_slip_by_a_tap(qtbot, ops, store, window,
                                                                onsite_request):  # type: ignore[no-untyped-def]
    open_request(qtbot, window, onsite_request)
    editor = window.editor
    _scan(qtbot, editor, PORT_PRINTER_TAG)
    assert editor.attach_button.isVisible() and editor.story_button.isVisible()
    qtbot.mouseClick(editor.attach_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "SN0000TJP0000" in editor.request_values["device"].full_text())
    assert editor.scan_result.text().startswith("已关联：打印机 惠普")
    assert not editor.attach_button.isVisible()
    with store.read() as session:
        request = session.get_one(ServiceRequest, onsite_request)
        assert request.device.asset_tag == PORT_PRINTER_TAG


def test_another_customers_device_is_shown_with_whose_it_is_and_cannot_be_attached(
        qtbot, ops, store, window, onsite_request):  # type: ignore[no-untyped-def]
    open_request(qtbot, window, onsite_request)
    editor = window.editor
    _scan(qtbot, editor, HOSPITAL_PRINTER_TAG)
    assert "天津市第一中心医院（属于另一客户，不能关联）" in editor.scan_result.text()
    assert not editor.attach_button.isVisible()
    with store.read() as session:
        assert session.get_one(ServiceRequest, onsite_request).device_id is None


def test_the_device_page_finds_a_device_by_asset_tag_and_refuses_an_unknown_code(
        qtbot, ops, window):  # type: ignore[no-untyped-def]
    window.actions_by_name["devices"].trigger()
    view = window.device_view
    qtbot.waitUntil(view.isVisible)
    QTest.keyClicks(view.scan, PORT_PRINTER_TAG)
    QTest.keyClick(view.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.story is not None)
    assert view.heading.text() == "打印机 惠普 LaserJet M404dn · 天津港信息中心"
    times = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
    assert times == sorted(times, reverse=True)
    view.scan.selectAll()
    QTest.keyClicks(view.scan, "NO-SUCH-9")
    QTest.keyClick(view.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(view.message.isVisible)
    assert view.message.text() == "找不到序列号或资产编号为 NO-SUCH-9 的设备。"
    assert view.heading.text().startswith("打印机 惠普")  # the device shown stays
