"""What a service analysis report prints: plain, already translated view objects.

The archive decides what the numbers mean (fieldapp/archive/reports/document.py); this
package only lays them out, so every PDF stays in documents/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ChartKind = Literal["bar", "stacked_bar", "line", "pie"]


@dataclass(frozen=True)
class ChartView:
    kind: ChartKind
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]  # (legend name, one value per category)
    caption: str = ""


@dataclass(frozen=True)
class TableView:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # relative column widths; empty: equal
    numeric_from: int = 1  # columns from this index are right-aligned


@dataclass(frozen=True)
class SectionView:
    title: str
    chart: ChartView | None = None
    table: TableView | None = None
    notes: tuple[str, ...] = ()  # paragraphs under the table
    empty: str = ""  # shown instead of an empty table


@dataclass(frozen=True)
class ReportDocument:
    title: str  # 服务分析报告
    kind: str  # 季度报告 …
    customer: str
    period: str
    generated: str
    reason: str
    number: str  # the report's id, for the footer and the PDF metadata
    key_figures: tuple[tuple[str, str], ...]  # (label, value) boxes on the first page
    observations: tuple[str, ...]
    sections: tuple[SectionView, ...] = field(default_factory=tuple)
    observations_title: str = "分析与建议"
    footer: str = ""
