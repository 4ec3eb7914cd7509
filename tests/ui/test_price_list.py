"""The price list: edited in Settings, checked as typed, one tap in the visit's fee step."""

from __future__ import annotations

from PySide6.QtCore import Qt

from fieldapp.base.settings import Settings
from fieldapp.services.fee_entry import price_items
from tests.ui.visit_helpers import idle, window_on
from ui.shell.setup_dialog import SetupDialog


def test_price_list_is_edited_in_settings_and_checked_as_typed(qtbot, settings):  # type: ignore[no-untyped-def]
    dialog = SetupDialog(settings, first_start=False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.price_list_button.text() == "编辑常用收费项目（8 项）…"
    qtbot.mouseClick(dialog.price_list_button, Qt.MouseButton.LeftButton)
    editor = dialog.price_list_dialog
    assert editor is not None and editor.table.rowCount() == 8
    editor.table.item(0, 2).setText("一百五")
    assert "第 1 项单价不是金额。" in editor.errors.text()
    assert not editor.save_button.isEnabled()
    editor.table.item(0, 2).setText("160")
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    row = editor.table.rowCount() - 1
    assert "第 9 项请填写名称。" in editor.errors.text()  # all problems at once
    editor._kind(row).setCurrentIndex(editor._kind(row).findData("labour"))
    editor.table.item(row, 1).setText("打印机清洁保养")
    editor.table.item(row, 2).setText("120")
    assert editor.errors.isHidden() and editor.save_button.isEnabled()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    saved = price_items(Settings(settings.path).get("price_list"))
    assert (saved[0].description, saved[0].unit_price) == ("上门服务费", 160)
    assert saved[-1].description == "打印机清洁保养" and saved[-1].kind == "labour"
    assert dialog.price_list_button.text() == "编辑常用收费项目（9 项）…"


def test_one_tap_on_a_price_list_item_adds_a_whole_line(qtbot, ops, settings,
                                                         onsite_request):  # type: ignore[no-untyped-def]
    settings.set("price_list", [{"kind": "parts", "description": "硒鼓 CF226A",
                                 "unit_price": "380"}])
    window = window_on(qtbot, ops, settings, onsite_request)
    editor = window.editor
    editor.go_to("fees")
    (button,) = editor.fees.price_buttons
    assert button.text() == "硒鼓 CF226A ¥380"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.fees.plus_button, Qt.MouseButton.LeftButton)  # two of them
    assert editor.total_label.text() == "总计：¥760.00"
    idle(qtbot, window)
    assert [(line.kind, line.description, line.amount_fen) for line in editor.data.fee_lines
            ] == [("parts", "硒鼓 CF226A", 76000)]


def test_prices_typed_on_the_keypad_are_checked_as_typed_and_refused_ones_not_counted(
        qtbot, ops, settings, onsite_request):  # type: ignore[no-untyped-def]
    window = window_on(qtbot, ops, settings, onsite_request)
    editor = window.editor
    editor.go_to("fees")
    fees = editor.fees
    qtbot.mouseClick(fees.price_buttons[0], Qt.MouseButton.LeftButton)  # 上门服务费 ¥150
    qtbot.mouseClick(fees.add_fee_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(fees.kind_buttons["parts"], Qt.MouseButton.LeftButton)
    for key in ("4", "5", ".", "5", "0", "5"):  # one digit too many
        qtbot.mouseClick(fees.keypad.keys[key], Qt.MouseButton.LeftButton)
    assert fees.unit_price.text() == "45.505"
    assert "第 2 行单价最多两位小数" in fees.price_error.text()  # said at once, under the field
    assert editor.total_label.text() == "总计：¥150.00"  # the refused line is not counted
    assert fee_amounts(editor) == ["¥150.00", "未计入"]
    qtbot.mouseClick(fees.keypad.keys["back"], Qt.MouseButton.LeftButton)
    assert fees.price_error.isHidden()
    assert editor.total_label.text() == "总计：¥195.50"
    qtbot.mouseClick(fees.add_fee_button, Qt.MouseButton.LeftButton)
    for key in ("9", "9", "9", "9", "9", "9", "9", "9"):
        qtbot.mouseClick(fees.keypad.keys[key], Qt.MouseButton.LeftButton)
    assert editor.total_label.text() == "总计：¥195.50"  # not ¥100,000,194.50
    assert "第 3 行金额超过上限" in editor.error_text("fee_lines")
    idle(qtbot, window)
    assert [line.amount_fen for line in editor.data.fee_lines] == [15000, 4550]


def fee_amounts(editor) -> list[str]:  # type: ignore[no-untyped-def]
    model = editor.fee_model
    return [model.data(model.index(row, 4)) for row in range(model.rowCount())]
