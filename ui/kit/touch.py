"""Finger use, in one place: kinetic scrolling, touch-sized popups, focusable toolbar
buttons, accessible names from visible labels.

`TouchFilter` is an app-wide event filter (`ui.shell.app.install_desktop`). Qt sends every
widget one Polish event before it is first shown; there the filter prepares it, so a
widget added later is covered without code of its own:

- every scrollable view (QAbstractScrollArea: scroll areas, lists and tables, text edits)
  scrolls kinetically under a finger: `QScroller.grabGesture(viewport, TouchGesture)`.
  Qt delivers a touchscreen as touch events on X11 (XInput 2.2), Wayland and Windows, and
  the touch gesture reads exactly those; a mouse or a pen keeps dragging as it did
  (selecting text, drawing on the signature pad). `LeftMouseButtonGesture` would turn
  every mouse drag into a scroll, so it is not used. Item views scroll per pixel, so the
  content follows the finger smoothly.
- A finger that starts on a button or a list row and then drags scrolls; it does not
  press the button nor select the row: when the scroller starts dragging, the widget that
  received the press gets a release far outside itself (as Qt's own mouse gesture does),
  the rest of that touch's mouse events are dropped, and a list's selection is put back.
- buttons are at least 44 px wide (the stylesheet gives the height);
- combo boxes draw their popup with the styled delegate, so the stylesheet's 44 px rows
  apply (and the current row is drawn, not blank);
- toolbar buttons take focus with Tab like any other button;
- a form's labels become their field's buddy, so screen readers name the field by its
  visible label; a field without a label is named by its placeholder
  (`name_fields`, again after each language switch).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QObject,
    QPersistentModelIndex,
    QPointF,
    Qt,
    QTimer,
)
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScroller,
    QStyledItemDelegate,
    QTextEdit,
    QToolBar,
    QToolButton,
    QWidget,
)

from ui.kit import i18n
from ui.kit.style import TOUCH_MIN

KINETIC = "touch_kinetic"
NAMED = "touch_named"  # the accessible name came from a label or placeholder: keep it current
_MOUSE = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease,
          QEvent.Type.MouseButtonDblClick)
FIELDS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox)


def _alive(obj: QObject | None) -> bool:
    return obj is not None and shiboken6.isValid(obj)


class TouchFilter(QObject):
    """Prepares each widget for the finger when Qt polishes it (see the module)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pressed: QWidget | None = None  # the widget a finger's press went to
        self._swallow = False  # the finger scrolls: drop its mouse events until it lifts
        self._sending = False
        self._selection: tuple[QAbstractItemView, QPersistentModelIndex, QItemSelection] \
            | None = None
        i18n.notifier().retranslate.connect(self._language_changed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish:
            prepare(watched, self)
        elif kind in _MOUSE and isinstance(event, QMouseEvent):  # PySide hands it over typed
            return self._finger_mouse(watched, event)
        elif kind == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            name_fields(watched)
        return False

    # -- a drag that scrolls is not a tap ------------------------------------------------
    def _finger_mouse(self, watched: QObject, event: QMouseEvent) -> bool:
        if event.source() == Qt.MouseEventSource.MouseEventNotSynthesized or self._sending:
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            self._swallow = False
            if self._pressed is None or not _alive(self._pressed):
                self._pressed = watched if isinstance(watched, QWidget) else None
            return False
        swallow = self._swallow
        if kind == QEvent.Type.MouseButtonRelease and not event.buttons():
            QTimer.singleShot(0, self, self._finger_lifted)  # after every receiver had it
        return swallow

    def _finger_lifted(self) -> None:
        self._pressed = None
        self._swallow = False

    def scroller_state(self, area: QAbstractScrollArea, state: QScroller.State) -> None:
        if state == QScroller.State.Pressed:
            self._pressed, self._swallow = None, False
            if isinstance(area, QAbstractItemView) and area.selectionModel() is not None:
                model = area.selectionModel()
                self._selection = (area, QPersistentModelIndex(model.currentIndex()),
                                   model.selection())
            else:
                self._selection = None
        elif state == QScroller.State.Dragging and not self._swallow:
            self._swallow = True
            self._release_far_away()
            self._restore_selection()

    def _release_far_away(self) -> None:
        """The pressed widget sees the finger leave it: no click, no row activation."""
        target = self._pressed
        if not _alive(target):
            return
        assert target is not None
        far = QPointF(-100_000, -100_000)
        release = QMouseEvent(QEvent.Type.MouseButtonRelease, far, far, far,
                              Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton,
                              Qt.KeyboardModifier.NoModifier,
                              Qt.MouseEventSource.MouseEventSynthesizedByApplication)
        self._sending = True
        try:
            QApplication.sendEvent(target, release)
        finally:
            self._sending = False

    def _restore_selection(self) -> None:
        if self._selection is None:
            return
        view, current, selection = self._selection
        self._selection = None
        if not _alive(view) or view.selectionModel() is None:
            return
        model = view.selectionModel()
        index = view.model().index(current.row(), current.column(), current.parent()) \
            if current.isValid() else view.model().index(-1, -1)
        model.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
        model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _language_changed(self) -> None:
        # after every widget's own retranslate(), which this signal also calls
        QTimer.singleShot(0, _name_all_windows)


# -- preparing widgets -----------------------------------------------------------------
def prepare(widget: QObject, touch: TouchFilter | None = None) -> None:
    if isinstance(widget, (QPushButton, QToolButton)) and not isinstance(
            widget.parentWidget(), QLineEdit):  # not a line edit's clear button
        # at least a fingertip wide, keeping a larger minimum the widget set itself
        widget.setMinimumWidth(max(widget.minimumWidth(), TOUCH_MIN))
    if isinstance(widget, QAbstractScrollArea):
        kinetic(widget, touch)
    if isinstance(widget, QComboBox) and not isinstance(widget.itemDelegate(),
                                                        QStyledItemDelegate):
        widget.setItemDelegate(QStyledItemDelegate(widget))
    if isinstance(widget, QToolButton) and isinstance(widget.parentWidget(), QToolBar):
        widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)


