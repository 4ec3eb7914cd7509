"""A table that lays out whatever the data: ReportLab's `Table`, split when it must be.

ReportLab cannot split a table inside a row, nor between rows that a SPAN joins (our A4
sections join every row in their shaded first column), so a long fee list, fault text or
evidence list used to stop the whole document with a `LayoutError`. `FlowingTable` draws
exactly the `Table` it was given when that fits; it moves whole to the next page when it
would fit there (as before); only a table taller than a page is split: between rows (each
part repeating the header rows and the section's name), and a row taller than the room
left inside its cells (a paragraph continues in the same column on the next page).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from reportlab.platypus import Flowable, Table
from reportlab.platypus.tables import CellStyle

# What a table cell holds, and a TableStyle command ("GRID", (col, row), (col, row), …).
Cell = str | Flowable | list[Flowable]
Command = tuple[Any, ...]
HAlign = Literal["LEFT", "CENTER", "RIGHT"]


class FlowingTable(Flowable):
    def __init__(self, rows: Sequence[Sequence[Cell]], widths: Sequence[float],
                 commands: Sequence[Command], *, repeat_rows: int = 0,
                 section_column: bool = False, h_align: HAlign = "CENTER") -> None:
        """`section_column`: the first column is one cell spanning every row (the section's
        name, in row 0); each part of a split table starts with that name again."""
        super().__init__()
        self._rows = [list(row) for row in rows]
        self._origin = list(range(len(self._rows)))  # the given row each row comes from
        self._count = len(self._rows)
        self._widths = list(widths)
        self._commands = list(commands)
        self._repeat = repeat_rows
        self._section = section_column
        self._h_align: HAlign = h_align
        self.hAlign = h_align
        self._built: Table | None = None

    # --- a part: some of the rows, with the commands that touch them ------------------

    def _part(self, keep: list[int]) -> FlowingTable:
        part = FlowingTable([], self._widths, self._commands, repeat_rows=self._repeat,
                            section_column=self._section, h_align=self._h_align)
        part._rows = [list(self._rows[i]) for i in keep]
        part._origin = [self._origin[i] for i in keep]
        part._count = self._count
        if self._section and part._rows:
            part._rows[0][0] = self._rows[0][0]
            for row in part._rows[1:]:
                row[0] = ""
        return part

    def _table(self) -> Table:
        if self._built is None:
            self._built = Table(self._rows, colWidths=self._widths,
                                style=list(self._mapped_commands()))
        return self._built

    def _mapped_commands(self) -> list[Command]:
        """The given commands in this part's rows: a range of given rows becomes the range
        of rows here that come from it; a range with none of them is left out."""
        out: list[Command] = []
        for name, start, stop, *rest in self._commands:
            first, last = (r + self._count if r < 0 else r for r in (start[1], stop[1]))
            here = [i for i, origin in enumerate(self._origin) if first <= origin <= last]
            if here:
                out.append((name, (start[0], here[0]), (stop[0], here[-1]), *rest))
        return out

    # --- Flowable --------------------------------------------------------------------

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = self._table().wrap(availWidth, availHeight)
        return self.width, self.height

    def draw(self) -> None:
        table = self._table()
        table.canv = self.canv  # drawn in this flowable's place, as if it were the table
        try:
            table.draw()
        finally:
            del table.canv

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        table = self._table()
        _w, height = table.wrap(availWidth, availHeight)
        frame = getattr(self, "_frame", None)
        at_top = frame is None or bool(frame._atTop)
        page = (frame._height - frame.topPadding - frame.bottomPadding) if frame else availHeight
        if height <= availHeight:
            return [self]
        if not at_top and height <= page:
            return []  # fits on the next page whole, as a table always did
        heights, _styles = _measured(table)
        fits, used = 0, 0.0
        while fits < len(heights) and used + heights[fits] <= availHeight:
            used += heights[fits]
            fits += 1
        if fits >= len(heights):  # every row fits, yet the whole does not: leave it whole
            return []
        if fits <= self._repeat:  # not even the first row under the header fits
            if fits < self._repeat or (not at_top and used + heights[fits] <= page):
                return []
            if not self._split_row(fits, availHeight - used, table):
                return []
            fits += 1
        header = list(range(self._repeat))
        return [self._part(list(range(fits))),
                self._part(header + list(range(fits, len(self._rows))))]

    def _split_row(self, index: int, room: float, table: Table) -> bool:
        """Split row `index` in two so its first part is at most `room` tall; False when
        nothing in it can be split (a picture, a single line)."""
        head: list[Cell] = []
        tail: list[Cell] = []
        moved = False
        for column, cell in enumerate(self._rows[index]):
            style = _measured(table)[1][index][column]
            width = self._widths[column] - style.leftPadding - style.rightPadding
            fit = room - style.topPadding - style.bottomPadding
            first, rest = _split_cell(cell, width, fit)
            head.append(first)
            tail.append(rest)
            moved = moved or (_filled(first) and _filled(rest))
        if not moved:
            return False
        self._rows[index:index + 1] = [head, tail]
        self._origin[index:index + 1] = [self._origin[index]] * 2
        self._built = None
        return True


def _measured(table: Table) -> tuple[list[float], list[list[CellStyle]]]:
    """A wrapped table's row heights and cell styles (paddings): ReportLab keeps them in
    attributes its stubs do not declare."""
    return table._rowHeights, table._cellStyles  # type: ignore[attr-defined]


def _filled(cell: Cell) -> bool:
    return bool(cell) if not isinstance(cell, Flowable) else True


def _split_cell(cell: Cell, width: float, room: float) -> tuple[Cell, Cell]:
    """What of a cell fits in `room` and what is left for the row's continuation."""
    if isinstance(cell, str):
        return cell, ""
    flowables = [cell] if isinstance(cell, Flowable) else list(cell)
    head: list[Flowable] = []
    for i, flowable in enumerate(flowables):
        _w, h = flowable.wrap(width, room)
        h += flowable.getSpaceBefore() + flowable.getSpaceAfter()
        if h <= room:
            head.append(flowable)
            room -= h
            continue
        parts = flowable.split(width, room) if room > 0 else []
        if len(parts) == 2:
            return [*head, parts[0]], [parts[1], *flowables[i + 1:]]
        return head or "", flowables[i:]
    return head or "", ""


__all__ = ["Cell", "Command", "FlowingTable"]
