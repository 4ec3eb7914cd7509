"""Charts of a service analysis report, drawn with ReportLab's own graphics (vector, in
the PDF's embedded CJK font), sized to the A4 frame."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.widgetbase import Widget
from reportlab.lib import colors

from fieldapp.documents.layout import MUTED_COLOUR, TEXT_COLOUR
from fieldapp.documents.report_model import ChartView

# A calm, print-safe palette (distinct in greyscale too).
PALETTE = tuple(colors.HexColor(c) for c in (
    "#1F4E79", "#5B9BD5", "#A5A5A5", "#ED7D31", "#70AD47", "#FFC000", "#7F6084"))
CHART_HEIGHT = 150.0


def _place(widget: Widget, **geometry: float) -> None:
    """Set a widget's x, y, width, height in points (ReportLab's stubs type them int)."""
    widget.setProperties(geometry)


def _nice_max(value: float) -> float:
    if value <= 5:
        return 5
    magnitude = 10.0 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return top
    return value


def _legend(chart: ChartView, font: str, x: float, y: float) -> Legend:
    legend = Legend()
    _place(legend, x=x, y=y)
    legend.fontName, legend.fontSize = font, 7.5
    legend.boxAnchor = "nw"
    legend.alignment = "right"
    legend.columnMaximum = 8
    legend.dx = legend.dy = 7
    legend.deltay = 11
    legend.strokeColor = None
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name)
                             for i, (name, _v) in enumerate(chart.series)]
    return legend


def _axes(chart: VerticalBarChart | HorizontalLineChart, font: str,
          categories: tuple[str, ...], top: float) -> None:
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fillColor = TEXT_COLOUR
    chart.categoryAxis.strokeColor = MUTED_COLOUR
    if len(categories) > 6:
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.boxAnchor = "ne"
        chart.categoryAxis.labels.dy = -2
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = top / 5
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = MUTED_COLOUR
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#D9DEE5")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.valueAxis.labelTextFormat = lambda v: f"{v:g}"


def chart_drawing(chart: ChartView, font: str, width: float) -> Drawing:
    height = CHART_HEIGHT
    drawing = Drawing(width, height)
    # else the renderer starts each drawing in Helvetica
    drawing.setProperties({"initialFontName": font})
    legend_width = 110 if len(chart.series) > 1 or chart.kind == "pie" else 0
    plot_width = width - 40 - legend_width
    if chart.kind == "pie":
        pie = Pie()
        _place(pie, x=40, y=12, width=height - 30, height=height - 30)
        values = [v[0] if v else 0 for _name, v in chart.series]
        pie.data = values if any(values) else [1]
        pie.labels = None
        pie.slices.strokeColor = colors.white
        pie.slices.strokeWidth = 0.8
        for i in range(len(pie.data)):
            pie.slices[i].fillColor = PALETTE[i % len(PALETTE)] if any(values) else (
                colors.HexColor("#E5E8EC"))
        drawing.add(pie)
        total = sum(values) or 1
        legend = _legend(chart, font, pie.x + pie.width + 30, height - 14)
        legend.colorNamePairs = [
            (PALETTE[i % len(PALETTE)], f"{name}  {100 * v[0] / total:.0f}%")
            for i, (name, v) in enumerate(chart.series)]
        drawing.add(legend)
        return drawing
    stacked = chart.kind == "stacked_bar"
    data = [list(values) for _name, values in chart.series] or [[0] * len(chart.categories)]
    peak = max((sum(col) for col in zip(*data, strict=True)), default=0) if stacked else (
        max((max(row) for row in data if row), default=0))
    bottom = 34 if len(chart.categories) > 6 else 20
    plot = _line_plot(len(data)) if chart.kind == "line" else _bar_plot(len(data), stacked)
    _place(plot, x=32, y=bottom, width=plot_width, height=height - bottom - 10)
    plot.data = data
    _axes(plot, font, chart.categories, _nice_max(peak))
    drawing.add(plot)
    if legend_width:
        drawing.add(_legend(chart, font, 32 + plot_width + 14, height - 10))
    return drawing


def _line_plot(lines: int) -> HorizontalLineChart:
    plot = HorizontalLineChart()
    for i in range(lines):
        plot.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
        plot.lines[i].strokeWidth = 1.6
    plot.joinedLines = 1
    return plot


def _bar_plot(series: int, stacked: bool) -> VerticalBarChart:
    plot = VerticalBarChart()
    plot.barSpacing = 1
    plot.groupSpacing = 6
    plot.bars.strokeColor = None
    for i in range(series):
        plot.bars[i].fillColor = PALETTE[i % len(PALETTE)]
    if stacked:
        plot.categoryAxis.style = "stacked"
    return plot