def kinetic(area: QAbstractScrollArea, touch: TouchFilter | None = None) -> None:
    """A finger drag scrolls `area` kinetically (once per viewport); `touch` keeps the
    drag from pressing what it started on."""
    viewport = area.viewport()
    if viewport is None or viewport.property(KINETIC):
        return
    viewport.setProperty(KINETIC, True)
    QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.TouchGesture)
    if isinstance(area, QAbstractItemView):
        area.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        area.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    if touch is not None:
        def state_changed(state: QScroller.State) -> None:
            if _alive(area) and _alive(touch):  # either may be gone before the scroller
                touch.scroller_state(area, state)

        QScroller.scroller(viewport).stateChanged.connect(state_changed)


# -- accessible names ------------------------------------------------------------------
def _focus_target(item_widget: QWidget | None, layout: QLayout | None) -> QWidget | None:
    """The field a form row's label names: the row's widget (or its focus proxy), else the
    first field in the row's layout."""
    if item_widget is not None:
        proxy = item_widget.focusProxy()
        return proxy if proxy is not None else item_widget
    if layout is None:
        return None
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item is None:
            continue
        found = _focus_target(item.widget(), None) if item.widget() is not None else \
            _focus_target(None, item.layout())
        if found is not None and isinstance(found, FIELDS):
            return found
    return None


def _forms(layout: QLayout | None) -> list[QFormLayout]:
    if layout is None:
        return []
    found = [layout] if isinstance(layout, QFormLayout) else []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item is not None:
            found.extend(_forms(item.layout()))
    return found


def _label_buddies(root: QWidget) -> None:
    """Each form label without a buddy gets its row's field."""
    for widget in [root, *root.findChildren(QWidget)]:
        for form in _forms(widget.layout()):
            for row in range(form.rowCount()):
                label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
                if label_item is None or field_item is None:
                    continue
                label = label_item.widget()
                if not isinstance(label, QLabel) or label.buddy() is not None:
                    continue
                target = _focus_target(field_item.widget(), field_item.layout())
                if target is not None:
                    label.setBuddy(target)


def name_fields(root: QWidget) -> None:
    """Fields (and buttons without text) under `root` get an accessible name from their
    visible label, or their placeholder, where Qt finds none by itself (Qt reads a label
    only when it shares the field's parent)."""
    _label_buddies(root)
    labelled: dict[int, str] = {}
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None and label.text() and buddy.parentWidget() is not \
                label.parentWidget():
            labelled[id(buddy)] = label.text()
    for field in root.findChildren(QWidget):
        if not isinstance(field, FIELDS) or _inside_composite(field):
            continue
        if field.accessibleName() and not field.property(NAMED):
            continue  # named by the code itself
        name = labelled.get(id(field), "")
        if not name and not _qt_name(field):
            name = _placeholder(field)
        if name or field.property(NAMED):
            field.setAccessibleName(name)
            field.setProperty(NAMED, bool(name))


def _qt_name(field: QWidget) -> str:
    """The name Qt's accessibility gives the field by itself (a sibling label's text)."""
    parent = field.parentWidget()
    if parent is None:
        return ""
    for child in parent.children():
        if isinstance(child, QLabel) and child.buddy() is field and child.text():
            return child.text()
    return ""


def _placeholder(field: QWidget) -> str:
    if isinstance(field, (QLineEdit, QPlainTextEdit, QTextEdit)):
        return field.placeholderText()
    return ""


def _inside_composite(field: QWidget) -> bool:
    """A combo's own line edit, a spin box's editor: named through their owner."""
    parent = field.parentWidget()
    return isinstance(parent, (QComboBox, QAbstractSpinBox))


def _name_all_windows() -> None:
    for window in QApplication.topLevelWidgets():
        if window.isVisible():
            name_fields(window)
