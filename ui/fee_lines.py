"""The fee lines table: an editable model with an exact running total (fen, Decimal)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from fieldapp.errors import ValidationError
from fieldapp.money import format_yuan
from fieldapp.validation import FEE_KIND_LABELS, FEE_KINDS, FeeLineInput, parse_fee_line
from ui import i18n

AnyIndex = QModelIndex | QPersistentModelIndex
HEADERS = ("fee.kind", "fee.description", "fee.quantity", "fee.unit_price", "fee.amount")


@dataclass
class LineText:
    kind: str = "labour"
    description: str = ""
    quantity: str = "1"
    unit_price: str = ""


class FeeLinesModel(QAbstractTableModel):
    edited = Signal()  # the user changed something (the editor saves, debounced)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: list[LineText] = []
        self._read_only = False
        i18n.notifier().retranslate.connect(self.retranslate)

    def set_lines(self, lines: list[LineText]) -> None:
        self.beginResetModel()
        self._lines = lines
        self.endResetModel()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only

    def lines(self) -> list[LineText]:
        return list(self._lines)

    def add_line(self) -> None:
        row = len(self._lines)
        self.beginInsertRows(QModelIndex(), row, row)
        self._lines.append(LineText())
        self.endInsertRows()

    def remove_line(self, row: int) -> None:
        if 0 <= row < len(self._lines):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._lines[row]
            self.endRemoveRows()
            self.edited.emit()

    def parsed(self) -> tuple[list[FeeLineInput], list[Any]]:
        """The lines the core can take, and the issues of those it cannot (yet)."""
        good, issues = [], []
        for position, line in enumerate(self._lines, start=1):
            if not line.unit_price.strip() and not line.description.strip():
                continue  # an empty new line is not an error yet
            try:
                good.append(parse_fee_line(line.kind, line.description, line.quantity,
                                           line.unit_price or "x", position))
            except ValidationError as exc:
                issues.extend(exc.issues)
        return good, issues

    def amount_text(self, row: int) -> str:
        line = self._lines[row]
        try:
            parsed = parse_fee_line(line.kind, line.description, line.quantity,
                                    line.unit_price, row + 1)
            return format_yuan(parsed.amount_fen)
        except (ValidationError, ValueError, ArithmeticError):
            return ""

    def total_fen(self) -> int:
        good, _ = self.parsed()
        total = 0
        for line in good:
            try:
                total += line.amount_fen
            except (ValueError, ArithmeticError):
                continue
        return total

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
        line = self._lines[index.row()]
        field = ("kind", "description", "quantity", "unit_price")[index.column()]
        text = str(value if value is not None else "")
        if getattr(line, field) == text:
            return False
        setattr(line, field, text)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), 4))
        self.edited.emit()
        return True

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() < 4 and not self._read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

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


class KindDelegate(QStyledItemDelegate):
    """A combo box for the fee kind column."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: AnyIndex) -> QWidget:
        combo = QComboBox(parent)
        for kind in FEE_KINDS:
            combo.addItem(i18n.pair(FEE_KIND_LABELS[kind]), kind)
        return combo

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
