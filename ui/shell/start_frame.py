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

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
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
# no QKeySequence at import: made before the QApplication, it crashes the process
SHORTCUTS: dict[str, QKeySequence.StandardKey | str] = {
    "new_request": QKeySequence.StandardKey.New, "refresh": "F5", "sync": "F9",
    "print": QKeySequence.StandardKey.Print}
TABS = ("requests", "today", "drafts", "slips", "repairs", "loaners", "complaints",
        "questions", "waiting")
NOT_LIVE = QColor("#6b6b6b")  # the snapshot's rows: grey until the live lists come


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


class _FirstPaint(QObject):
    """Tells once when the frame has been painted (the start loads the core after it)."""

    painted = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # the filter sees the event before the frame paints: tell once it has
            QTimer.singleShot(0, self.painted.emit)
        return False


class StartFrame(QMainWindow):
    handed_over = Signal(object)  # StartState, when the live window takes its place

    def __init__(self, settings: Settings, shot: Snapshot | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # the main window's name: placed (and remembered) as the main window is
        self.setObjectName("main_window")
        self.settings, self.shot = settings, shot
        self.pending: Pending | None = None
        self._first_paint = _FirstPaint(self)
        self.first_painted = self._first_paint.painted
        self.installEventFilter(self._first_paint)
        self._build_toolbar()
        self.strip = QLabel()
        self.strip.setObjectName("start_strip")
        self.strip.setWordWrap(True)
        self.strip.setStyleSheet("QLabel#start_strip { background: #fff8e1; padding: 8px 10px;"
                                 " border-bottom: 1px solid #ffe082; }")
        self.greeting = QLabel()
        self.greeting.setProperty("role", "heading")
        self.greeting.setProperty("data", True)
        self.scope_mine, self.scope_all = QPushButton(), QPushButton()
        heading = QHBoxLayout()
        heading.addWidget(self.greeting, 1)
        for button in (self.scope_mine, self.scope_all):
            button.setEnabled(False)  # the live window shows the same choice
            heading.addWidget(button)
        self.search = QLineEdit()  # typed now, searched once open
        self.search.setClearButtonEnabled(True)
        self.filter_captions = [QLabel() for _ in range(4)]
        self.filter_combos = [QComboBox() for _ in range(4)]
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for caption, combo in zip(self.filter_captions, self.filter_combos, strict=True):
            caption.setBuddy(combo)
            combo.setEnabled(False)
            filters.addWidget(caption)
            filters.addWidget(combo, 1)
        self.tabs = QTabWidget()
        self.tables: dict[str, QTableWidget] = {}
        for name in TABS:
            self.tabs.addTab(self._tab(name), "")
        if str(settings.get("role")) in ("staff", "admin"):
            self.tabs.addTab(self._tab("findings"), "")
        lists_page = QWidget()
        layout = QVBoxLayout(lists_page)
        layout.addLayout(heading)
        layout.addLayout(filters)
        layout.addWidget(self.tabs, 1)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.strip)
        column.addWidget(lists_page, 1)
        self.setCentralWidget(central)
        self.status = QLabel()
        self.statusBar().addWidget(self.status, 1)
        self.resize(1280, 680)  # as the main window: maximised on a small screen (ui.kit.fit)
        self.retranslate()
        self.first_painted.connect(self._fill_the_rest)

    # -- building ----------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
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
                key = SHORTCUTS[name]
                action.setShortcut(QKeySequence(key) if isinstance(key, str) else key)
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
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
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
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setProperty("data", True)  # the headers are the catalogue's, as they were shown
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
            item = QTableWidgetItem(text)
            item.setForeground(NOT_LIVE)
            table.setItem(r, c, item)
