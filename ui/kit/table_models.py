"""Table models over the core's paged list queries, with a lazy row cache.

Rows arrive a page at a time (`canFetchMore`/`fetchMore`, like Anki's browser model):
the view asks for more as the user scrolls, and each page is read off the GUI thread.
A new filter resets the model; answers for an older filter are dropped. A query may come
with a count: it runs once the first page turns out full, so `total` is known without
loading every row (a short first page is the total by itself).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QLayout, QTableView, QVBoxLayout, QWidget

from fieldapp.base.timeutil import format_local, utcnow
from fieldapp.reads.queries import RequestFilter, SlipFilter
from fieldapp.records.service_requests import STATUS_LABELS as REQUEST_STATUS
from fieldapp.records.slips import STATUS_LABELS as SLIP_STATUS
from fieldapp.rules.validation import RESULT_LABELS
from fieldapp.seal.seal_status import SEAL_STATE_LABELS
from fieldapp.services import lists
from fieldapp.services.lists import RequestItem
from fieldapp.store import Store
from ui.kit import i18n
from ui.kit.ops import Ops
from ui.kit.sla_display import kinds_text, sla_cell

PAGE_SIZE = 200
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str  # catalogue key of the header
    text: Callable[[Any], str]
    colour: Callable[[Any], str | None] | None = None
    width: int = 120  # 0: this column takes the remaining space


def _pair(labels: dict[str, tuple[str, str]], value: str) -> str:
    return i18n.pair(labels[value]) if value in labels else value


def _kinds(row: Any) -> str:
    return kinds_text(row.intake_channel, row.service_kind, row.channel)


Page = Callable[[int, int], list[Any]]  # (offset, limit) -> rows: a service call
Count = Callable[[], int]
Marks = Callable[[list[Any]], list[Any]]  # a page's rows -> the same rows, some marked


class PagedModel(QAbstractTableModel):
    """Rows from `fetch(offset, limit)`, loaded page by page in the background."""

    loaded = Signal()  # a page arrived (tests and the status bar listen)
    settled = Signal()  # a page arrived or failed: models held `after` this one may read
    counted = Signal()  # `total` became known
    marked = Signal()  # a page's second look (`set_marks`) arrived

    def __init__(self, ops: Ops, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._columns = list(columns)
        self._rows: list[Any] = []
        self._more = False
        self._loading = False
        self._generation = 0
        self._fetch: Page | None = None
        self._count: Count | None = None
        self._total: int | None = None
        self._marks: Marks | None = None
        self._after: PagedModel | None = None  # its page first, then this one's
        i18n.notifier().retranslate.connect(self.retranslate)

    def set_marks(self, marks: Marks) -> None:
        """A second look at each page, off the GUI thread, after it is shown: `marks(rows)`
        returns the rows again, some changed (the slips' seal check marks the tampered)."""
        self._marks = marks

    # -- loading -------------------------------------------------------------------
    def set_source(self, fetch: Page, count: Count | None = None, *,
                   after: PagedModel | None = None) -> None:
        """Show the rows of a new query: reset, then load its first page. `fetch(offset,
        limit)` and `count()` are service calls (`fieldapp.services`), run off the GUI
        thread; `count`, when given, tells how many rows the query has in all its pages.
        `after`: a model whose page is on its way (the list on screen); this one's first
        page is read once that one is in. Read side by side, the two would share the
        interpreter's one lock, and the list on screen would come later."""
        self._generation += 1
        self._stop_waiting()
        self.beginResetModel()
        self._rows, self._fetch, self._more, self._loading = [], fetch, False, False
        self._count, self._total = count, None
        self.endResetModel()
        if after is not None and after is not self and after.loading:
            self._after = after
            after.settled.connect(self._after_settled)
        else:
            self._load_page()

    def _after_settled(self) -> None:
        if self._after is not None:
            self._stop_waiting()
            self._load_page()

    def _stop_waiting(self) -> None:
        after, self._after = self._after, None
        if after is not None:
            after.settled.disconnect(self._after_settled)

    def refresh(self) -> None:
        if self._fetch is not None:
            self.set_source(self._fetch, self._count)

    def _load_page(self) -> None:
        fetch, generation, offset = self._fetch, self._generation, len(self._rows)
        if fetch is None or self._loading or self._after is not None:
            return
        self._loading = True
        self._ops.call(lambda: fetch(offset, PAGE_SIZE),
                       lambda rows: self._page_arrived(generation, rows),
                       lambda exc: self._page_failed(generation, exc))

    def _page_arrived(self, generation: int, rows: list[Any]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._more = len(rows) == PAGE_SIZE
        first_page = not self._rows
        if not self._more:
            self._total = len(self._rows) + len(rows)
        elif first_page and self._count is not None:
            count = self._count
            self._ops.call(count, lambda total: self._counted(generation, total),
                           lambda exc: self._count_failed(generation, exc))
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
            if self._marks is not None:
                marks = self._marks
                self._ops.call(lambda: marks(rows),
                               lambda marked: self._marked(generation, first, marked))
        self.loaded.emit()
        self.settled.emit()

    def _marked(self, generation: int, first: int, rows: list[Any]) -> None:
        if generation != self._generation or first + len(rows) > len(self._rows):
            return
        changed = [i for i, row in enumerate(rows, first) if row is not self._rows[i]]
        self._rows[first:first + len(rows)] = rows
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0),
                                  self.index(max(changed), len(self._columns) - 1))
        self.marked.emit()

    def _counted(self, generation: int, total: int) -> None:
        if generation == self._generation:
            self._total = total
            self.counted.emit()

    def _count_failed(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:  # the rows stay; only the total is unknown
            self._ops.failed.emit(exc)

    def _page_failed(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:
            self._loading, self._more = False, False
            self._ops.failed.emit(exc)
            self.settled.emit()

    @property
    def columns(self) -> list[Column]:
        return list(self._columns)

    @property
    def loading(self) -> bool:
        """A page is on its way, or waits for the one of the model it is read `after`."""
        return self._loading or self._after is not None

    @property
    def has_more(self) -> bool:
        """Rows not loaded yet: a page is on its way or the view may ask for one."""
        return self._more or self.loading

    @property
    def total(self) -> int | None:
        """How many rows the query has in all (None: not known yet, or no count given)."""
        return self._total

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    # -- Qt model API ----------------------------------------------------------------
    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self.loading

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._load_page()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        column, row = self._columns[index.column()], self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            colour = column.colour(row)
            return QBrush(QColor(colour)) if colour else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self._columns)):
            return i18n.tr(self._columns[section].key)
        return None

    def retranslate(self) -> None:
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, len(self._columns) - 1))


