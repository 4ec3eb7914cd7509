"""The engineer's work at a glance: open requests (with SLA), today's slips, drafts, all slips.

Lists are lazy paged models (`ui.kit.table_models`); the search box filters with a short
debounce; opening a request starts (or resumes) this engineer's slip in the editor.
An engineer sees their own work first ("我的工作": requests assigned to them, their slips),
staff everyone's; one tap switches. The filter bar narrows each of the four lists and
shows what narrows the current one (a fixed 草稿 on drafts, 今天 on today's slips).
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.errors import FieldappError
from fieldapp.base.settings import Settings
from fieldapp.reads.queries import RequestFilter, SlipFilter
from fieldapp.records.service_requests import OPEN_STATUSES
from fieldapp.records.service_requests import STATUS_LABELS as REQUEST_STATUS
from fieldapp.records.slips import STATUS_LABELS as SLIP_STATUS
from fieldapp.rules.validation import SERVICE_KIND_LABELS, SERVICE_KINDS
from fieldapp.services import lists, requests, visit
from fieldapp.services.requests import Choice, Pickers
from fieldapp.services.visit_view import SlipData
from ui.kit import app_filters, i18n
from ui.kit.ops import Ops
from ui.kit.table_models import (
    PagedModel,
    open_requests_query,
    request_model,
    slip_model,
    slips_query,
)
from ui.kit.table_models import table_view as _table
from ui.sync.sync_badge import MessageStrip, SyncBadge
from ui.sync.sync_page import WaitingPage
from ui.sync.sync_page import show_status as show_sync_status
from ui.sync.sync_service import SyncService, SyncStatus
from ui.visit.device_view import DeviceView
from ui.visit.preview_dialog import PreviewDialog, customer_copy
from ui.visit.request_dialog import RequestDialog
from ui.visit.slip_editor import SlipEditor
from ui.workflows.findings_view import FindingsPage
from ui.workflows.loaner_view import LoanersPage
from ui.workflows.question_view import QuestionsPage
from ui.workflows.workflow_actions import WorkflowActions
from ui.workflows.workflow_pages import ComplaintsPage, RepairsPage

SEARCH_DELAY_MS = 250
DATE_RANGES = lists.DATE_RANGES
LIST_TABS = ("requests", "today", "drafts", "slips")  # the tabs the filter bar narrows
_KEEP = object()


def _filter_combo() -> QComboBox:
    """A filter combo whose popup draws the current item (the default menu-like delegate
    leaves it blank under the app's stylesheet) and takes the stylesheet's item rules."""
    combo = QComboBox()
    combo.setItemDelegate(QStyledItemDelegate(combo))
    return combo


class MainWindow(QMainWindow):
    language_toggled = Signal()
    settings_requested = Signal()

    def __init__(self, ops: Ops, settings: Settings, parent: QWidget | None = None, *,
                 sync: SyncService | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.ops, self.settings, self.sync = ops, settings, sync
        self.customers: list[tuple[uuid.UUID, str]] = []
        # workflow tabs not shown since their data changed: they load when shown
        self._stale_pages: set[QWidget] = set()
        self.workflows = WorkflowActions(ops, settings, self)
        self._build_actions()
        # The lists are made under their final parents and the tree is attached to the
        # window once, by setCentralWidget below: each reparent of a built subtree walks
        # it all for the app's stylesheet again (as in StartFrame._build).
        central = QWidget()
        self.stack = QStackedWidget(central)
        self.lists_page = QWidget(self.stack)
        self.stack.addWidget(self.lists_page)
        self._build_lists()
        self._editor: SlipEditor | None = None  # built when first opened: `editor`
        self.back_button = QPushButton()
        self.editor_page = QWidget(self.stack)
        self._editor_layout = QVBoxLayout(self.editor_page)
        self.stack.addWidget(self.editor_page)
        # the sync state, first in the toolbar (on screen at 1024 × 768, unlike the status
        # bar), and the strip under the toolbar for what needs the user (ui/sync/sync_badge.py)
        self.sync_badge = SyncBadge(sync, str(settings.get("timezone")))
        self.toolbar.insertWidget(self.toolbar.actions()[0], self.sync_badge)
        self.toolbar.insertSeparator(self.toolbar.actions()[1])
        self.message_strip = MessageStrip()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.message_strip)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = QLabel()
        self.statusBar().addWidget(self.status, 1)
        self.sync_status = QLabel()
        self.sync_status.setObjectName("sync_status")
        self.statusBar().addPermanentWidget(self.sync_status)
        self.back_button.clicked.connect(self.show_lists)
        self.sync_badge.clicked.connect(self.show_waiting)
        self.message_strip.show_waiting.connect(self.show_waiting)
        self.workflows.changed.connect(self.refresh)
        self.ops.failed.connect(self._failed)
        if sync is not None:
            sync.changed.connect(self._show_sync)
            sync.round_finished.connect(self._sync_finished)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.preview: PreviewDialog | None = None
        self.resize(1280, 680)  # maximised on a small screen (ui.kit.fit)
        self.retranslate()
        i18n.connect(self)
        store = ops.store
        self.refresh()
        # queued behind the list on screen: the customer filter's choices are not on screen
        self.ops.call(lambda: requests.pickers(store), self._fill_customers)

    # -- building ----------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)
        self.actions_by_name: dict[str, QAction] = {}
        for name, shortcut, slot in (
            ("new_request", QKeySequence.StandardKey.New, self.new_request),
            ("assign", None, self.assign_selected),
            ("escalate", None, self.escalate_selected),
            ("open", None, self.open_selected),
            ("refresh", QKeySequence(Qt.Key.Key_F5), self.refresh),
            ("sync", QKeySequence(Qt.Key.Key_F9), self.sync_now),
            ("search", QKeySequence.StandardKey.Find, self.focus_search),
            ("devices", None, lambda: self.open_devices()),
            ("print", QKeySequence.StandardKey.Print, self.print_current),
            ("settings", None, self.settings_requested.emit),
            ("language", None, self.language_toggled.emit),
        ):
            action = QAction(self)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(slot)
            self.actions_by_name[name] = action
            if name != "search":
                self.toolbar.addAction(action)
            else:
                self.addAction(action)
        staff = self.settings.get("role") == "staff"
        self.actions_by_name["assign"].setVisible(staff)

    def _build_lists(self) -> None:
        self.requests_model = request_model(self.ops, self)
        self.today_model = slip_model(self.ops, self)
        self.drafts_model = slip_model(self.ops, self)
        self.slips_model = slip_model(self.ops, self)
        self.requests_view = _table(self.requests_model)
        self.today_view = _table(self.today_model)
        self.drafts_view = _table(self.drafts_model)
        self.slips_view = _table(self.slips_model)
        for view in (self.requests_view, self.today_view, self.drafts_view, self.slips_view):
            view.activated.connect(lambda _i, v=view: self.open_from(v))
            view.doubleClicked.connect(lambda _i, v=view: self.open_from(v))
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.status_filter = _filter_combo()
        self.channel_filter = _filter_combo()
        self.customer_filter = _filter_combo()
        self.date_filter = _filter_combo()
        self.filter_captions = [QLabel() for _ in range(4)]
        # what the combos hold for tabs not shown (statuses differ, two tabs fix one)
        self._choice: dict[str, object] = {"request_status": None, "slip_status": None,
                                           "date": "all"}
        self._filter_tab = "requests"  # the tab whose choices the bar shows
        # my work (an engineer's own) or everyone's: one tap
        self.mine = str(self.settings.get("role")) == "engineer"
        self.scope_mine, self.scope_all = QPushButton(), QPushButton()
        self.scope_group = QButtonGroup(self)
        for button in (self.scope_mine, self.scope_all):
            button.setCheckable(True)
            self.scope_group.addButton(button)
        self.scope_mine.clicked.connect(lambda: self.set_mine(True))
        self.scope_all.clicked.connect(lambda: self.set_mine(False))
        self._show_scope()
        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for caption, combo in zip(self.filter_captions, (self.status_filter,
                                  self.channel_filter, self.customer_filter, self.date_filter),
                                  strict=True):
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo, 1)
        for combo in (self.status_filter, self.channel_filter, self.customer_filter,
                      self.date_filter):
            combo.activated.connect(lambda _i: self.apply_filters())
        all_page = QWidget()
        all_layout = QVBoxLayout(all_page)
        all_layout.setContentsMargins(0, 6, 0, 0)
        all_layout.addWidget(self.slips_view)
        self.tabs = QTabWidget(self.lists_page)
        self.tabs.addTab(self.requests_view, "")
        self.tabs.addTab(self.today_view, "")
        self.tabs.addTab(self.drafts_view, "")
        self.tabs.addTab(all_page, "")
        # the workflows (R3–R5, R1.6): repairs, loaners, complaints, open questions
        self.repairs_page = RepairsPage(self.ops)
        self.loaners_page = LoanersPage(self.ops, self.settings)
        self.complaints_page = ComplaintsPage(self.ops)
        self.questions_page = QuestionsPage(self.ops, self.settings)
        self.waiting_page = WaitingPage(self.ops, self.sync)
        for page in self.workflow_pages:
            self.tabs.addTab(page, "")
        self.repairs_page.open_row.connect(self.workflows.open_repair)
        self.complaints_page.open_row.connect(self.workflows.open_complaint)
        self.complaints_page.buttons["new_complaint"].clicked.connect(
            self.workflows.new_complaint)
        self.loaners_page.changed.connect(self.repairs_page.refresh)
        # what the archive found (R6.3); only staff and admin laptops pull findings
        self.findings_page: FindingsPage | None = None
        if str(self.settings.get("role")) in ("staff", "admin"):
            self.findings_page = FindingsPage(self.ops, self.settings)
            self.tabs.addTab(self.findings_page, "")
        self.greeting = QLabel()
        self.greeting.setProperty("role", "heading")
        self.greeting.setProperty("data", True)  # carries the user's name
        heading = QHBoxLayout()
        heading.addWidget(self.greeting, 1)
        heading.addWidget(self.scope_mine)
        heading.addWidget(self.scope_all)
        layout = QVBoxLayout(self.lists_page)
        layout.addLayout(heading)
        layout.addLayout(filters)
        layout.addWidget(self.tabs, 1)
        for model in self.tab_models:
            model.loaded.connect(self._update_status)
            model.counted.connect(self._update_status)
        self.tabs.currentChanged.connect(lambda _i: self._show_filters_for_tab())
        self.tabs.currentChanged.connect(lambda _i: self._refresh_shown_page())
        self.tabs.currentChanged.connect(lambda _i: self._update_status())

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("app.title"))
        for name, action in self.actions_by_name.items():
            action.setText(tr(f"action.{name}"))
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(tr(f"tooltip.{name}") + (f" ({shortcut})" if shortcut else ""))
        for i, key in enumerate(("tab.requests", "tab.today", "tab.drafts", "tab.slips",
                                 "tab.repairs", "tab.loaners", "tab.complaints",
                                 "tab.questions", "tab.waiting")):
            self.tabs.setTabText(i, tr(key))
        if self.findings_page is not None:
            self.tabs.setTabText(self.tabs.indexOf(self.findings_page), tr("tab.findings"))
        self.search.setPlaceholderText(tr("filter.search"))
        self.search.setAccessibleName(tr("filter.search_name"))
        for caption, key in zip(self.filter_captions, ("filter.status", "filter.channel",
                                "filter.customer", "filter.date"), strict=True):
            caption.setText(tr(key))
        # 方式: the service a request asks for (on site, remote, send-in, answer only)
        self._fill_combo(self.channel_filter, [(None, tr("filter.any"))] + [
            (k, i18n.pair(SERVICE_KIND_LABELS[k])) for k in SERVICE_KINDS])
        self._fill_combo(self.customer_filter, [(None, tr("filter.any")), *self.customers])
        self._show_filters_for_tab()
        self.scope_mine.setText(tr("scope.mine"))
        self.scope_mine.setToolTip(tr("tooltip.scope_mine"))
        self.scope_all.setText(tr("scope.all"))
        self.scope_all.setToolTip(tr("tooltip.scope_all"))
        name = str(self.settings.get("operator_name"))
        self.greeting.setText(tr("main.greeting", name=name,
                                 role=tr(f"role.{self.settings.get('role')}")))
        self.back_button.setText(tr("button.back_to_lists"))
        self._update_status()
        self._show_sync()

    @staticmethod
    def _fill_combo(combo: QComboBox, items: list[tuple[object, str]],
                    current: object = _KEEP) -> None:
        if current is _KEEP:
            current = combo.currentData()
        combo.clear()
        for value, text in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(0, combo.findData(current)))

    @property
    def workflow_pages(self) -> tuple:  # type: ignore[type-arg]
        return (self.repairs_page, self.loaners_page, self.complaints_page,
                self.questions_page, self.waiting_page)

    @property
    def tab_models(self) -> list[PagedModel]:
        extra = [self.findings_page.model] if self.findings_page is not None else []
        return [self.requests_model, self.today_model, self.drafts_model, self.slips_model,
                *(page.model for page in self.workflow_pages), *extra]

    def _fill_customers(self, pickers: Pickers) -> None:
        self.customers = [(c.id, c.label) for c in pickers.customers]
        self._fill_combo(self.customer_filter, [(None, i18n.tr("filter.any")), *self.customers])

    # -- lists ------------------------------------------------------------------------------
    def set_mine(self, mine: bool) -> None:
        """我的工作 (this engineer's requests and slips) or everyone's, on every list."""
        if mine != self.mine:
            self.mine = mine
            self.apply_filters()
        self._show_scope()

    def _show_scope(self) -> None:
        for button, on in ((self.scope_mine, self.mine), (self.scope_all, not self.mine)):
            button.setChecked(on)
            button.setProperty("primary", on)  # the one in force stands out
            button.style().unpolish(button)
            button.style().polish(button)

    def _read_filter_bar(self) -> None:
        """Keep what the bar shows as the choice for the kind of tab it shows it for."""
        kind = self._filter_tab
        if kind == "requests":
            self._choice["request_status"] = self.status_filter.currentData()
        elif kind in ("today", "slips"):
            self._choice["slip_status"] = self.status_filter.currentData()
        if kind in ("requests", "drafts", "slips"):
            self._choice["date"] = self.date_filter.currentData() or "all"

    def _show_filters_for_tab(self) -> None:
        """The bar shows what narrows the current tab: open-request statuses on the requests
        tab, slip statuses on the others; 草稿 fixed on drafts, 今天 on today's slips; on the
        workflow tabs, which it does not narrow, it is disabled."""
        self._read_filter_bar()
        tr, index = i18n.tr, self.tabs.currentIndex()
        kind = LIST_TABS[index] if 0 <= index < len(LIST_TABS) else None
        shown = kind or self._filter_tab  # a workflow tab keeps the last list tab's, greyed
        any_status: list[tuple[object, str]] = [(None, tr("filter.any"))]
        if shown == "requests":
            statuses = any_status + [(s, i18n.pair(REQUEST_STATUS[s])) for s in OPEN_STATUSES]
            status = self._choice["request_status"]
        elif shown == "drafts":
            statuses, status = [("draft", i18n.pair(SLIP_STATUS["draft"]))], "draft"
        else:
            statuses = any_status + [(s, i18n.pair(SLIP_STATUS[s])) for s in SLIP_STATUS]
            status = self._choice["slip_status"]
        self._fill_combo(self.status_filter, statuses, status)
        self._fill_combo(self.date_filter, [(d, tr(f"filter.date.{d}")) for d in DATE_RANGES],
                         "today" if shown == "today" else self._choice["date"])
        self.status_filter.setEnabled(kind not in (None, "drafts"))
        self.date_filter.setEnabled(kind not in (None, "today"))
        for widget in (self.search, self.channel_filter, self.customer_filter,
                       self.scope_mine, self.scope_all, *self.filter_captions):
            widget.setEnabled(kind is not None)
        self._filter_tab = shown

    def _bar(self) -> tuple[str, str | None, uuid.UUID | None]:
        return (self.search.text(), self.channel_filter.currentData(),
                self.customer_filter.currentData())

    def current_filter(self) -> SlipFilter:
        """The all-slips tab's filter (the others: `list_filters`)."""
        slips = self.list_filters()["slips"]
        assert isinstance(slips, SlipFilter)
        return slips

    def list_filters(self) -> dict[str, RequestFilter | SlipFilter]:
        """Each list tab's filter, from the bar (the scope is `engineer_code`)."""
        search, channel, customer_id = self._bar()
        timezone = str(self.settings.get("timezone"))
        since = lists.since(str(self._choice["date"]), timezone)
        request_status = self._choice["request_status"]
        slip_status = self._choice["slip_status"]
        slip = SlipFilter(search=search, service_kind=channel, customer_id=customer_id,
                          status=slip_status)  # type: ignore[arg-type]
        return {
            "requests": RequestFilter(search=search, service_kind=channel,
                                      customer_id=customer_id,
                                      since=since, statuses=(request_status,)
                                      if request_status else ()),  # type: ignore[arg-type]
            "today": replace(slip, since=lists.today_start(timezone)),
            "drafts": replace(slip, status="draft", since=since),
            "slips": replace(slip, since=since),
        }

    @property
    def shows_first_lists(self) -> bool:
        """The lists are as a start shows them (no search or filter, the role's scope):
        what the start snapshot keeps (`ui.shell.app.take_snapshot`)."""
        self._read_filter_bar()
        search, channel, customer_id = self._bar()
        return (not search and channel is None and customer_id is None
                and self._choice == {"request_status": None, "slip_status": None,
                                     "date": "all"}
                and self.mine == (str(self.settings.get("role")) == "engineer"))

    @property
    def engineer_code(self) -> str | None:
        """Whose work the lists show: this engineer's (my work), or everyone's (None)."""
        return str(self.settings.get("operator_code")) if self.mine else None

    def apply_filters(self) -> None:
        """Every list reads again with the bar's filters and the scope."""
        self._read_filter_bar()
        flt, code, store = self.list_filters(), self.engineer_code, self.ops.store
        requests_filter = flt["requests"]
        assert isinstance(requests_filter, RequestFilter)
        sources = {self.requests_model: open_requests_query(requests_filter, store, code)}
        # the slips' list next: the start's snapshot carries it with the requests'
        for name, model in (("slips", self.slips_model), ("today", self.today_model),
                            ("drafts", self.drafts_model)):
            slips_filter = flt[name]
            assert isinstance(slips_filter, SlipFilter)
            sources[model] = slips_query(slips_filter, store, code)
        # the list on screen first, the others once its page is in (table_models.py)
        index = self.tabs.currentIndex()
        shown = self.tab_models[index] if 0 <= index < len(LIST_TABS) else None
        if shown is not None:
            shown.set_source(*sources.pop(shown))
        for model, source in sources.items():
            model.set_source(*source, after=shown)
        self._update_status()

    def refresh(self) -> None:
        self.apply_filters()
        for page in self.lazy_pages:
            self._page_changed(page)

    @property
    def lazy_pages(self) -> tuple[QWidget, ...]:
        extra = (self.findings_page,) if self.findings_page is not None else ()
        return (*self.workflow_pages, *extra)

    def _page_changed(self, page: QWidget) -> None:
        """Reload a workflow tab now if it is shown, else when it is next shown: at start
        and after each autosave only what the engineer sees is read."""
        self._stale_pages.add(page)
        self._refresh_shown_page()

    def _refresh_shown_page(self) -> None:
        page = self.tabs.currentWidget()
        if page in self._stale_pages:
            self._stale_pages.discard(page)
            page.refresh()  # type: ignore[attr-defined]

    def focus_search(self) -> None:
        self.show_lists()
        self.search.setFocus()
        self.search.selectAll()

    def _update_status(self) -> None:
        """How many rows the current tab has: all of them once counted, not just those
        loaded so far."""
        model = self.tab_models[max(0, self.tabs.currentIndex())]
        shown, total = model.rowCount(), model.total
        if model.loading and not shown:
            text = i18n.tr("status.loading")
        elif total == 0 and self.mine and self.tabs.currentIndex() < len(LIST_TABS):
            text = i18n.tr("status.none_mine")
        elif total is not None and shown < total:
            text = i18n.tr("status.rows_of", shown=shown, count=total)
        elif total is None and model.has_more:
            text = i18n.tr("status.rows_more", count=shown)
        else:
            text = i18n.tr("status.rows", count=shown if total is None else total)
        self.status.setText(text)

    # -- sync ------------------------------------------------------------------------------
    def sync_now(self) -> None:
        if self.sync is None:
            self.status.setText(i18n.tr("sync.state.local"))
        else:
            self.sync.sync_now("manual")

    def _show_sync(self, _status: SyncStatus | None = None) -> None:
        show_sync_status(self.sync_status, self.sync)
        self.message_strip.show_sync(self.sync.status if self.sync is not None else None)

    def show_waiting(self) -> None:
        """待同步: what waits to be sent, refused records with the reason, "sync now"."""
        self.show_lists()
        self.tabs.setCurrentWidget(self.waiting_page)

    def _sync_finished(self, report: object) -> None:
        if getattr(report, "pulled", 0):
            self.refresh()  # reassigned requests, new reference data
        else:
            self._page_changed(self.waiting_page)

    def _failed(self, exc: object) -> None:
        text = (exc.message(i18n.current()) if isinstance(exc, FieldappError)
                else i18n.tr("status.unexpected"))  # a defect: the log has the details
        self.status.setText(i18n.tr("status.error", message=text))
        self.message_strip.show_failure(exc)  # where the user looks, not only below

    # -- the visit's editor -------------------------------------------------------------------
    @property
    def editor(self) -> SlipEditor:
        """The slip editor, built when first needed: the start shows the lists without
        it (~60-160 ms of CPU less before the live window, docs/performance.md)."""
        if self._editor is None:
            self._editor = app_filters.built_without_filters(self._build_editor)
        return self._editor

    def _build_editor(self) -> SlipEditor:
        editor = SlipEditor(self.ops, self.settings)
        editor.add_leading(self.back_button)  # in the editor's header: room for the steps
        self._editor_layout.addWidget(editor, 1)
        editor.preview_requested.connect(self.open_preview)
        editor.saved.connect(self._editor_saved)
        editor.workflow_requested.connect(self._editor_workflow)
        sync = self.sync
        if sync is not None:
            editor.sealed.connect(lambda _d: sync.sync_now("sealed"))
            editor.saved.connect(lambda *_: self._page_changed(self.waiting_page))
        return editor

    def _flush_editor(self) -> None:
        if self._editor is not None:
            self._editor.flush()

    # -- navigation --------------------------------------------------------------------------
    def show_lists(self) -> None:
        self._flush_editor()
        self.stack.setCurrentIndex(0)

    def open_from(self, view: QTableView) -> None:
        index = view.currentIndex()
        if not index.isValid():
            return
        model = view.model()
        assert isinstance(model, PagedModel)
        row = model.row_at(index.row())
        if view is self.requests_view:
            self.open_request(row.id)
        else:
            self.open_slip(row.id)

    def open_selected(self) -> None:
        views = (self.requests_view, self.today_view, self.drafts_view, self.slips_view)
        index = self.tabs.currentIndex()
        if index < len(views):
            self.open_from(views[index])
        else:
            for page in (self.repairs_page, self.complaints_page):
                if self.tabs.currentWidget() is page:
                    page.open_selected()

    def open_request(self, request_id: uuid.UUID) -> None:
        """This engineer's unsigned draft on the request, resumed; else a new slip."""
        code, store = str(self.settings.get("operator_code")), self.ops.store
        self.ops.call(lambda: visit.open_visit(store, request_id, code).id, self.open_slip,
                      write=True)

    def open_slip(self, slip_id: uuid.UUID) -> None:
        self.editor.load(slip_id)
        self.stack.setCurrentIndex(1)

    def _editor_saved(self) -> None:
        self.drafts_model.refresh()
        self.today_model.refresh()

    # -- requests ----------------------------------------------------------------------------
    def new_request(self) -> None:
        dialog = RequestDialog(self.ops, str(self.settings.get("operator_code")), self,
                               assign_to_me=self.settings.get("role") == "engineer")
        dialog.created.connect(lambda _id: self.refresh())
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.request_dialog = dialog
        dialog.open()

    def open_devices(self, code: str = "") -> None:
        """A device's story by serial or asset tag (设备档案)."""
        dialog = DeviceView(self.ops, code=code, parent=self)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.device_view = dialog
        dialog.open()

    def assign_selected(self) -> None:
        index = self.requests_view.currentIndex()
        if not index.isValid():
            self.status.setText(i18n.tr("status.select_request"))
            return
        request_id, store = self.requests_model.row_at(index.row()).id, self.ops.store
        self.ops.call(lambda: requests.pickers(store),
                      lambda p: self._ask_engineer(request_id, p.engineers))

    def _ask_engineer(self, request_id: uuid.UUID, engineers: tuple[Choice, ...]) -> None:
        labels = [engineer.label for engineer in engineers]
        label, ok = QInputDialog.getItem(self, i18n.tr("assign.title"),
                                         i18n.tr("assign.label"), labels, 0, False)
        if not ok or label not in labels:
            return
        engineer_id, store = engineers[labels.index(label)].id, self.ops.store
        self.ops.call(lambda: requests.assign(store, request_id, engineer_id),
                      lambda _r: self.refresh(), write=True)

    # -- workflows --------------------------------------------------------------------------
    def escalate_selected(self) -> None:
        """升级 / Escalate the open slip's request, or the selected open request (R4)."""
        if self.stack.currentIndex() == 1 and self.editor.data is not None:
            data = self.editor.data
            if data.request_id is not None:
                self.workflows.escalate(data.request_id, data.id)
            return
        index = self.requests_view.currentIndex()
        if self.tabs.currentIndex() != 0 or not index.isValid():
            self.status.setText(i18n.tr("status.select_request"))
            return
        self.workflows.escalate(self.requests_model.row_at(index.row()).id)

    def _editor_workflow(self, action: str, data: SlipData) -> None:
        if data.request_id is None:
            return
        if action == "send_in":
            self.workflows.send_in(data.request_id, data.id)
        elif action == "escalate":
            self.workflows.escalate(data.request_id, data.id)
        elif action == "question":
            self.workflows.record_question(data.id, data.contact_name)
        elif action == "archive":
            self.workflows.archive(data.id)

    # -- documents ---------------------------------------------------------------------------
    def print_current(self) -> None:
        if self.stack.currentIndex() == 1 and self.editor.data is not None:
            self.open_preview(self.editor.data.id)
        else:
            index = self.slips_view.currentIndex()
            if index.isValid() and self.tabs.currentIndex() == 3:
                self.open_preview(self.slips_model.row_at(index.row()).id)
            else:
                self.status.setText(i18n.tr("status.select_slip"))

    def _reload_editor(self) -> None:
        if self._editor is not None and self._editor.data is not None:
            self._editor.load(self._editor.data.id)

    def open_preview(self, slip_id: uuid.UUID) -> None:
        dialog = PreviewDialog(self.ops, customer_copy(self.ops.store, self.settings, slip_id),
                               self)
        dialog.printed.connect(self._reload_editor)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.preview = dialog
        dialog.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._flush_editor()
        super().closeEvent(event)

