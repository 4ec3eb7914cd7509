"""客户档案审核 / Dossier review (R2.5, issue 20 item 6): on a staff laptop, the group
dossier's records whose submissions wait for the centre — problem sets, service
suggestions, tracking notes — listed from the archive; the selected one is accepted
(now a fact the customer sees on the portal) or returned with a comment the engineer
reads after a pull. Thin: `fieldapp.services.dossier_desk`, on the network via `ops.run`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

from fieldapp.base.settings import Settings
from fieldapp.base.timeutil import format_local
from fieldapp.services import dossier_desk
from fieldapp.services.dossier_desk import PendingRow
from ui.kit import i18n
from ui.kit.fields import show_error
from ui.kit.ops import Ops
from ui.kit.table_models import Column
from ui.workflows.archive_list_dialog import ArchiveListDialog
from ui.workflows.workflow_widgets import button

PENDING_COLUMNS = (
    Column("dossier_review.col.at", lambda r: format_local(r.at), width=150),
    Column("dossier_review.col.kind", lambda r: i18n.pair(r.kind), width=110),
    Column("col.customer", lambda r: r.customer_name, width=170),
    Column("dossier_review.col.reference", lambda r: r.reference, width=200),
    Column("dossier_review.col.by", lambda r: r.by, width=80),
    Column("dossier_review.col.waiting", lambda r: str(r.waiting), width=80),
    Column("dossier_review.col.text", lambda r: r.text, width=0),
)


class DossierReviewDialog(ArchiveListDialog):
    row_type = PendingRow

    def __init__(self, ops: Ops, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(ops, settings, PENDING_COLUMNS, parent)
        self.setObjectName("dossier_review_dialog")
        self.reviewer, self.comment = QLineEdit(), QLineEdit()
        self.reviewer.setProperty("data", True)  # a person's name
        self.comment.setProperty("data", True)
        self.accept_button, self.return_button = button(primary=True), button()
        fields = QHBoxLayout()
        fields.addWidget(self.reviewer, 1)
        fields.addWidget(self.comment, 3)
        self.lay_out(self.action_row(self.accept_button, self.return_button), fields)
        self.accept_button.clicked.connect(lambda: self.decide(returned=False))
        self.return_button.clicked.connect(lambda: self.decide(returned=True))
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

    def busy_buttons(self) -> tuple[QWidget, ...]:
        return (self.refresh_button, self.accept_button, self.return_button)

    def fetch(self) -> Callable[[], tuple[PendingRow, ...]]:
        settings = self.settings
        return lambda: dossier_desk.fetch(settings)

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
