"""生成服务分析报告 / Make a service analysis report: staff make an ad-hoc report on the
archive when a customer asks by phone (issue 20 item 3), and, on the second tab, see and
change the customer's contract's report schedule (报告计划, issue 20 item 1;
`schedule_panel.py`). Thin: the customers, the report and the schedules come from
`fieldapp.services.reports`; the archive makes the report with the scheduled reports'
engine and the customer sees it on the portal (docs/reports.md).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import to_local, utcnow
from fieldapp.services import reports
from fieldapp.services.reports import MadeReport
from ui.kit import forms, i18n
from ui.kit.fields import error_label, show_error
from ui.kit.ops import Ops
from ui.workflows.schedule_panel import SchedulePanel
from ui.workflows.workflow_widgets import button, data_label, message


def _date_edit(day: date) -> QLineEdit:
    """A day as YYYY-MM-DD text (a date spin box's arrows are no 44 px touch target)."""
    edit = QLineEdit(day.isoformat())
    edit.setPlaceholderText("2026-07-01")
    edit.setProperty("data", True)  # a date, the same in every language
    return edit


def _day(edit: QLineEdit) -> date | None:
    try:
        return date.fromisoformat(edit.text().strip())
    except ValueError:
        return None


class ReportDialog(QDialog):
    def __init__(self, ops: Ops, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report_dialog")
        self.ops, self.settings = ops, settings
        start, end = reports.last_quarter(to_local(utcnow()).date())
        self.customer = QComboBox()
        self.customer.setProperty("data", True)  # the customers' names
        self.start, self.end = _date_edit(start), _date_edit(end)
        self.requested_by = QLineEdit()
        self.requested_by.setProperty("data", True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.outcome = data_label()
        self.error = error_label()
        self.make_button, self.close_button = button(primary=True), button()
        top = QFormLayout()
        self.captions = forms.captioned_rows(top, (("customer", self.customer),))
        form = QFormLayout()
        self.captions |= forms.captioned_rows(form, (
            ("start", self.start), ("end", self.end), ("requested_by", self.requested_by)))
        row = QHBoxLayout()
        row.addWidget(self.error, 1)
        row.addWidget(self.make_button)
        make_page = QWidget()
        make = QVBoxLayout(make_page)
        make.addWidget(self.hint)
        make.addLayout(form)
        make.addWidget(self.outcome)
        make.addStretch(1)
        make.addLayout(row)
        self.schedule = SchedulePanel(ops, settings, self.customer.currentData)
        self.tabs = QTabWidget()
        self.tabs.addTab(make_page, "")
        self.tabs.addTab(self.schedule, "")
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self.make_button.clicked.connect(self.make)
        self.close_button.clicked.connect(self.accept)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.customer.currentIndexChanged.connect(self._tab_shown)
        self.resize(760, 600)
        self.retranslate()
        i18n.connect(self)
        store = ops.store
        self.ops.call(lambda: reports.customers(store), self._customers, self._failed)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("report.title"))
        forms.name_captions(self.captions, "report.field")
        self.hint.setText(tr("report.hint"))
        self.requested_by.setPlaceholderText(tr("report.requested_by_placeholder"))
        self.make_button.setText(tr("report.make"))
        self.close_button.setText(tr("button.close"))
        self.tabs.setTabText(0, tr("report.tab.make"))
        self.tabs.setTabText(1, tr("report.tab.schedule"))
        self.schedule.retranslate()

    def _tab_shown(self) -> None:
        if self.tabs.currentWidget() is self.schedule:
            self.schedule.load()  # the customer's schedules, fetched when first looked at

    def _customers(self, customers: tuple[tuple[str, str], ...]) -> None:
        self.customer.clear()
        for code, name in customers:
            self.customer.addItem(f"{name}（{code}）", code)

    def _failed(self, exc: Exception) -> None:
        self.make_button.setEnabled(True)
        show_error(self.error, None, message(exc))

    def make(self) -> None:
        show_error(self.error, None, "")
        self.outcome.setText("")
        code = self.customer.currentData()
        if not code:
            show_error(self.error, None, i18n.tr("report.no_customer"))
            return
        settings, start, end = self.settings, _day(self.start), _day(self.end)
        if start is None or end is None:
            show_error(self.error, None, i18n.tr("report.bad_date"))
            return
        who = self.requested_by.text()
        self.make_button.setEnabled(False)
        self.ops.run(lambda: reports.make_report(settings, customer_code=code, period_start=start,
                                                 period_end=end, requested_by=who),
                     self._made, self._failed)  # on the network: not the store's queue

    def _made(self, made: MadeReport) -> None:
        self.make_button.setEnabled(True)
        values = dict(customer=made.customer_name, start=made.period_start.isoformat(),
                      end=made.period_end.isoformat(), requests=made.requests, id=made.id)
        self.outcome.setText(i18n.tr("report.made" if made.made else "report.existed", **values))
