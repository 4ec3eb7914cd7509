"""Finger use (ui/kit/touch.py): every scrollable view scrolls kinetically, a drag is never a
tap, combo rows are 44 px, toolbar buttons take focus, fields are named by their label,
and 清除签字 asks first."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QStandardItem, QStandardItemModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QLabel,
    QPushButton,
    QScroller,
    QStyledItemDelegate,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.records import slips
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from tests.ui.visit_helpers import draw_with_touch, open_request
from tests.ui.workflow_helpers import main_window
from ui.kit import i18n
from ui.kit.fit import scroll_body
from ui.kit.style import TOUCH_MIN
from ui.visit.signature_pad import SignaturePad


def _finger_drag(widget: QWidget, start: QPoint, end: QPoint, steps: int = 30) -> None:
    """A finger on the touchscreen: down at `start`, along to `end`, up."""
    device = QTest.createTouchDevice()
    window = widget.window()
    start, end = widget.mapTo(window, start), widget.mapTo(window, end)
    QTest.touchEvent(window, device).press(0, start).commit()
    for i in range(1, steps + 1):
        QTest.touchEvent(window, device).move(0, start + (end - start) * i / steps).commit()
        QTest.qWait(8)
    QTest.touchEvent(window, device).release(0, end).commit()


def _finger_tap(widget: QWidget, pos: QPoint) -> None:
    device = QTest.createTouchDevice()
    window = widget.window()
    point = widget.mapTo(window, pos)
    QTest.touchEvent(window, device).press(0, point).commit()
    QTest.touchEvent(window, device).release(0, point).commit()


def test_every_scrollable_view_scrolls_under_a_finger(qtbot, desktop, ops, settings,
                                                      onsite_request):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)
    for page in window.lazy_pages:
        window.tabs.setCurrentWidget(page)  # each tab's views are shown, so polished
    open_request(qtbot, window, onsite_request)
    areas = [a for a in window.findChildren(QAbstractScrollArea) if a.isVisibleTo(window)
             or a.viewport().property("touch_kinetic")]
    assert len(areas) >= 8
    plain = [type(a).__name__ for a in areas if not QScroller.hasScroller(a.viewport())]
    assert plain == []
    per_item = [type(a).__name__ for a in areas if isinstance(a, QAbstractItemView)
                and a.verticalScrollMode() != QAbstractItemView.ScrollMode.ScrollPerPixel]
    assert per_item == []


def test_a_finger_drag_scrolls_a_list_and_leaves_the_selection(qtbot,
                                                                desktop):  # type: ignore[no-untyped-def]
    model = QStandardItemModel(100, 3)
    for row in range(100):
        for column in range(3):
            model.setItem(row, column, QStandardItem(f"第 {row} 行"))
    view = QTableView()  # as ui.kit.table_models.table_view sets up the lists
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setDefaultSectionSize(TOUCH_MIN)
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    _finger_tap(view.viewport(), QPoint(60, TOUCH_MIN + TOUCH_MIN // 2))
    qtbot.waitUntil(lambda: view.currentIndex().row() == 1)
    _finger_drag(view.viewport(), QPoint(60, TOUCH_MIN * 6 + 10), QPoint(60, 10))
    qtbot.waitUntil(lambda: QScroller.scroller(view.viewport()).state()
                    == QScroller.State.Inactive, timeout=5_000)
    assert view.verticalScrollBar().value() > TOUCH_MIN  # it scrolled, by pixels
    assert view.currentIndex().row() == 1  # the row the finger started on is not chosen
    assert [i.row() for i in view.selectionModel().selectedRows()] == [1]


def test_a_finger_drag_that_starts_on_a_button_does_not_press_it(qtbot,
                                                                 desktop):  # type: ignore[no-untyped-def]
    body = QWidget()
    buttons = [QPushButton(f"按钮 {i}") for i in range(30)]
    clicked: list[int] = []
    layout = QVBoxLayout(body)
    for i, b in enumerate(buttons):
        b.clicked.connect(lambda _c=False, i=i: clicked.append(i))
        layout.addWidget(b)
    area = scroll_body(body)
    qtbot.addWidget(area)
    area.resize(400, 300)
    area.show()
    qtbot.waitExposed(area)
    _finger_drag(buttons[3], QPoint(20, 20), QPoint(20, -160))
    qtbot.waitUntil(lambda: QScroller.scroller(area.viewport()).state()
                    == QScroller.State.Inactive, timeout=5_000)
    assert area.verticalScrollBar().value() > 100
    assert clicked == [] and not buttons[3].isDown()
    # a button wholly in sight: the flick's distance varies with the machine's load, and a
    # tap point that landed on the viewport's edge pixel went to the scroll area instead
    target = next(b for b in buttons if area.viewport().rect().contains(
        QRect(b.mapTo(area.viewport(), QPoint(0, 0)), b.size())))
    # Qt's flick gesture finishes the drag's touch sequence after the scroller stops (its
    # press delay is 0.25 s); a person's next tap comes later anyway.
    QTest.qWait(400)
    _finger_tap(target, target.rect().center())
    qtbot.waitUntil(lambda: clicked == [buttons.index(target)])  # a tap still presses


def test_a_finger_signs_on_the_pad_inside_a_scrolling_form(qtbot, desktop):  # type: ignore[no-untyped-def]
    body = QWidget()
    layout = QVBoxLayout(body)
    pad = SignaturePad()
    pad.setFixedHeight(200)
    layout.addWidget(pad)
    for i in range(40):
        layout.addWidget(QLabel(f"第 {i} 行"))
    area = scroll_body(body)
    qtbot.addWidget(area)
    area.resize(500, 320)
    area.show()
    qtbot.waitExposed(area)
    draw_with_touch(pad)
    qtbot.wait(300)
    assert pad.point_count() > 10
    assert area.verticalScrollBar().value() == 0  # the form did not move under the pen


def test_combo_popups_have_touch_rows_drawn_by_the_styled_delegate(
        qtbot, desktop, ops, settings):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)
    combos = [c for c in window.findChildren(QComboBox) if c.isVisibleTo(window)]
    assert len(combos) >= 4
    for combo in combos:
        # the styled delegate draws the current row (Qt's menu delegate left it blank
        # under the stylesheet) and honours the stylesheet's 44 px rows
        assert isinstance(combo.itemDelegate(), QStyledItemDelegate)
        assert min(combo.view().sizeHintForRow(i) for i in range(combo.count())) >= TOUCH_MIN


def test_toolbar_buttons_take_focus_and_every_field_has_a_name(qtbot, desktop, ops,
                                                               settings):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)
    tool_buttons = [b for b in window.toolbar.findChildren(QToolButton) if b.isVisible()]
    assert len(tool_buttons) >= 8
    assert all(b.focusPolicy() & Qt.FocusPolicy.TabFocus for b in tool_buttons)
    assert all(b.width() >= TOUCH_MIN for b in tool_buttons)
    window.new_request()
    dialog = window.request_dialog
    qtbot.waitUntil(dialog.isVisible)
    time_edit = dialog.requested_at.edit  # inside its TimeField: Qt alone finds no label

    def name() -> str:
        return QAccessible.queryAccessibleInterface(time_edit).text(QAccessible.Text.Name)

    assert name() == dialog.captions["requested_at"].text() != ""
    i18n.set_language("en")
    qtbot.waitUntil(lambda: name() == dialog.captions["requested_at"].text())
    assert name().isascii()
    dialog.close()


def _signed_by_the_engineer(store, onsite_request):  # type: ignore[no-untyped-def]
    from tests.ui.layout_screens import fill_slip

    with store.write() as session:
        slip = fill_slip(session, onsite_request)
        slips.sign_slip(session, slip, role="engineer", signer_name="刘洋",
                        strokes=signature_strokes(3), pad_width=PAD_WIDTH,
                        pad_height=PAD_HEIGHT)
        return slip.id


def test_clearing_the_signatures_asks_first(qtbot, desktop, ops, settings, store,
                                            onsite_request):  # type: ignore[no-untyped-def]
    _signed_by_the_engineer(store, onsite_request)
    window = main_window(qtbot, ops, settings)
    open_request(qtbot, window, onsite_request)
    editor = window.editor
    qtbot.waitUntil(lambda: editor.data is not None and bool(editor.data.signatures))
    editor.clear_signatures_button.click()
    confirm = editor.confirm_dialog
    qtbot.waitUntil(confirm.isVisible)
    assert confirm.text() == "清除工程师和客户的签字吗？清除后双方都须重新签字。"
    assert (confirm.yes_button.text(), confirm.no_button.text()) == ("清除签字", "取消")
    assert min(confirm.yes_button.height(), confirm.no_button.height()) >= TOUCH_MIN
    assert confirm.defaultButton() is confirm.no_button  # Enter keeps the signatures
    confirm.no_button.click()
    qtbot.wait(200)
    assert ops.pending == 0 and editor.data.signatures  # nothing was cleared
    i18n.set_language("en")
    editor.clear_signatures_button.click()
    confirm = editor.confirm_dialog
    qtbot.waitUntil(confirm.isVisible)
    assert confirm.yes_button.text() == "Clear signatures"
    confirm.yes_button.click()
    qtbot.waitUntil(lambda: ops.pending == 0 and not editor.data.signatures, timeout=10_000)
    assert QApplication.activeModalWidget() is None
