"""Fees by touch: the price list, kind chips, big-digit price entry, an honest total.

The lines live in `FeeLinesModel` as typed (`FeeLineText`); every change is checked by the
core (`fieldapp.services.fee_entry.check_fee_lines`), line by line. The total shows only
the lines that would be saved; refused lines stay on screen, marked, with their reasons
under the table, all at once. One tap on a price-list item adds a whole line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.errors import FieldIssue
from fieldapp.base.money import format_yuan
from fieldapp.rules.validation import FEE_KIND_LABELS, FEE_KINDS, FeeLineInput
from fieldapp.services.fee_entry import FeeCheck, FeeLineText, PriceItem, check_fee_lines
from fieldapp.services.visit import no_charge_line
from ui.kit import i18n
from ui.kit.fields import Keypad, error_label, show_error

AnyIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("fee.kind", "fee.description", "fee.quantity", "fee.unit_price", "fee.amount")
FIELDS = ("kind", "description", "quantity", "unit_price")
LineText = FeeLineText  # the name the editor's callers know
REFUSED = QColor("#fdecea")


class FeeLinesModel(QAbstractTableModel):
    edited = Signal()  # the user changed something (the editor saves, debounced)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: list[FeeLineText] = []
        self._check = check_fee_lines([])
        i18n.notifier().retranslate.connect(self.retranslate)

    # -- the lines ---------------------------------------------------------------------
    def set_lines(self, lines: list[FeeLineText]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self._check = check_fee_lines(self._lines)
        self.endResetModel()

    def lines(self) -> list[FeeLineText]:
        return list(self._lines)

    def line(self, row: int) -> FeeLineText:
        return self._lines[row]

    def add_line(self, line: FeeLineText | None = None) -> int:
        row = len(self._lines)
        self.beginInsertRows(QModelIndex(), row, row)
        self._lines.append(line or FeeLineText())
        self._check = check_fee_lines(self._lines)
        self.endInsertRows()
        if line is not None and not line.blank:
            self.edited.emit()
        return row

    def remove_line(self, row: int) -> None:
        if 0 <= row < len(self._lines):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._lines[row]
            self._check = check_fee_lines(self._lines)
            self.endRemoveRows()
            self.edited.emit()

    def set_field(self, row: int, field: str, text: str) -> bool:
        line = self._lines[row]
        if getattr(line, field) == text:
            return False
        self._lines[row] = replace(line, **{field: text})
        self._check = check_fee_lines(self._lines)
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._lines) - 1, 4))
        self.edited.emit()
        return True

    def check(self) -> FeeCheck:
        return self._check

    def parsed(self) -> tuple[list[FeeLineInput], list[FieldIssue]]:
        """The lines the core would take, and the issues of those it would not (yet)."""
        return list(self._check.lines), list(self._check.issues)

    def total_fen(self) -> int:
        return self._check.total_fen

    def amount_text(self, row: int) -> str:
        amount = self._check.amounts[row] if row < len(self._check.amounts) else None
        if amount is not None:
            return format_yuan(amount)
        return i18n.tr("fee.not_counted") if row in self._check.refused else ""

    # -- Qt --------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._lines):
            return None
        line, col = self._lines[index.row()], index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self._check.refused:
            return QBrush(REFUSED)
        if role == Qt.ItemDataRole.ToolTipRole and index.row() in self._check.refused:
            return "\n".join(i.message(i18n.current())
                             for i in self._check.issues_of(index.row()))
        if role == Qt.ItemDataRole.EditRole:
            return (line.kind, line.description, line.quantity, line.unit_price, None)[col]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return i18n.pair(FEE_KIND_LABELS.get(line.kind, (line.kind, line.kind)))
            if col == 4:
                return self.amount_text(index.row())
            return (None, line.description, line.quantity, line.unit_price)[col]
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() > 3:
            return False
        return self.set_field(index.row(), FIELDS[index.column()],
                              str(value if value is not None else ""))

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(HEADERS)):
            return i18n.tr(HEADERS[section])
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(HEADERS) - 1)
        if self._lines:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._lines) - 1, 4))


class _FocusIn(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], object]) -> None:
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            self._callback()
        return False


def _quantity_step(text: str, step: int) -> str:
    try:
        value = Decimal(text.strip() or "0")
    except InvalidOperation:
        value = Decimal(0)
    value = max(Decimal(1), value + step) if value.is_finite() else Decimal(1)
    return f"{value.normalize():f}"


class FeesPanel(QWidget):
    """The fees step: price list, lines, the selected line's kind, quantity and price."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fees_panel")
        self.model = FeeLinesModel(self)
        self._read_only = False
        self._binding = False
        self._items: tuple[PriceItem, ...] = ()

        # the price list: one tap, one line
        self.price_caption = QLabel()
        self.price_grid = QGridLayout()
        self.price_grid.setSpacing(6)
        self.price_buttons: list[QPushButton] = []

        # the lines
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setMinimumHeight(44 * 3 + 34)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # 人工费 whole
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.add_fee_button = QPushButton()
        self.remove_fee_button = QPushButton()
        self.no_charge_button = QPushButton()
        self.total_label = QLabel()
        self.total_label.setProperty("role", "total")
        self.total_label.setProperty("data", True)
        self.fee_error = error_label()  # the lines not counted, and why: all at once

        # the selected line
        self.line_box = QFrame()
        self.line_box.setObjectName("fee_line_box")
        self.line_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[str, QPushButton] = {}
        for kind in FEE_KINDS:
            chip = QPushButton()
            chip.setCheckable(True)
            chip.setProperty("chip", True)
            chip.setMinimumWidth(88)
            self.kind_group.addButton(chip)
            self.kind_buttons[kind] = chip
            chip.clicked.connect(lambda _c=False, k=kind: self._set("kind", k))
        self.description = QLineEdit()
        self.quantity = QLineEdit()
        self.quantity.setMaximumWidth(90)
        self.quantity.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.minus_button = QPushButton()
        self.plus_button = QPushButton()
        self.unit_price = QLineEdit()
        self.unit_price.setObjectName("unit_price")
        self.unit_price.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.unit_price.setStyleSheet("font-size: 24px; font-weight: bold;")
        for edit in (self.quantity, self.unit_price):
            edit.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        self.price_error = error_label()
        self.keypad = Keypad()
        self.keypad.target = self.unit_price
        self.line_captions = {k: QLabel() for k in ("description", "quantity", "unit_price")}
        self._build()
        self._connect()
        self.retranslate()
        i18n.connect(self)
        self._bind()

    def _build(self) -> None:
        chips = QHBoxLayout()
        chips.setSpacing(6)
        for chip in self.kind_buttons.values():
            chips.addWidget(chip)
        quantity_row = QHBoxLayout()
        quantity_row.addWidget(self.minus_button)
        quantity_row.addWidget(self.quantity)
        quantity_row.addWidget(self.plus_button)
        quantity_row.addStretch(1)
        price_column = QVBoxLayout()
        price_column.setSpacing(2)
        price_column.addWidget(self.unit_price)
        price_column.addWidget(self.price_error)
        form = QFormLayout()
        form.addRow(self.line_captions["description"], self.description)
        form.addRow(self.line_captions["quantity"], quantity_row)
        form.addRow(self.line_captions["unit_price"], price_column)
        entry = QHBoxLayout()
        entry.addLayout(form, 1)
        entry.addWidget(self.keypad)
        box = QVBoxLayout(self.line_box)
        box.setContentsMargins(8, 8, 8, 8)
        box.addLayout(chips)
        box.addLayout(entry)
        box.addStretch(1)

        top = QHBoxLayout()
        top.addWidget(self.price_caption)
        top.addStretch(1)
        top.addWidget(self.total_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_fee_button)
        buttons.addWidget(self.remove_fee_button)
        buttons.addWidget(self.no_charge_button)
        buttons.addWidget(self.fee_error, 1)
        left = QVBoxLayout()
        left.setSpacing(6)
        left.addLayout(top)
        left.addLayout(self.price_grid)
        left.addWidget(self.table, 1)
        left.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 3)
        layout.addWidget(self.line_box, 2, Qt.AlignmentFlag.AlignTop)

    def _connect(self) -> None:
        self.model.edited.connect(self._changed)
        self.model.modelReset.connect(self._changed)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._bind())
        self.add_fee_button.clicked.connect(self.new_line)
        self.remove_fee_button.clicked.connect(self.remove_selected)
        self.no_charge_button.clicked.connect(self.no_charge)
        self.description.textEdited.connect(lambda t: self._set("description", t))
        self.quantity.textEdited.connect(lambda t: self._set("quantity", t))
        self.unit_price.textEdited.connect(lambda t: self._set("unit_price", t))
        self.minus_button.clicked.connect(lambda: self._step_quantity(-1))
        self.plus_button.clicked.connect(lambda: self._step_quantity(1))
        _FocusIn(self.quantity, lambda: setattr(self.keypad, "target", self.quantity))
        _FocusIn(self.unit_price, lambda: setattr(self.keypad, "target", self.unit_price))

    def retranslate(self) -> None:
        tr = i18n.tr
        self.price_caption.setText(tr("fee.price_list"))
        for kind, chip in self.kind_buttons.items():
            chip.setText(i18n.pair(FEE_KIND_LABELS[kind]))
        for key, caption in self.line_captions.items():
            caption.setText(tr(f"fee.{key}"))
        self.description.setPlaceholderText(tr("placeholder.fee_description"))
        self.unit_price.setPlaceholderText(tr("placeholder.unit_price"))
        self.minus_button.setText(tr("fee.minus"))
        self.plus_button.setText(tr("fee.plus"))
        self.minus_button.setToolTip(tr("tooltip.fee_minus"))
        self.plus_button.setToolTip(tr("tooltip.fee_plus"))
        self.add_fee_button.setText(tr("fee.add"))
        self.remove_fee_button.setText(tr("fee.remove"))
        self.no_charge_button.setText(tr("fee.no_charge"))
        self.no_charge_button.setToolTip(tr("tooltip.no_charge"))
        self._fill_price_list()
        self._changed()

    # -- the price list -------------------------------------------------------------------
    def set_price_list(self, items: tuple[PriceItem, ...]) -> None:
        self._items = items
        self._fill_price_list()

    def _fill_price_list(self) -> None:
        for button in self.price_buttons:
            self.price_grid.removeWidget(button)
            button.deleteLater()
        self.price_buttons = []
        for i, item in enumerate(self._items):
            price = format_yuan(int(item.unit_price * 100)).removesuffix(".00")
            button = QPushButton(f"{item.description} {price}")
            button.setProperty("data", True)  # the company's own words
            button.setProperty("price_item", True)
            button.setToolTip(button.text())
            button.setEnabled(not self._read_only)
            button.clicked.connect(lambda _c=False, it=item: self.add_item(it))
            self.price_grid.addWidget(button, i // 4, i % 4)
            self.price_buttons.append(button)

    def add_item(self, item: PriceItem) -> None:
        if not self._read_only:
            self.select_row(self.model.add_line(item.as_line()))

    # -- the lines -------------------------------------------------------------------------
    def new_line(self) -> None:
        if self._read_only:
            return
        row = self.model.add_line()
        self.select_row(row)
        self.keypad.target = self.unit_price
        self.unit_price.setFocus()

    def remove_selected(self) -> None:
        row = self.current_row()
        self.model.remove_line(row if row >= 0 else self.model.rowCount() - 1)
        if self.model.rowCount():
            self.select_row(min(max(row, 0), self.model.rowCount() - 1))

    def no_charge(self) -> None:
        """A free visit, said explicitly: one ¥0.00 line that the customer signs under."""
        if self._read_only or any(not line.blank for line in self.model.lines()):
            return
        line = no_charge_line()
        self.model.set_lines([FeeLineText(line.kind, line.description, "1", "0.00")])
        self.model.edited.emit()
        self.select_row(0)

    def current_row(self) -> int:
        return self.table.currentIndex().row()

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 1))
            self.table.scrollTo(self.model.index(row, 1))  # a new line is in view
        self._bind()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        for button in self.price_buttons:
            button.setEnabled(not read_only)
        self._bind()
        self._changed()  # the line buttons too: a draft opened after a sealed slip is editable

    def _set(self, field: str, text: str) -> None:
        row = self.current_row()
        if self._binding or self._read_only or row < 0:
            return
        self.model.set_field(row, field, text)

    def _step_quantity(self, step: int) -> None:
        row = self.current_row()
        if row >= 0 and not self._read_only:
            text = _quantity_step(self.model.line(row).quantity, step)
            self.quantity.setText(text)
            self._set("quantity", text)

    def _bind(self) -> None:
        """Show the selected line in the editor on the right."""
        row = self.current_row()
        has = 0 <= row < self.model.rowCount()
        editable = has and not self._read_only
        self._binding = True
        try:
            line = self.model.line(row) if has else FeeLineText(kind="", unit_price="")
            for kind, chip in self.kind_buttons.items():
                chip.setChecked(kind == line.kind)
                chip.setEnabled(editable)
            for edit, text in ((self.description, line.description),
                               (self.quantity, line.quantity if has else ""),
                               (self.unit_price, line.unit_price)):
                if edit.text() != text:
                    edit.setText(text)
                edit.setEnabled(editable)
            for widget in (self.minus_button, self.plus_button, self.keypad):
                widget.setEnabled(editable)
        finally:
            self._binding = False
        self._show_row_issues()

    def _changed(self) -> None:
        if self.current_row() < 0 and self.model.rowCount():
            self.select_row(self.model.rowCount() - 1)  # the editor on the right shows a line
        check = self.model.check()
        self.total_label.setText(i18n.tr("fee.total", total=format_yuan(check.total_fen)))
        show_error(self.fee_error, None, self._issues_text(check))
        self.add_fee_button.setEnabled(not self._read_only)
        self.remove_fee_button.setEnabled(not self._read_only and self.model.rowCount() > 0)
        self.no_charge_button.setEnabled(
            not self._read_only and all(line.blank for line in self.model.lines()))
        self._show_row_issues()

    def _show_row_issues(self) -> None:
        row = self.current_row()
        issues = self.model.check().issues_of(row) if row >= 0 else ()
        show_error(self.price_error, self.unit_price,
                   "\n".join(i.message(i18n.current()) for i in issues))

    @staticmethod
    def _issues_text(check: FeeCheck, more: list[FieldIssue] | None = None) -> str:
        refused = sorted(r + 1 for r in check.refused)
        lines = [i18n.tr("fee.excluded", rows=", ".join(map(str, refused)))] if refused else []
        lines += [i.message(i18n.current()) for i in [*check.issues, *(more or [])]]
        return "\n".join(lines)

    def show_issues(self, issues: list[FieldIssue]) -> None:
        """Refusals from the store (rare: the lines were checked as typed)."""
        show_error(self.fee_error, None, self._issues_text(self.model.check(), issues))
