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
class PictureLine:
    """The pictures a finding or a case refers to: what they are, and the records on the
    customer portal where the customer sees them (links when the portal's address is
    known, `CompanyInfo.verify_url`)."""

    text: str  # 现场照片 3 张（维修前、损坏情况）
    links_label: str = ""  # 在客户门户查看：
    links: tuple[tuple[str, str], ...] = ()  # (record number, portal path /portal/slips/…)
    more: str = ""  # after the links, when there are more than it names: 等
    thumbnails: tuple[str, ...] = ()  # attachment ids, drawn small when pictures are given


@dataclass(frozen=True)
class TableView:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # relative column widths; empty: equal
    numeric_from: int = 1  # columns from this index are right-aligned
    pictures: tuple[PictureLine | None, ...] = ()  # per row, under its last column


@dataclass(frozen=True)
class SectionView:
    title: str
    chart: ChartView | None = None
    table: TableView | None = None
    notes: tuple[str, ...] = ()  # paragraphs under the table
    empty: str = ""  # shown instead of an empty table
    pictures: tuple[PictureLine, ...] = ()  # under the notes


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
