"""分析发现 / Findings: the patterns the archive found, shown on staff laptops after a sync.

Read-only and thin: a lazy table over `fieldapp.services.findings.page`; the selected
finding's full text and its evidence (request numbers) below the table. Above it, staff
make an ad-hoc report on the archive (`ui.workflows.report_dialog`), see the archive's
tasks for account managers and the centre (`ui.workflows.tasks_dialog`) and review the
group dossier's submissions (`ui.workflows.dossier_review_dialog`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from fieldapp.base.settings import Settings
from fieldapp.reads.findings import RULE_LABELS
from fieldapp.services import findings
from fieldapp.services.findings import FindingRow
from ui.kit import i18n
from ui.kit.ops import Ops
from ui.kit.table_models import Column, PagedModel, table_view
from ui.workflows.dossier_review_dialog import DossierReviewDialog
from ui.workflows.report_dialog import ReportDialog
from ui.workflows.tasks_dialog import TasksDialog
from ui.workflows.workflow_widgets import button


def _summary(row: FindingRow) -> str:
    return i18n.pair((row.summary_zh, row.summary_en))


FINDING_COLUMNS = (
    Column("finding.col.found_on", lambda r: r.found_on.isoformat(), width=100),
    Column("col.customer", lambda r: r.customer_name, width=170),
    Column("finding.col.rule", lambda r: i18n.pair(RULE_LABELS.get(r.rule, (r.rule, r.rule))),
           width=160),
    Column("finding.col.summary", _summary, width=0),
    Column("finding.col.evidence", lambda r: str(len(r.evidence)), width=90),
)


def finding_model(ops: Ops, parent: Any = None) -> PagedModel:
    return PagedModel(ops, FINDING_COLUMNS, parent)


class FindingsPage(QWidget):
    def __init__(self, ops: Ops, settings: Settings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findings_page")
        self.ops, self.settings = ops, settings
        self.store = ops.store
        self.report_dialog: ReportDialog | None = None
        self.tasks_dialog: TasksDialog | None = None
        self.review_dialog: DossierReviewDialog | None = None
        self.review_button = button()
        self.review_button.setVisible(settings is not None)
        self.review_button.clicked.connect(self.open_review_dialog)
        self.tasks_button = button()
        self.tasks_button.setVisible(settings is not None)
        self.tasks_button.clicked.connect(self.open_tasks_dialog)
        self.report_button = button()
        self.report_button.setVisible(settings is not None)
        self.report_button.clicked.connect(self.open_report_dialog)
        self.model = finding_model(ops, self)
        self.view = table_view(self.model)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setProperty("data", True)  # record content, not UI chrome
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.review_button)
        top.addWidget(self.tasks_button)
        top.addWidget(self.report_button)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.retranslate()
        i18n.connect(self)

    def retranslate(self) -> None:
        self.report_button.setText(i18n.tr("report.open"))
        self.tasks_button.setText(i18n.tr("task.open"))
        self.review_button.setText(i18n.tr("dossier_review.open"))
        self._show_detail()

    def open_report_dialog(self) -> None:
        """A customer asked by phone: make their report on the archive."""
        if self.settings is None:
            return
        self.report_dialog = ReportDialog(self.ops, self.settings, self)
        self.report_dialog.open()

    def open_tasks_dialog(self) -> None:
        """The archive's tasks: findings, breached clocks, overdue complaints."""
        if self.settings is None:
            return
        self.tasks_dialog = TasksDialog(self.ops, self.settings, self)
        self.tasks_dialog.open()

    def open_review_dialog(self) -> None:
        """The group dossier's submissions waiting for the centre's review."""
        if self.settings is None:
            return
        self.review_dialog = DossierReviewDialog(self.ops, self.settings, self)
        self.review_dialog.open()

    def refresh(self) -> None:
        store = self.store
        self.model.set_source(lambda offset, limit: findings.page(store, offset=offset,
                                                                  limit=limit))

    def _show_detail(self) -> None:
        index = self.view.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is None:
            self.detail.setText("")
            return
        self.detail.setText(i18n.tr("finding.detail", summary=_summary(row),
                                    evidence=", ".join(row.evidence)))
