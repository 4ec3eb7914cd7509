"""The new-request form names the customer's site, device and contact (R2.1): chosen by
touch from the customer's own, or found by a barcode scanner typing a serial or asset tag
and Enter. Another customer's device is refused in one line; an unknown code becomes a
new device's serial; a new device is saved with the request."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox
from sqlalchemy import select

from fieldapp.store.models import Device, ServiceRequest
from tests.ui.conftest import wait_idle
from tests.ui.visit_helpers import new_request_dialog
from ui.kit.style import TOUCH_MIN
from ui.visit.request_dialog import NEW, RequestDialog

# the demo (fieldapp/tools/demo.py): 天津港信息中心's printer, the hospital's printer
PORT, HOSPITAL = "天津港信息中心", "天津市第一中心医院"
PORT_PRINTER_SERIAL, PORT_PRINTER_TAG = "SN0000TJP0000", "ZC-TJPORT-001"
HOSPITAL_PRINTER_TAG = "ZC-TJH1-001"

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen popups


def _tap_item(qtbot, combo: QComboBox, text: str) -> None:  # type: ignore[no-untyped-def]
    """Open the combo with a tap and tap the item whose text starts with `text`."""
    qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    row = next(i for i in range(combo.count()) if combo.itemText(i).startswith(text))
    rect = view.visualRect(combo.model().index(row, 0))
    assert rect.height() >= TOUCH_MIN  # a finger's row
    view.scrollTo(combo.model().index(row, 0))
    rect = view.visualRect(combo.model().index(row, 0))
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # a popup ignores a too-quick tap
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible())
    assert combo.currentText().startswith(text)


def _for_port(qtbot, ops) -> RequestDialog:  # type: ignore[no-untyped-def]
    dialog = new_request_dialog(qtbot, ops)
    _tap_item(qtbot, dialog.customer, PORT)
    qtbot.waitUntil(lambda: dialog.items is not None and dialog.device.count() > 2)
    return dialog


def test_the_pickers_are_finger_sized_and_hold_only_the_customers_own(qtbot, ops):  # type: ignore[no-untyped-def]
    dialog = _for_port(qtbot, ops)
    for picker in (dialog.customer, dialog.site, dialog.scan, dialog.device, dialog.contact):
        assert picker.height() >= TOUCH_MIN
    devices = [dialog.device.itemText(i) for i in range(2, dialog.device.count())]
    assert len(devices) == 6 and all("TJP" in d for d in devices)  # the port's, no other
    assert dialog.site.itemText(1) == f"{PORT}本部（市内）"
    _tap_item(qtbot, dialog.device, "打印机 惠普")
    assert dialog.site.currentText() == f"{PORT}本部（市内）"  # the device's site follows
    _tap_item(qtbot, dialog.contact, "孙丽")
    assert (dialog.contact_name.text(), dialog.contact_phone.text()) == ("孙丽", "13900220000")


def test_a_scanned_serial_and_enter_choose_the_device_and_never_save(qtbot, ops, store):  # type: ignore[no-untyped-def]
    dialog = _for_port(qtbot, ops)
    with store.read() as session:
        before = len(session.scalars(select(ServiceRequest.id)).all())
    dialog.scan.setFocus()
    QTest.keyClicks(dialog.scan, PORT_PRINTER_TAG)
    QTest.keyClick(dialog.scan, Qt.Key.Key_Return)  # as a scanner ends a code
    assert PORT_PRINTER_SERIAL in dialog.device.currentText()
    assert dialog.site.currentText().startswith(PORT)
    assert dialog.scan_note.text().startswith("已选中：打印机 惠普")
    assert dialog.isVisible() and dialog.scan.hasFocus()  # ready for the next scan
    wait_idle(qtbot, ops)
    with store.read() as session:
        assert len(session.scalars(select(ServiceRequest.id)).all()) == before


def test_another_customers_device_is_refused_in_one_line(qtbot, ops):  # type: ignore[no-untyped-def]
    dialog = _for_port(qtbot, ops)
    QTest.keyClicks(dialog.scan, HOSPITAL_PRINTER_TAG)
    QTest.keyClick(dialog.scan, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: dialog.scan_note.isVisible())
    assert dialog.scan_note.text() == (
        f"设备 SN0100TJH0000 属于另一客户（{HOSPITAL}），不能用于该客户的请求。")
    assert dialog.device.currentData() is None  # nothing chosen


def test_an_unknown_code_becomes_a_new_device_saved_with_the_request(qtbot, ops, store):  # type: ignore[no-untyped-def]
    dialog = _for_port(qtbot, ops)
    QTest.keyClicks(dialog.scan, "PF0NEW77")
    QTest.keyClick(dialog.scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.device.currentData() == NEW)
    assert dialog.new_device_box.isVisible() and dialog.serial.text() == "PF0NEW77"
    dialog.contact_phone.setText("13900220000")
    dialog.fault.setPlainText("笔记本无法开机")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["new_device.device_class"].text() == "请选择设备类别。"  # said first
    _tap_item(qtbot, dialog.device_class, "笔记本电脑")
    dialog.brand.setText("联想")  # typed with an input method: keyClicks is ASCII only
    with qtbot.waitSignal(dialog.created, timeout=10_000) as created:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with store.read() as session:
        request = session.get_one(ServiceRequest, created.args[0])
        device = session.scalars(select(Device).where(Device.serial == "PF0NEW77")).one()
        assert request.device_id == device.id
        assert (device.customer.name, device.device_class, device.brand) == (
            PORT, "laptop", "联想")
