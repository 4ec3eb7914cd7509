"""The window before the store is open: the main window's frame with the last session's
lists (`ui.shell.snapshot`), marked as not live, while the core loads on a worker thread.

It looks like the main window (toolbar, heading, filter bar, tabs) so the live window
takes its place without the layout jumping. It imports only Qt, the catalogue and the
settings file: nothing that reads the store. What the engineer does meanwhile is kept:
the tab chosen, the search typed, and the last tap that needs the store (a row opened,
a toolbar action) — shown in the strip ("runs once open") and done by the live window
(`handed_over`, `StartState`). Actions that work on a selected row of the live lists
(assign, escalate, print) are greyed until then. docs/desktop.md, "Start-up".
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QAction, QImage, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.settings import Settings
from ui.kit import i18n
from ui.shell.snapshot import ListSnapshot, Snapshot

# the main window's toolbar, in its order (ui/shell/main_window.py, _build_actions)
ACTIONS = ("new_request", "assign", "escalate", "open", "refresh", "sync", "devices",
           "print", "settings", "language")
NEEDS_SELECTION = ("assign", "escalate", "print")  # of the live lists: greyed meanwhile
# As text, set through the property: `setShortcut`'s overloads (key, key combination,
# standard key) build PySide6's `Qt` namespace, ~20 ms before the first paint. New and
# Print are these keys on Windows and Linux alike.
SHORTCUTS = {"new_request": "Ctrl+N", "refresh": "F5", "sync": "F9", "print": "Ctrl+P"}
TABS = ("requests", "today", "drafts", "slips", "repairs", "loaners", "complaints",
        "questions", "waiting")


@dataclass(frozen=True)
class Pending:
    """The last tap that needs the store: an action by name, or a row to open."""

    action: str  # a toolbar action's name, or "open_row"
    list_name: str = ""  # "requests" or "slips" for a row
    row_id: str = ""


@dataclass(frozen=True)
class StartState:
    """What the live window takes over from the frame."""

    tab: int
    search: str
    pending: Pending | None


class _Picture(QWidget):
    """The frame as drawn at the last session's close (`ui.shell.start_picture`): painted
    only at the size and pixel ratio it was drawn for; else it asks for the widgets."""

    painted = Signal()
    wrong_size = Signal()

    def __init__(self, image: QImage) -> None:
        super().__init__()
        self.pixmap = QPixmap.fromImage(image)

    def sizeHint(self) -> QSize:
        return self.pixmap.deviceIndependentSize().toSize()

    def paintEvent(self, event: QPaintEvent) -> None:
        if (self.size() != self.sizeHint()
                or self.devicePixelRatioF() != self.pixmap.devicePixelRatio()):
            self.wrong_size.emit()
            return
        QPainter(self).drawPixmap(0, 0, self.pixmap)
        self.painted.emit()


class StartFrame(QMainWindow):
    handed_over = Signal(object)  # StartState, when the live window takes its place
    first_painted = Signal()  # once, after the first paint (of the picture or the widgets)
    built = Signal()  # once its widgets exist (the start loads the core then)

    def __init__(self, settings: Settings, shot: Snapshot | None,
                 parent: QWidget | None = None, *, picture: QImage | None = None) -> None:
        """`picture`: painted first, the widgets built right after (`_Picture`)."""
        super().__init__(parent)
        # the main window's name: placed (and remembered) as the main window is
        self.setObjectName("main_window")
        self.settings, self.shot = settings, shot
        self.pending: Pending | None = None
        self._painted = self._built = False
        self.tables: dict[str, QTableWidget] = {}
        self.picture: _Picture | None = None
        self.resize(1280, 680)  # as the main window: maximised on a small screen (ui.kit.fit)
        if picture is None:
            self._build()
        else:
            self.picture = _Picture(picture)
            self.picture.painted.connect(self._first_paint_done)
            # not from within its paint event: in the next turn of the event loop
            self.picture.wrong_size.connect(lambda: QTimer.singleShot(0, self, self._build))
            self.setCentralWidget(self.picture)

    @property
    def is_built(self) -> bool:
        return self._built

    @property
    def rows_shown(self) -> int:
        """The snapshot's rows on screen: the first tab's, in the picture or the table."""
        if self.picture is not None:
            first = self.shot.lists.get(TABS[0]) if self.shot is not None else None
            return len(first.rows) if first is not None else 0
        return sum(table.rowCount() for table in self.tables.values())

    def _build(self) -> None:
        """The widgets (in place of the picture, if there was one)."""
        if self._built:
            return
        self._built = True
        self._build_toolbar()
        # Every widget is made under its final parent and the tree is attached to the
        # window once, at the end: a widget given a parent later (a layout's addWidget)
        # has its whole subtree walked for the app's stylesheet again at each step, which
        # cost the first paint ~10 ms of the ~40 this build took.
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.strip = QLabel(central)
        self.strip.setObjectName("start_strip")
        self.strip.setWordWrap(True)
        self.strip.setStyleSheet("QLabel#start_strip { background: #fff8e1; padding: 8px 10px;"
                                 " border-bottom: 1px solid #ffe082; }")
        lists_page = QWidget(central)
        layout = QVBoxLayout(lists_page)
        self.greeting = QLabel(lists_page)
        self.greeting.setProperty("role", "heading")
        self.greeting.setProperty("data", True)
        self.scope_mine, self.scope_all = QPushButton(lists_page), QPushButton(lists_page)
        heading = QHBoxLayout()
        heading.addWidget(self.greeting, 1)
        for button in (self.scope_mine, self.scope_all):
            button.setEnabled(False)  # the live window shows the same choice
            heading.addWidget(button)
        self.search = QLineEdit(lists_page)  # typed now, searched once open
        self.search.setClearButtonEnabled(True)
        self.filter_captions = [QLabel(lists_page) for _ in range(4)]
        self.filter_combos = [QComboBox(lists_page) for _ in range(4)]
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for caption, combo in zip(self.filter_captions, self.filter_combos, strict=True):
            caption.setBuddy(combo)
            combo.setEnabled(False)
            filters.addWidget(caption)
            filters.addWidget(combo, 1)
        self.tabs = QTabWidget(lists_page)
        for name in TABS:
            self.tabs.addTab(self._tab(name), "")
        if str(self.settings.get("role")) in ("staff", "admin"):
            self.tabs.addTab(self._tab("findings"), "")
        layout.addLayout(heading)
        layout.addLayout(filters)
        layout.addWidget(self.tabs, 1)
        column.addWidget(self.strip)
        column.addWidget(lists_page, 1)
        self.setCentralWidget(central)
        self.status = QLabel()
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().setSizeGripEnabled(False)  # as drawn off screen for the picture
        self.retranslate()
        self.built.connect(self._fill_the_rest)
        if self.picture is not None:
            self.picture.deleteLater()  # setCentralWidget above has taken its place
            self.picture = None
            # styled now, as the picture's frame was: not later, under the touch filter
            # the start installs after the first paint (which sizes buttons its own way)
            self.ensurePolished()
            # and shown now: Qt would show them by queued calls (QLayout's for widgets
            # added to a visible window), and a paint in between would be an empty window
            for part in (self.toolbar, central, self.statusBar()):
                part.show()
            if self._painted:  # the picture was on screen: the widgets are ready now
                self.built.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.picture is None:  # the widgets (a picture tells when it has painted)
            self._first_paint_done()

    def _first_paint_done(self) -> None:
        if not self._painted:
            self._painted = True
            # the frame paints before its children: tell once the whole window has
            # (not at all if the frame is gone by then: the context object is `self`)
            QTimer.singleShot(0, self, self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.first_painted.emit()
        if self.picture is None:
            self.built.emit()
        else:  # the picture is on screen: now the widgets that take its place
            self._build()

    # -- building ----------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        # Qt's enums by name, through the property: the first use of PySide6's `Qt`
        # namespace builds all of its enums (~20 ms), which the first paint can do without
        self.toolbar.setProperty("toolButtonStyle", "ToolButtonTextOnly")
        self.addToolBar(self.toolbar)
        # where the live window's sync badge is: offline, opening (ui/sync/sync_badge.py)
        self.badge = QToolButton()
        self.badge.setObjectName("sync_badge")
        self.badge.setStyleSheet("QToolButton#sync_badge { color: #8a4b00; background: "
                                 "#fff3e0; border: 1px solid #8a4b00; text-align: left; "
                                 "font-size: 13px; padding: 1px 10px; }")
        self.toolbar.addWidget(self.badge)
        self.toolbar.addSeparator()
        self.actions_by_name: dict[str, QAction] = {}
        for name in ACTIONS:
            action = QAction(self)
            if name in SHORTCUTS:
                action.setProperty("shortcut", SHORTCUTS[name])
            action.setEnabled(name not in NEEDS_SELECTION)
            action.triggered.connect(lambda _c=False, n=name: self._tapped(n))
            action.setVisible(name != "assign" or self.settings.get("role") == "staff")
            self.actions_by_name[name] = action
            self.toolbar.addAction(action)

    def _tab(self, name: str) -> QWidget:
        shot = self.shot.lists.get(name) if self.shot is not None else None
        if shot is None:
            placeholder = QLabel()
            placeholder.setObjectName("start_placeholder")
            placeholder.setProperty("alignment", "AlignCenter")  # no `Qt` yet (above)
            return placeholder
        # the rows of the tab shown first now; the others' after the first paint
        table = _table(shot, filled=name == TABS[0])
        table.activated.connect(lambda index, n=name: self._open_row(n, index.row()))
        table.doubleClicked.connect(lambda index, n=name: self._open_row(n, index.row()))
        self.tables[name] = table
        if name != "slips":
            return table
        page = QWidget()  # as the live "all slips" tab: a small gap above the table
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 6, 0, 0)
        page_layout.addWidget(table)
        return page

    def _fill_the_rest(self) -> None:
        for name, table in self.tables.items():
            if self.shot is not None and table.rowCount() == 0:
                _fill(table, self.shot.lists[name])

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("app.title"))
        self.badge.setText(f"{tr('start.badge')}\n{tr('start.badge_line')}")
        self.badge.setToolTip(tr("start.badge_tip"))
        for name, action in self.actions_by_name.items():
            action.setText(tr(f"action.{name}"))
            action.setToolTip(tr(f"tooltip.{name}"))
        for i, name in enumerate((*TABS, "findings")[:self.tabs.count()]):
            self.tabs.setTabText(i, tr(f"tab.{name}"))
            widget = self.tabs.widget(i)
            if isinstance(widget, QLabel):
                widget.setText(tr("start.badge"))
        self.search.setPlaceholderText(tr("filter.search"))
        self.search.setAccessibleName(tr("filter.search_name"))
        for caption, combo, key in zip(self.filter_captions, self.filter_combos,
                                       ("status", "channel", "customer", "date"), strict=True):
            caption.setText(tr(f"filter.{key}"))
            combo.clear()
            combo.addItem(tr("filter.date.all") if key == "date" else tr("filter.any"))
        self.scope_mine.setText(tr("scope.mine"))
        self.scope_all.setText(tr("scope.all"))
        mine = str(self.settings.get("role")) == "engineer"
        self.scope_mine.setProperty("primary", mine)
        self.scope_all.setProperty("primary", not mine)
        self.greeting.setText(tr("main.greeting", name=str(self.settings.get("operator_name")),
                                 role=tr(f"role.{self.settings.get('role')}")))
        self.status.setText(tr("status.loading"))
        self._show_note()

    def _show_note(self) -> None:
        tr = i18n.tr
        if self.shot is None:
            note = tr("start.no_snapshot")
        else:
            zone = ZoneInfo(str(self.settings.get("timezone")))
            when = self.shot.saved_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            note = tr("start.snapshot", time=when)
        if self.pending is not None:
            # on the same line: the strip's height stays as laid out at the first paint
            note += "　" + tr("start.queued", what=self._pending_text(self.pending))
        self.strip.setText(note)

    def _pending_text(self, pending: Pending) -> str:
        if pending.action != "open_row":
            return i18n.tr(f"action.{pending.action}")
        shot = self.shot.lists[pending.list_name] if self.shot is not None else None
        row = shot.ids.index(pending.row_id) if shot is not None else -1
        first = shot.rows[row][0] if shot is not None and row >= 0 and shot.rows[row] else ""
        return i18n.tr("start.open_row", row=first)

    # -- taps meanwhile ------------------------------------------------------------------
    def _tapped(self, name: str) -> None:
        if name == "open":  # the selected row, as the live window's 打开 does
            current = self.tabs.currentWidget()
            for list_name, table in self.tables.items():
                if current in (table, table.parentWidget()) and table.currentRow() >= 0:
                    self._open_row(list_name, table.currentRow())
            return
        self._queue(Pending(name))

    def _open_row(self, list_name: str, row: int) -> None:
        assert self.shot is not None  # rows come from it
        ids = self.shot.lists[list_name].ids
        if 0 <= row < len(ids):
            self._queue(Pending("open_row", list_name, ids[row]))

    def _queue(self, pending: Pending) -> None:
        """The last tap wins: it is what the engineer wants now (and one thing happens)."""
        self.pending = pending
        self._show_note()

    def state(self) -> StartState:
        return StartState(self.tabs.currentIndex(), self.search.text(), self.pending)


def _table(shot: ListSnapshot, *, filled: bool) -> QTableWidget:
    """The snapshot's rows as the live `table_view` lays them out, in grey, read-only."""
    table = QTableWidget(0, len(shot.headers))
    table.setHorizontalHeaderLabels(list(shot.headers))
    # by name, as the toolbar's style: the item views' enums cost ~6 ms on first use
    table.setProperty("selectionBehavior", "SelectRows")
    table.setProperty("selectionMode", "SingleSelection")
    table.setProperty("editTriggers", "NoEditTriggers")
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setProperty("data", True)  # the headers are the catalogue's, as they were shown
    # grey until the live lists come: the stylesheet's rule, not a colour per item
    # (`setForeground`'s brush overloads build PySide6's `Qt` namespace before the paint)
    table.setProperty("snapshot", True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(44)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for column, width in enumerate(shot.widths[:len(shot.headers)]):
        if width:
            header.resizeSection(column, width)
        else:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    if filled:
        _fill(table, shot)
    return table


def _fill(table: QTableWidget, shot: ListSnapshot) -> None:
    table.setRowCount(len(shot.rows))
    for r, row in enumerate(shot.rows):
        for c, text in enumerate(row[:len(shot.headers)]):
            table.setItem(r, c, QTableWidgetItem(text))
