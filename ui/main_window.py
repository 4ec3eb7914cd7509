"""The engineer's work at a glance: open requests (with SLA), today's slips, drafts, all slips.

Lists are lazy paged models (`ui.table_models`); the search box filters with a short
debounce; opening a request starts (or resumes) this engineer's slip in the editor.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from fieldapp import service_requests
from fieldapp.errors import FieldappError
from fieldapp.queries import SlipFilter
from fieldapp.services import visit
from fieldapp.settings import Settings
from fieldapp.slips import STATUS_LABELS as SLIP_STATUS
from fieldapp.store.models import Engineer
from fieldapp.validation import CHANNEL_LABELS, CHANNELS
from ui import i18n
from ui.findings_view import FindingsPage
from ui.loaner_view import LoanersPage
from ui.ops import Ops
from ui.preview_dialog import PreviewDialog
from ui.question_view import QuestionsPage
from ui.request_dialog import RequestDialog, load_pickers
from ui.slip_data import SlipData
from ui.slip_editor import SlipEditor
from ui.sync_page import WaitingPage
from ui.sync_page import show_status as show_sync_status
from ui.sync_service import SyncService, SyncStatus
from ui.table_models import (
    PagedModel,
    open_requests_query,
    request_model,
    slip_model,
    slips_query,
)
from ui.table_models import table_view as _table
from ui.workflow_actions import WorkflowActions
from ui.workflow_pages import ComplaintsPage, RepairsPage

SEARCH_DELAY_MS = 250
DATE_RANGES = ("all", "today", "week", "month")


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
        self._build_lists()
        self.editor = SlipEditor(ops, settings)
        self.back_button = QPushButton()
        editor_page = QWidget()
        editor_layout = QVBoxLayout(editor_page)
        self.editor.add_leading(self.back_button)  # in the editor's header: room for the steps
        editor_layout.addWidget(self.editor, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.lists_page)
        self.stack.addWidget(editor_page)
        self.setCentralWidget(self.stack)
        self.status = QLabel()
        self.statusBar().addWidget(self.status, 1)
        self.sync_status = QLabel()
        self.sync_status.setObjectName("sync_status")
        self.statusBar().addPermanentWidget(self.sync_status)
        self.back_button.clicked.connect(self.show_lists)
        self.editor.preview_requested.connect(self.open_preview)
        self.editor.saved.connect(self._editor_saved)
        self.editor.workflow_requested.connect(self._editor_workflow)
        self.workflows.changed.connect(self.refresh)
        self.ops.failed.connect(self._failed)
        if sync is not None:
            self.editor.sealed.connect(lambda _d: sync.sync_now("sealed"))
            self.editor.saved.connect(lambda *_: self._page_changed(self.waiting_page))
            sync.changed.connect(self._show_sync)
            sync.round_finished.connect(self._sync_finished)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.preview: PreviewDialog | None = None
        self.resize(1280, 800)
        self.retranslate()
        i18n.connect(self)
        self.ops.read(load_pickers, self._fill_customers)
        self.refresh()

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
        self.lists_page = QWidget()
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
        self.status_filter = QComboBox()
        self.channel_filter = QComboBox()
        self.customer_filter = QComboBox()
        self.date_filter = QComboBox()
        self.filter_captions = [QLabel() for _ in range(4)]
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
        self.tabs = QTabWidget()
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
            self.findings_page = FindingsPage(self.ops)
            self.tabs.addTab(self.findings_page, "")
        self.greeting = QLabel()
        self.greeting.setProperty("role", "heading")
        self.greeting.setProperty("data", True)  # carries the user's name
        layout = QVBoxLayout(self.lists_page)
        layout.addWidget(self.greeting)
        layout.addLayout(filters)
        layout.addWidget(self.tabs, 1)
        for model in self.tab_models:
            model.loaded.connect(self._update_status)
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
        for caption, key in zip(self.filter_captions, ("filter.status", "filter.channel",
                                "filter.customer", "filter.date"), strict=True):
            caption.setText(tr(key))
        self._fill_combo(self.status_filter, [(None, tr("filter.any"))] + [
            (s, i18n.pair(SLIP_STATUS[s])) for s in SLIP_STATUS])
        self._fill_combo(self.channel_filter, [(None, tr("filter.any"))] + [
            (c, i18n.pair(CHANNEL_LABELS[c])) for c in CHANNELS])
        self._fill_combo(self.customer_filter, [(None, tr("filter.any")), *self.customers])
        self._fill_combo(self.date_filter, [(d, tr(f"filter.date.{d}")) for d in DATE_RANGES])
        name = str(self.settings.get("operator_name"))
        self.greeting.setText(tr("main.greeting", name=name,
                                 role=tr(f"role.{self.settings.get('role')}")))
        self.back_button.setText(tr("button.back_to_lists"))
        self._update_status()
        self._show_sync()

    @staticmethod
    def _fill_combo(combo: QComboBox, items: list[tuple[object, str]]) -> None:
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

    def _fill_customers(self, pickers: tuple[list, list]) -> None:
        self.customers = list(pickers[0])
        self._fill_combo(self.customer_filter, [(None, i18n.tr("filter.any")), *self.customers])

    # -- lists ------------------------------------------------------------------------------
    def _local_midnight(self, days_back: int = 0) -> datetime:
        tz = ZoneInfo(str(self.settings.get("timezone")))
        today = datetime.now(tz).date() - timedelta(days=days_back)
        return datetime.combine(today, time(0), tz)

    def current_filter(self) -> SlipFilter:
        since = {"today": self._local_midnight(), "week": self._local_midnight(7),
                 "month": self._local_midnight(30)}.get(self.date_filter.currentData() or "all")
        return SlipFilter(search=self.search.text(), status=self.status_filter.currentData(),
                          channel=self.channel_filter.currentData(),
                          customer_id=self.customer_filter.currentData(), since=since)

    def apply_filters(self) -> None:
        flt = self.current_filter()
        self.slips_model.set_query(slips_query(flt))
        self.requests_model.set_query(open_requests_query(flt.search))
        if self.tabs.currentIndex() in (1, 2) and flt.search.strip():
            self.tabs.setCurrentIndex(3)

    def refresh(self) -> None:
        flt = self.current_filter()
        self.requests_model.set_query(open_requests_query(flt.search))
        self.today_model.set_query(slips_query(SlipFilter(since=self._local_midnight())))
        self.drafts_model.set_query(slips_query(SlipFilter(status="draft")))
        self.slips_model.set_query(slips_query(flt))
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
        model = self.tab_models[max(0, self.tabs.currentIndex())]
        key = "status.rows_more" if model.canFetchMore() else "status.rows"
        self.status.setText(i18n.tr(key, count=model.rowCount()))

    # -- sync ------------------------------------------------------------------------------
    def sync_now(self) -> None:
        if self.sync is None:
            self.status.setText(i18n.tr("sync.state.local"))
        else:
            self.sync.sync_now("manual")

    def _show_sync(self, _status: SyncStatus | None = None) -> None:
        show_sync_status(self.sync_status, self.sync)

    def _sync_finished(self, report: object) -> None:
        if getattr(report, "pulled", 0):
            self.refresh()  # reassigned requests, new reference data
        else:
            self._page_changed(self.waiting_page)

    def _failed(self, exc: object) -> None:
        text = exc.message(i18n.current()) if isinstance(exc, FieldappError) else str(exc)
        self.status.setText(i18n.tr("status.error", message=text))

    # -- navigation --------------------------------------------------------------------------
    def show_lists(self) -> None:
        self.editor.flush()
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
        elif self.tabs.currentWidget() in (self.repairs_page, self.complaints_page):
            self.tabs.currentWidget().open_selected()  # type: ignore[union-attr]

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
        dialog = RequestDialog(self.ops, str(self.settings.get("operator_code")), self)
        dialog.created.connect(lambda _id: self.refresh())
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.request_dialog = dialog
        dialog.open()

    def assign_selected(self) -> None:
        index = self.requests_view.currentIndex()
        if not index.isValid():
            self.status.setText(i18n.tr("status.select_request"))
            return
        request_id = self.requests_model.row_at(index.row()).id
        self.ops.read(load_pickers, lambda p: self._ask_engineer(request_id, p[1]))

    def _ask_engineer(self, request_id: uuid.UUID, engineers: list) -> None:
        labels = [label for _id, label in engineers]
        label, ok = QInputDialog.getItem(self, i18n.tr("assign.title"),
                                         i18n.tr("assign.label"), labels, 0, False)
        if not ok or label not in labels:
            return
        engineer_id = engineers[labels.index(label)][0]

        def work(session: Session) -> None:
            request = service_requests.get_request(session, request_id)
            service_requests.assign_request(session, request,
                                            session.get_one(Engineer, engineer_id))

        self.ops.write(work, lambda _r: self.refresh())

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

    def open_preview(self, slip_id: uuid.UUID) -> None:
        dialog = PreviewDialog(self.ops, self.settings, slip_id, self)
        dialog.printed.connect(lambda: self.editor.data and self.editor.load(self.editor.data.id))
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.preview = dialog
        dialog.open()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.editor.flush()
        super().closeEvent(event)