# --- the app's lists ------------------------------------------------------------------

def _sla_text(item: RequestItem) -> str:
    return sla_cell(item.row, item.sla, utcnow()).text


def _sla_colour(item: RequestItem) -> str:
    return sla_cell(item.row, item.sla, utcnow()).colour


REQUEST_COLUMNS = (
    Column("col.number", lambda r: r.number, width=190),
    Column("col.customer", lambda r: r.customer_name, width=180),
    Column("col.channel", _kinds, width=150),
    Column("col.status", lambda r: _pair(REQUEST_STATUS, r.status)),
    Column("col.sla", _sla_text, _sla_colour, width=260),
    Column("col.fault", lambda r: r.fault_reported, width=0),
    Column("col.requested_at", lambda r: format_local(r.requested_at), width=150),
    Column("col.engineer", lambda r: r.engineer_name or ""),
)

# "tampered": a sealed slip whose seal check failed (fieldapp.services.lists.seal_marks)
SLIP_LIST_STATUS = {**SLIP_STATUS, "tampered": SEAL_STATE_LABELS["tampered"]}
SLIP_STATUS_COLOURS = {"sealed": "#1b5e20", "tampered": "#b71c1c"}

SLIP_COLUMNS = (
    Column("col.slip_number", lambda r: r.number, width=190),
    Column("col.customer", lambda r: r.customer_name, width=180),
    Column("col.channel", _kinds, width=150),
    Column("col.status", lambda r: _pair(SLIP_LIST_STATUS, r.status),
           lambda r: SLIP_STATUS_COLOURS.get(r.status, "#8d6e00")),
    Column("col.result", lambda r: _pair(RESULT_LABELS, r.result)),
    Column("col.fault", lambda r: r.fault, width=0),
    Column("col.created_at", lambda r: format_local(r.created_at), width=150),
    Column("col.engineer", lambda r: r.engineer_name),
)


def request_model(ops: Ops, parent: Any = None) -> PagedModel:
    return PagedModel(ops, REQUEST_COLUMNS, parent)


def slip_model(ops: Ops, parent: Any = None) -> PagedModel:
    model = PagedModel(ops, SLIP_COLUMNS, parent)
    store = ops.store
    model.set_marks(lambda rows: lists.seal_marks(store, rows))  # tampered shows in lists
    return model


def open_requests_query(flt: RequestFilter, store: Store, engineer_code: str | None = None
                        ) -> tuple[Page, Count]:
    """The requests list's pages and count (`fieldapp.services.lists`)."""
    return (lambda offset, limit: lists.open_requests(
                store, flt, engineer_code=engineer_code, offset=offset, limit=limit),
            lambda: lists.count_open_requests(store, flt, engineer_code=engineer_code))


def slips_query(flt: SlipFilter, store: Store, engineer_code: str | None = None
                ) -> tuple[Page, Count]:
    """A slips list's pages and count (`fieldapp.services.lists`)."""
    return (lambda offset, limit: lists.slips(store, flt, engineer_code=engineer_code,
                                              offset=offset, limit=limit),
            lambda: lists.count_slips(store, flt, engineer_code=engineer_code))


def table_page(page: QWidget, view: QTableView, *under: QWidget | QLayout) -> None:
    """A list page's layout: the table taking the room, then what stands under it (a line
    of detail or error, the row of actions)."""
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 6, 0, 0)
    layout.addWidget(view, 1)
    for part in under:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)


def table_view(model: PagedModel) -> QTableView:
    """A read-only, row-selecting, touch-height table over `model`."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(44)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for i, column in enumerate(model.columns):
        if column.width:
            header.resizeSection(i, column.width)
        else:
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
    view.setWordWrap(False)
    return view
