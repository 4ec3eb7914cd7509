"""A device's story (设备档案): every request, slip, send-in repair, loaner and finding for
one device, newest first — found by its serial number or asset tag (typed, or a barcode
scanner's code and Enter). Opened from the main window's 设备 action or from the slip
editor's device lookup. Read-only; the read is the core's (`services.devices`), the same
as the portal's device page and `fieldapp devices show`.
"""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.device_classes import device_class_label
from fieldapp.base.errors import FieldappError
from fieldapp.base.timeutil import format_local
from fieldapp.reads.device_history import DeviceHistory
from fieldapp.services import devices
from ui.kit import i18n
from ui.kit.fields import error_label, show_error
from ui.kit.ops import Ops
from ui.kit.style import TOUCH_MIN
from ui.visit.request_dialog import ScanField

COLUMNS = ("at", "kind", "number", "status", "about")


class DeviceView(QDialog):
    def __init__(self, ops: Ops, *, code: str = "", device_id: uuid.UUID | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("device_view")
        self.ops = ops
        self.story: DeviceHistory | None = None
        self.error: Exception | None = None
        self.scan_caption = QLabel()
        self.scan = ScanField()
        self.scan_caption.setBuddy(self.scan)
        self.find_button = QPushButton()
        self.close_button = QPushButton()
        self.close_button.setAutoDefault(False)
        self.find_button.setAutoDefault(False)
        self.heading = QLabel()
        self.heading.setProperty("role", "heading")
        self.heading.setProperty("data", True)  # names and numbers as stored
        self.facts = QLabel()
        self.facts.setProperty("data", True)
        self.facts.setWordWrap(True)
        self.message = error_label()
        self.empty = QLabel()
        self.empty.hide()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(TOUCH_MIN)
        header = self.table.horizontalHeader()
        for column in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        row = QHBoxLayout()
        row.addWidget(self.scan_caption)
        row.addWidget(self.scan, 1)
        row.addWidget(self.find_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.heading)
        layout.addWidget(self.facts)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.scan.scanned.connect(self.look_up)
        self.find_button.clicked.connect(lambda: self.look_up(self.scan.text()))
        self.close_button.clicked.connect(self.accept)
        self.resize(1100, 600)
        self.retranslate()
        i18n.connect(self)
        if device_id is not None:
            store = ops.store
            self.ops.call(lambda: devices.history(store, device_id), self._show, self._failed)
        elif code.strip():
            self.scan.setText(code.strip())
            self.look_up(code)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("device.title"))
        self.scan_caption.setText(tr("device.find"))
        self.scan.setPlaceholderText(tr("editor.scan_placeholder"))
        self.find_button.setText(tr("editor.find_device"))
        self.close_button.setText(tr("button.close"))
        self.table.setHorizontalHeaderLabels([tr(f"device.col.{c}") for c in COLUMNS])
        self.empty.setText(tr("device.no_history"))
        if self.story is not None:
            self._show(self.story)
        elif self.error is not None:
            self._failed(self.error)

    def look_up(self, code: str) -> None:
        if not code.strip():
            return
        store = self.ops.store
        self.ops.call(lambda: devices.show(store, code), self._show, self._failed)

    def _show(self, story: DeviceHistory) -> None:
        self.story, self.error = story, None
        show_error(self.message, None, "")
        language = i18n.current()
        d = story.device
        self.heading.setText(f"{d.label} · {d.customer_name}")
        facts = [(i18n.tr("device.class"), device_class_label(d.device_class, language)),
                 (i18n.tr("request.serial"), d.serial), (i18n.tr("request.asset_tag"),
                                                         d.asset_tag),
                 (i18n.tr("request.site"), d.site_name)]
        self.facts.setText("   ".join(i18n.tr("device.fact", name=k, value=v)
                                       for k, v in facts if v))
        self.table.setRowCount(len(story.entries))
        for r, entry in enumerate(story.entries):
            values = (format_local(entry.at), entry.kind_label(language), entry.number,
                      entry.status(language), entry.about(language).replace("\n", " "))
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.empty.setVisible(not story.entries)
        self.scan.selectAll()

    def _failed(self, exc: Exception) -> None:
        """An unknown code: one line; the device shown so far stays."""
        self.error = exc
        text = exc.message(i18n.current()) if isinstance(exc, FieldappError) else str(exc)
        show_error(self.message, self.scan, text)
        self.scan.selectAll()
