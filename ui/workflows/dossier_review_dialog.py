"""客户档案审核 / Dossier review (R2.5, issue 20 item 6): on a staff laptop, the group
dossier's records whose submissions wait for the centre — problem sets, service
suggestions, tracking notes — listed from the archive; the selected one is accepted
(now a fact the customer sees on the portal) or returned with a comment the engineer
reads after a pull. Thin: `fieldapp.services.dossier_desk`, on the network via `ops.run`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import format_local
from fieldapp.services import dossier_desk
from fieldapp.services.dossier_desk import PendingRow
from ui.kit import i18n
from ui.kit.fields import error_label, show_error
from ui.kit.ops import Ops
from ui.kit.table_models import Column, PagedModel, table_view
from ui.workflows.workflow_widgets import button, data_label, message

PENDING_COLUMNS = (
    Column("dossier_review.col.at", lambda r: format_local(r.at), width=150),
    Column("dossier_review.col.kind", lambda r: i18n.pair(r.kind), width=110),
    Column("col.customer", lambda r: r.customer_name, width=170),
    Column("dossier_review.col.reference", lambda r: r.reference, width=200),
    Column("dossier_review.col.by", lambda r: r.by, width=80),
    Column("dossier_review.col.waiting", lambda r: str(r.waiting), width=80),
    Column("dossier_review.col.text", lambda r: r.text, width=0),
)


class DossierReviewDialog(QDialog):
    def __init__(self, ops: Ops, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dossier_review_dialog")
        self.ops, self.settings = ops, settings
        self.rows: tuple[PendingRow, ...] = ()
        self.done_text = ""  # what the last verdict did, until another row is chosen
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.model = PagedModel(ops, PENDING_COLUMNS, self)
        self.view = table_view(self.model)
        self.detail = data_label()
        self.detail.setMinimumHeight(2 * self.detail.fontMetrics().lineSpacing() + 4)
        self.reviewer, self.comment = QLineEdit(), QLineEdit()
        self.reviewer.setProperty("data", True)  # a person's name
        self.comment.setProperty("data", True)
        self.refresh_button, self.close_button = button(), button()
        self.accept_button, self.return_button = button(primary=True), button()
        self.error = error_label()
        fields = QHBoxLayout()
        fields.addWidget(self.reviewer, 1)
        fields.addWidget(self.comment, 3)
        actions = QHBoxLayout()
        actions.addWidget(self.refresh_button)
        actions.addStretch(1)
        for b in (self.accept_button, self.return_button, self.close_button):
            actions.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        layout.addLayout(fields)
        layout.addWidget(self.error)
        layout.addLayout(actions)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.refresh_button.clicked.connect(self.refresh)
        self.accept_button.clicked.connect(lambda: self.decide(returned=False))
        self.return_button.clicked.connect(lambda: self.decide(returned=True))
        self.close_button.clicked.connect(self.accept)
        self.resize(1100, 560)
        self.retranslate()
        i18n.connect(self)
        self.refresh()

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("dossier_review.title"))
        self.hint.setText(tr("dossier_review.hint"))
        self.refresh_button.setText(tr("task.refresh"))
        self.reviewer.setPlaceholderText(tr("dossier_review.reviewer_placeholder"))
        self.comment.setPlaceholderText(tr("dossier_review.comment_placeholder"))
        self.accept_button.setText(tr("dossier_review.accept"))
        self.return_button.setText(tr("dossier_review.return"))
        self.close_button.setText(tr("button.close"))
        self.reviewer.setAccessibleName(tr("dossier_review.reviewer_placeholder"))
        self.comment.setAccessibleName(tr("dossier_review.comment_placeholder"))
        self._show_detail()

    def _busy(self, busy: bool) -> None:
        for b in (self.refresh_button, self.accept_button, self.return_button):
            b.setEnabled(not busy)

    def refresh(self) -> None:
        show_error(self.error, None, "")
        settings = self.settings
        self._busy(True)
        self.ops.run(lambda: dossier_desk.fetch(settings), self._fetched, self._failed)

    def _fetched(self, rows: tuple[PendingRow, ...]) -> None:
        self._busy(False)
        self.rows = rows
        self.model.set_source(lambda offset, limit: list(rows[offset:offset + limit]))
        self._show_detail()

    def _failed(self, exc: Exception) -> None:
        self._busy(False)
        show_error(self.error, None, message(exc))

    def selected(self) -> PendingRow | None:
        index = self.view.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return row if isinstance(row, PendingRow) else None

    def _show_detail(self) -> None:
        row = self.selected()
        if row is None:
            self.detail.setText(self.done_text or ("" if self.rows else
                                                   i18n.tr("dossier_review.none")))
            return
        self.detail.setText(i18n.tr("dossier_review.detail", kind=i18n.pair(row.kind),
                                    reference=row.reference, customer=row.customer_name,
                                    by=row.by, waiting=row.waiting, text=row.text))

    def decide(self, *, returned: bool) -> None:
        """The verdict on the selected record's waiting submissions."""
        show_error(self.error, None, "")
        self.done_text = ""
        row = self.selected()
        if row is None:
            show_error(self.error, None, i18n.tr("dossier_review.none_selected"))
            return
        settings, who, why = self.settings, self.reviewer.text(), self.comment.text()
        self._busy(True)
        self.ops.run(lambda: dossier_desk.review(settings, row.reference, returned=returned,
                                                 reviewer=who, comment=why),
                     lambda n: self._decided(row, returned, n), self._failed)

    def _decided(self, row: PendingRow, returned: bool, count: int) -> None:
        self.comment.clear()
        key = "dossier_review.returned" if returned else "dossier_review.accepted"
        self.done_text = i18n.tr(key, reference=row.reference, count=count)
        self.refresh()
