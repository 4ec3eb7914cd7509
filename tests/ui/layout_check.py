"""What "fits a small touchscreen laptop" means, measured on a shown window.

`window_classes()` walks `ui/` and finds every widget class; `SCREENS` in
`tests/ui/layout_screens.py` opens each window, dialog and page. `problems(window)` lists
what does not fit: the window larger than 1280×680 logical px (or than the screen), a
button or input outside the visible area, a target under 44 px, clipped text.
"""

from __future__ import annotations

import importlib
import pkgutil

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollBar,
    QStyle,
    QStyleOptionComboBox,
    QTabBar,
    QTextEdit,
    QToolButton,
    QWidget,
)

import ui
from ui.kit.style import TOUCH_MIN

BUDGET = QSize(1280, 680)  # logical px: 1366×768 at 100 % or 1920×1080 at 150 %, less a taskbar
INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox)


def window_classes() -> dict[str, type[QWidget]]:
    """Every QWidget subclass defined in a module of `ui/`, by qualified name."""
    found: dict[str, type[QWidget]] = {}
    for info in sorted(pkgutil.walk_packages(ui.__path__, "ui."), key=lambda i: i.name):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (isinstance(value, type) and issubclass(value, QWidget)
                    and value.__module__ == module.__name__):
                found[f"{module.__name__}.{name}"] = value
    return found


PAGE_SUFFIXES = ("Page", "Editor", "View", "Window", "Dialog")


def is_screen(cls: type[QWidget]) -> bool:
    """A top-level window (any QDialog or QMainWindow), or a page: a widget class whose
    name says it is one (…Page, …Editor, …View). Other widgets are parts, measured inside
    the screens that hold them."""
    return issubclass(cls, (QDialog, QMainWindow)) or cls.__name__.endswith(PAGE_SUFFIXES)


# -- measuring ---------------------------------------------------------------------------
def _name(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, (QAbstractButton, QLabel)):
        text = widget.text()
    elif isinstance(widget, QLineEdit):
        text = widget.placeholderText()
    elif isinstance(widget, QGroupBox):
        text = widget.title()
    label = widget.objectName() or type(widget).__name__
    return f"{label} {text!r}" if text else label


def _internal(widget: QWidget) -> bool:
    """Qt's own sub-widgets (a combo's line edit, a spin box's editor, scroll bars, a line
    edit's clear button, a tab bar's scroll arrows): measured through their owner."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QComboBox, QAbstractSpinBox, QLineEdit, QScrollBar, QTabBar)):
            return True
        if (isinstance(parent, QAbstractItemView) and not isinstance(widget, QHeaderView)
                and widget.parentWidget() is not parent.viewport()):
            return True  # the corner button and the like
        parent = parent.parentWidget()
    return isinstance(widget, QScrollBar)


def _scroll_area_of_viewport(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    if isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget:
        return parent
    return None


def outside(widget: QWidget, window: QWidget) -> str | None:
    """Where `widget` is cut off on its way up to `window`, or None when it can be seen.

    Inside a scroll area a widget only has to be inside the scrolled content: scrolling
    reaches it. Everywhere else each parent must hold it whole."""
    rect = widget.rect()
    current = widget
    while current is not window:
        parent = current.parentWidget()
        if parent is None:
            return "has no window"
        area = _scroll_area_of_viewport(parent)
        if area is not None:
            current, rect = area, area.rect()  # reachable by scrolling: as visible as the area
            continue
        rect = QRect(current.mapTo(parent, rect.topLeft()), rect.size())
        inner = parent.rect().adjusted(-1, -1, 1, 1)
        if not inner.contains(rect):
            return (f"{rect.x()},{rect.y()} {rect.width()}×{rect.height()} outside "
                    f"{_name(parent)} {parent.width()}×{parent.height()}")
        current = parent
    return None


def in_scroll_area(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if _scroll_area_of_viewport(parent) is not None:
            return True
        parent = parent.parentWidget()
    return False


def accessible_name(widget: QWidget) -> str:
    """What a screen reader says for `widget`."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def _visible(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window) and widget.width() > 0 and widget.height() > 0


def clipped_text(widget: QWidget) -> str | None:
    """Text that does not fit its widget: wider than it (not word-wrapped), or taller."""
    if isinstance(widget, QLabel):
        if not widget.text() or (widget.pixmap() is not None and not widget.pixmap().isNull()):
            return None
        full = getattr(widget, "full_text", None)  # ui.kit.fields.ElidedLabel
        if callable(full) and full() != widget.text():
            return f"elided to {widget.text()!r}"
        if widget.wordWrap():
            need = widget.heightForWidth(widget.width())
            if need > widget.height() + 1:
                return f"needs {need} px height, has {widget.height()}"
            return None
        need = widget.sizeHint().width()
        if need > widget.width() + 1:
            return f"needs {need} px width, has {widget.width()}"
        return None
    if isinstance(widget, QAbstractButton) and widget.text():
        need = widget.sizeHint().width()
        if need > widget.width() + 1:
            return f"needs {need} px width, has {widget.width()}"
        return None
    if isinstance(widget, QComboBox) and widget.currentText():
        option = QStyleOptionComboBox()
        widget.initStyleOption(option)
        field = widget.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                              QStyle.SubControl.SC_ComboBoxEditField, widget)
        need = widget.fontMetrics().horizontalAdvance(widget.currentText())
        if need > field.width() + 1:
            return f"current text needs {need} px, field has {field.width()}"
        return None
    if isinstance(widget, QGroupBox) and widget.title():
        need = widget.fontMetrics().horizontalAdvance(widget.title()) + 30
        if need > widget.width():
            return f"title needs {need} px width, has {widget.width()}"
    return None


