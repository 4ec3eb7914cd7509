"""The company's price list: common items that one tap adds as a fee line (settings).

A small table — kind, name, unit price — checked as it is typed (every row's problems
shown together under the table); saved to the `price_list` setting.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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

from fieldapp.base.errors import FieldIssue
from fieldapp.base.settings import Settings
from fieldapp.rules.validation import FEE_KIND_LABELS, FEE_KINDS
from fieldapp.services.fee_entry import PriceItem, price_item_issues, price_items
from ui.kit import i18n
from ui.kit.fields import error_label, show_error

COLUMNS = ("fee.kind", "price_list.name", "fee.unit_price")
REFUSED = QColor("#fdecea")


class PriceListDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("price_list_dialog")
        self.settings = settings
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.errors = error_label()
        self.add_button = QPushButton()
        self.remove_button = QPushButton()
        self.save_button = QPushButton()
        self.save_button.setProperty("primary", True)
        self.cancel_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.errors)
        layout.addLayout(buttons)
        for item in price_items(settings.get("price_list")):
            self._add_row(item)
        self.add_button.clicked.connect(self._new_row)
        self.remove_button.clicked.connect(self._remove_row)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self.table.itemChanged.connect(lambda _i: self.check())
        self.resize(720, 520)
        self.retranslate()
        i18n.connect(self)
        self.check()

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("price_list.title"))
        self.intro.setText(tr("price_list.intro"))
        self.table.setHorizontalHeaderLabels([tr(key) for key in COLUMNS])
        for row in range(self.table.rowCount()):
            combo = self._kind(row)
            for i, kind in enumerate(FEE_KINDS):
                combo.setItemText(i, i18n.pair(FEE_KIND_LABELS[kind]))
        self.add_button.setText(tr("price_list.add"))
        self.remove_button.setText(tr("fee.remove"))
        self.save_button.setText(tr("button.save"))
        self.cancel_button.setText(tr("button.cancel"))
        self.check()

    def _kind(self, row: int) -> QComboBox:
        combo = self.table.cellWidget(row, 0)
        assert isinstance(combo, QComboBox)
        return combo

    def _add_row(self, item: PriceItem | None = None) -> int:
        row = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(row)
        combo = QComboBox()
        for kind in FEE_KINDS:
            combo.addItem(i18n.pair(FEE_KIND_LABELS[kind]), kind)
        combo.setCurrentIndex(max(0, combo.findData(item.kind if item else "labour")))
        combo.activated.connect(lambda _i: self.check())
        self.table.setCellWidget(row, 0, combo)
        name = QTableWidgetItem(item.description if item else "")
        self.table.setItem(row, 1, name)
        price = QTableWidgetItem(f"{item.unit_price:.2f}" if item else "")
        price.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, 2, price)
        self.table.blockSignals(False)
        return row

    def _new_row(self) -> None:
        row = self._add_row()
        self.table.setCurrentCell(row, 1)
        name = self.table.item(row, 1)  # _add_row set it
        if name is not None:
            self.table.editItem(name)
        self.check()

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.check()

    def _row_text(self, row: int) -> tuple[str, str, str]:
        name, price = self.table.item(row, 1), self.table.item(row, 2)
        return (str(self._kind(row).currentData()), name.text() if name else "",
                price.text() if price else "")

    def check(self) -> list[FieldIssue]:
        """Every row checked as typed; all the problems shown together."""
        issues: list[FieldIssue] = []
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            row_issues = price_item_issues(row + 1, *self._row_text(row))
            issues += row_issues
            for col in (1, 2):
                cell = self.table.item(row, col)
                if cell is not None:
                    cell.setBackground(QBrush(REFUSED) if row_issues else QBrush())
        self.table.blockSignals(False)
        show_error(self.errors, None, "\n".join(i.message(i18n.current()) for i in issues))
        self.save_button.setEnabled(not issues)
        return issues

    def items(self) -> list[PriceItem]:
        return list(price_items([{"kind": k, "description": d, "unit_price": p}
                                 for k, d, p in (self._row_text(r)
                                                 for r in range(self.table.rowCount()))]))

    def save(self) -> None:
        if self.check():
            return
        self.settings.set("price_list", [item.as_setting() for item in self.items()])
        self.settings.save()
        self.accept()
