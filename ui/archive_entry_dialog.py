"""客户档案 / Group-archive input after a service (R2.5, group customers only).

Main-device tracking notes (主要设备管理和跟踪), problem-set entries (问题集) and service
suggestions (服务建议), linked to the slip and optionally a device. Entries are
append-only; the dialog lists what the customer's archive already holds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp import group_archive, slips
from fieldapp.group_archive import KIND_LABELS, KINDS
from fieldapp.services.visit_view import device_text
from fieldapp.settings import Settings
from fieldapp.store.models import Device
from fieldapp.timeutil import format_local, utcnow
from ui import i18n
from ui.fields import error_label, show_error
from ui.ops import Ops
from ui.workflow_widgets import button, data_label, message


@dataclass(frozen=True)
class ArchiveContext:
    customer_name: str
    is_group: bool
    devices: tuple[tuple[uuid.UUID, str], ...]
    device_id: uuid.UUID | None  # the request's device
    entries: tuple[str, ...]


def load_context(session: Session, slip_id: uuid.UUID, language: str) -> ArchiveContext:
    slip = slips.get_slip(session, slip_id)
    customer = slip.request.customer
    devices = session.scalars(select(Device).where(Device.customer_id == customer.id)
                              .order_by(Device.device_type)).all()
    pick = 0 if language == "zh" else 1
    entries = tuple(f"{format_local(e.noted_at)} [{KIND_LABELS[e.kind][pick]}] {e.text}"
                    for e in group_archive.archive_entries(session, customer)) if \
        customer.is_group else ()
    return ArchiveContext(customer.name, customer.is_group,
                          tuple((d.id, device_text(d)) for d in devices),
                          slip.request.device_id, entries[-8:])


def save_entry(session: Session, slip_id: uuid.UUID, values: dict[str, Any]) -> None:
    slip = slips.get_slip(session, slip_id)
    device_id = values.pop("device_id")
    device = session.get(Device, device_id) if device_id else None
    group_archive.add_archive_entry(session, customer=slip.request.customer, slip=slip,
                                    device=device, noted_at=utcnow(), **values)


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
        self.captions = {k: QLabel() for k in ("kind", "device", "text", "entries")}
        self.error = error_label()
        self.save_button, self.close_button = button(primary=True), button()
        self.save_button.setEnabled(False)
        form = QFormLayout()
        form.addRow(self.captions["kind"], self.kind)
        form.addRow(self.captions["device"], self.device)
        form.addRow(self.captions["text"], self.text)
        form.addRow(self.captions["entries"], self.entries)
        row = QHBoxLayout()
        row.addWidget(self.error, 1)
        row.addStretch(1)
        row.addWidget(self.close_button)
        row.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.customer)
        layout.addWidget(self.notice)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(row)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.accept)
        self.resize(780, 560)
        self.retranslate()
        i18n.connect(self)
        self.reload()

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("archive.title"))
        for k, c in self.captions.items():
            c.setText(tr(f"archive.field.{k}"))
        current = self.kind.currentData()
        self.kind.clear()
        for k in KINDS:
            self.kind.addItem(i18n.pair(KIND_LABELS[k]), k)
        self.kind.setCurrentIndex(max(0, self.kind.findData(current)))
        self.text.setPlaceholderText(tr("archive.placeholder"))
        self.notice.setText(tr("archive.not_group"))
        self.save_button.setText(tr("archive.save"))
        self.close_button.setText(tr("button.close"))

    def reload(self) -> None:
        language = i18n.current()
        self.ops.read(lambda s: load_context(s, self.slip_id, language), self._show,
                      self._failed)

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
        values: dict[str, Any] = dict(kind=self.kind.currentData(), text=self.text.toPlainText(),
                                      author_code=str(self.settings.get("operator_code")),
                                      device_id=self.device.currentData())
        slip_id = self.slip_id
        self.ops.write(lambda s: save_entry(s, slip_id, values), self._saved, self._failed)

    def _saved(self, _result: object) -> None:
        self.text.clear()
        self.reload()