def _tab_problems(bar: QTabBar) -> list[str]:
    found = []
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        rect, hint = bar.tabRect(i), bar.tabSizeHint(i)
        label = f"tab {bar.tabText(i)!r}"
        if rect.height() < TOUCH_MIN:
            found.append(f"{label}: {rect.height()} px high, under {TOUCH_MIN}")
        if not bar.rect().contains(rect):
            found.append(f"{label}: outside its tab bar")
        if hint.width() > rect.width() + 1:
            found.append(f"{label}: text clipped, needs {hint.width()} px, has {rect.width()}")
    return found


def _header_problems(header: QHeaderView) -> list[str]:
    found = []
    if header.sectionsClickable() and header.height() < TOUCH_MIN:
        found.append(f"clickable header {header.height()} px high, under {TOUCH_MIN}")
    model = header.model()
    if model is None:
        return found
    for i in range(header.count()):
        if header.isSectionHidden(i) or header.sectionSize(i) == 0:
            continue
        text = str(model.headerData(i, header.orientation()) or "")
        need = header.fontMetrics().horizontalAdvance(text) + 12  # the section's padding
        if text and need > header.sectionSize(i) + 1:
            found.append(f"header {text!r}: needs {need} px, section has "
                         f"{header.sectionSize(i)}")
    return found


def _combo_problems(combo: QComboBox) -> list[str]:
    view = combo.view()
    if combo.count() == 0:
        return []
    row = view.sizeHintForRow(0)
    if row < TOUCH_MIN:
        return [f"{_name(combo)}: popup rows {row} px high, under {TOUCH_MIN}"]
    return []


def _spin_problems(spin: QAbstractSpinBox) -> list[str]:
    from PySide6.QtWidgets import QStyleOptionSpinBox

    option = QStyleOptionSpinBox()
    spin.initStyleOption(option)
    found = []
    for sub in (QStyle.SubControl.SC_SpinBoxUp, QStyle.SubControl.SC_SpinBoxDown):
        rect = spin.style().subControlRect(QStyle.ComplexControl.CC_SpinBox, option, sub,
                                           spin)
        if min(rect.width(), rect.height()) < TOUCH_MIN:
            found.append(f"{_name(spin)}: arrow {rect.width()}×{rect.height()} px, under "
                         f"{TOUCH_MIN}")
    return found


def problems(window: QWidget) -> list[str]:
    """Everything in the shown `window` that does not fit a small touchscreen."""
    found: list[str] = []
    frame = window.frameGeometry()
    available = window.screen().availableGeometry()
    if not window.isMaximized() and (window.width() > BUDGET.width()
                                     or window.height() > BUDGET.height()):
        found.append(f"window {window.width()}×{window.height()} larger than "
                     f"{BUDGET.width()}×{BUDGET.height()}")
    if not available.adjusted(-1, -1, 1, 1).contains(frame):
        found.append(f"window {frame.x()},{frame.y()} {frame.width()}×{frame.height()} "
                     f"outside the screen's {available.width()}×{available.height()}")
    widgets = [w for w in window.findChildren(QWidget)
               if _visible(w, window) and not _internal(w)]
    scrolling = False
    pinned = False
    for w in widgets:
        if isinstance(w, QAbstractScrollArea) and not isinstance(w, (QAbstractItemView,
                                                                     QPlainTextEdit,
                                                                     QTextEdit)):
            if w.verticalScrollBar().maximum() > 0:
                scrolling = True
            if w.horizontalScrollBar().maximum() > 0:
                found.append(f"{_name(w)}: content {w.horizontalScrollBar().maximum()} px "
                             "wider than its scroll area, cut off at the right")
        target = isinstance(w, (QAbstractButton, *INPUTS))
        if isinstance(w, QPushButton) and not in_scroll_area(w, window):
            pinned = True
        if target:
            if not accessible_name(w):
                found.append(f"{_name(w)}: no accessible name")
            where = outside(w, window)
            if where:
                found.append(f"{_name(w)}: {where}")
            if w.height() < TOUCH_MIN:
                found.append(f"{_name(w)}: {w.height()} px high, under {TOUCH_MIN}")
            if isinstance(w, (QPushButton, QToolButton)) and w.width() < TOUCH_MIN:
                found.append(f"{_name(w)}: {w.width()} px wide, under {TOUCH_MIN}")
            if isinstance(w, (QCheckBox, QRadioButton)) and w.width() < TOUCH_MIN:
                found.append(f"{_name(w)}: {w.width()} px wide, under {TOUCH_MIN}")
        clipped = clipped_text(w)
        if clipped:
            found.append(f"{_name(w)}: text clipped, {clipped}")
        if isinstance(w, QTabBar):
            found.extend(f"{_name(w)}: {p}" for p in _tab_problems(w))
        if isinstance(w, QHeaderView):
            found.extend(f"{_name(w.parentWidget())}: {p}" for p in _header_problems(w))
        if isinstance(w, QComboBox):
            found.extend(_combo_problems(w))
        if isinstance(w, QAbstractSpinBox):
            found.extend(_spin_problems(w))
    if isinstance(window, QDialog) and scrolling and not pinned:
        found.append("the content scrolls but no button stays outside the scroll area")
    return found


def size_of(window: QWidget) -> str:
    frame = window.frameGeometry()
    state = " maximised" if window.isMaximized() else ""
    return f"{frame.width()}×{frame.height()}{state}"
