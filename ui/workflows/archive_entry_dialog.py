"""客户档案 / Group-archive input after a service (R2.5, group customers only).

Main-device tracking notes (主要设备管理和跟踪), problem-set entries (问题集) and service
suggestions (服务建议), linked to the slip and optionally a device. Entries are
append-only; the dialog lists what the customer's archive already holds.
"""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.settings import Settings
from fieldapp.services import archive_entries
from fieldapp.services.archive_entries import ArchiveContext
from fieldapp.workflows.group_archive import KIND_LABELS, KINDS
from ui.kit import forms, i18n
from ui.kit.fields import error_label, show_error
from ui.kit.ops import Ops
from ui.workflows.workflow_widgets import button, data_label, message


class ArchiveEntryDialog(QDialog):
    def __init__(self, ops: Ops, settings: Settings, slip_id: uuid.UUID,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("archive_entry_dialog")
        self.ops, self.settings, self.slip_id = ops, settings, slip_id
        self.customer = data_label()
        self.customer.setProperty("role", "heading")
        self.kind, self.device = QComboBox(), QComboBox()
        self.device.setProperty("data", True)  # device names are the customer's data
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(110)
        self.entries = data_label()
        self.notice = QLabel()
        self.notice.setProperty("role", "notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.error = error_label()
        self.save_button, self.close_button = button(primary=True), button()
        self.save_button.setEnabled(False)
        form = QFormLayout()
        self.captions = forms.captioned_rows(form, (
            ("kind", self.kind), ("device", self.device), ("text", self.text),
            ("entries", self.entries)))
        layout = QVBoxLayout(self)
        layout.addWidget(self.customer)
        layout.addWidget(self.notice)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(forms.button_row(self.close_button, self.save_button, error=self.error))
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.accept)
        self.resize(780, 560)
        self.retranslate()
        i18n.connect(self)
        self.reload()

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("archive.title"))
        forms.name_captions(self.captions, "archive.field")
        forms.refill(self.kind, ((i18n.pair(KIND_LABELS[k]), k) for k in KINDS))
        self.text.setPlaceholderText(tr("archive.placeholder"))
        self.notice.setText(tr("archive.not_group"))
        self.save_button.setText(tr("archive.save"))
        self.close_button.setText(tr("button.close"))

    def reload(self) -> None:
        store, slip_id, language = self.ops.store, self.slip_id, i18n.current()
        self.ops.call(lambda: archive_entries.context(store, slip_id, language=language),
                      self._show, self._failed)

    def _show(self, context: ArchiveContext) -> None:
        self.customer.setText(context.customer_name)
        self.notice.setVisible(not context.is_group)
        self.save_button.setEnabled(context.is_group)
        current = self.device.currentData() or context.device_id
        self.device.clear()
        self.device.addItem("—", None)
        for device_id, text in context.devices:
            self.device.addItem(text, device_id)
        self.device.setCurrentIndex(max(0, self.device.findData(current)))
        self.entries.setText("\n".join(context.entries) or "—")

    def _failed(self, exc: Exception) -> None:
        show_error(self.error, None, message(exc))

    def save(self) -> None:
        show_error(self.error, None, "")
        entry = archive_entries.NewEntry(self.kind.currentData(), self.text.toPlainText(),
                                         str(self.settings.get("operator_code")),
                                         self.device.currentData())
        store, slip_id = self.ops.store, self.slip_id
        self.ops.call(lambda: archive_entries.add(store, slip_id, entry), self._saved,
                      self._failed, write=True)

    def _saved(self, _result: object) -> None:
        self.text.clear()
        self.reload()
