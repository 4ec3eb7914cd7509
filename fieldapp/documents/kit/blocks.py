"""The blocks documents are made of, as ReportLab flowables, for either layout.

A4 blocks are *sections*: the section's name in a shaded first column beside its rows.
The receipt stacks a title row over label/value rows. Every block is a `FlowingTable`,
so no amount of text or rows stops a document from laying out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph, Spacer

from fieldapp.base.i18n import pick
from fieldapp.base.timeutil import format_local
from fieldapp.documents.kit.context import DocumentContext
from fieldapp.documents.kit.flowing_table import Cell, Command, FlowingTable
from fieldapp.documents.kit.text import escape, para
from fieldapp.documents.labels import CLOCK_STATES, term
from fieldapp.documents.layout import STROKE_COLOUR
from fieldapp.documents.model import ClockView, SignatureView
from fieldapp.documents.signature import SignatureFlowable

SECTION_COLUMN = 0.095  # A4: share of the width for the section name on the left


def body_width(ctx: DocumentContext) -> float:
    """The width of an A4 section beside its name column."""
    return ctx.width * (1 - SECTION_COLUMN)


def table(ctx: DocumentContext, rows: Sequence[Sequence[Cell]], widths: Sequence[float],
          *commands: Command, repeat_rows: int = 0) -> FlowingTable:
    """Rows in the base look (thin rules, label cells shaded on A4) plus `commands`."""
    return FlowingTable(rows, widths, ctx.styles.grid_commands(*commands),
                        repeat_rows=repeat_rows)


def pairs_table(ctx: DocumentContext, title: str,
                pairs: Sequence[tuple[str, str]]) -> FlowingTable:
    """Receipt form: a title row, then one label/value row per item."""
    s = ctx.styles
    label_width = ctx.width * 0.30
    rows: list[list[Cell]] = [[para(title, s.section), ""]]
    rows += [[para(k, s.label), para(v, s.value)] for k, v in pairs]
    return table(ctx, rows, [label_width, ctx.width - label_width],
                 ("SPAN", (0, 0), (-1, 0)),
                 ("LINEBELOW", (0, 0), (-1, 0), 0.9, s.layout.rule_colour),
                 *s.shade((0, 0), (-1, 0)))


def sectioned(ctx: DocumentContext, title: str | list[Flowable],
              rows: Sequence[Sequence[Cell]], widths: Sequence[float],
              commands: Sequence[Command] = (), *, repeat_rows: int = 0) -> FlowingTable:
    """A4 form: the section's name in a shaded first column spanning all its rows.
    `widths` and `commands` are those of the rows beside the name."""
    s = ctx.styles
    head = para(title, s.section) if isinstance(title, str) else title
    body: list[list[Cell]] = [[head if i == 0 else "", *row] for i, row in enumerate(rows)]
    return FlowingTable(
        body,
        [ctx.width * SECTION_COLUMN, *widths],
        s.grid_commands(
            ("SPAN", (0, 0), (0, -1)),
            ("VALIGN", (0, 0), (0, -1), "MIDDLE"),
            *s.shade((0, 0), (0, -1)),
            *(_shift(command) for command in commands),
        ),
        repeat_rows=repeat_rows,
        section_column=True,
    )


def _shift(command: Command) -> Command:
    """Move a table command one column right (past the section column)."""
    name, start, stop, *rest = command
    return (
        name,
        (start[0] + 1 if start[0] >= 0 else start[0], start[1]),
        (stop[0] + 1 if stop[0] >= 0 else stop[0], stop[1]),
        *rest,
    )


def header_values_table(ctx: DocumentContext, title: str,
                        pairs: Sequence[tuple[str, str]]) -> FlowingTable:
    """A4 form: a row of labels over a row of values."""
    s = ctx.styles
    rows = [
        [para(k, s.label_center) for k, _ in pairs],
        [para(v, s.center) for _, v in pairs],
    ]
    widths = [body_width(ctx) / len(pairs)] * len(pairs)
    return sectioned(ctx, title, rows, widths, s.shade((0, 0), (-1, 0)))


def values_row(ctx: DocumentContext, title: str,
               pairs: Sequence[tuple[str, str]]) -> list[Flowable]:
    """Short values side by side on A4 (labels over values), one per row on the receipt."""
    if ctx.receipt:
        return [pairs_table(ctx, title, pairs)]
    return [header_values_table(ctx, title, pairs)]


def times_row(ctx: DocumentContext, title: str,
              pairs: Sequence[tuple[str, datetime | None]]) -> list[Flowable]:
    return values_row(ctx, title, [(k, ctx.time(v)) for k, v in pairs])


def info_block(ctx: DocumentContext, title: str,
               pairs: Sequence[tuple[str, str]]) -> list[Flowable]:
    """Label/value pairs: two per row on A4 (a lone last pair spans the row), one per row
    on the receipt."""
    s = ctx.styles
    if ctx.receipt:
        return [pairs_table(ctx, title, pairs)]
    w = body_width(ctx)
    label_w = w * 0.15
    value_w = w / 2 - label_w
    rows: list[list[Cell]] = []
    commands: list[Command] = []
    for i in range(0, len(pairs), 2):
        (k1, v1), rest = pairs[i], pairs[i + 1:i + 2]
        row: list[Cell] = [para(k1, s.label), para(v1, s.value)]
        if rest:
            row += [para(rest[0][0], s.label), para(rest[0][1], s.value)]
            commands += s.shade((2, len(rows)), (2, len(rows)))
        else:
            row += ["", ""]
            commands.append(("SPAN", (1, len(rows)), (3, len(rows))))
        commands += s.shade((0, len(rows)), (0, len(rows)))
        rows.append(row)
    return [sectioned(ctx, title, rows, [label_w, value_w, label_w, value_w], commands)]


def text_block(ctx: DocumentContext, title: str, text: str) -> list[Flowable]:
    """Free text under a section name; paragraphs (blank-line separated) kept apart."""
    s = ctx.styles
    body: list[Flowable] = [para(piece, s.value) for piece in (text or "—").split("\n\n")]
    return column_block(ctx, title, body)


def column_block(ctx: DocumentContext, title: str, body: list[Flowable]) -> list[Flowable]:
    """Any flowables as one full-width cell of a section."""
    s = ctx.styles
    if ctx.receipt:
        return [table(ctx, [[para(title, s.section)], [body]], [ctx.width],
                      *s.shade((0, 0), (-1, 0)))]
    return [sectioned(ctx, title, [[body]], [body_width(ctx)])]


def clocks_table(ctx: DocumentContext, clocks: Sequence[ClockView]) -> FlowingTable:
    """Each promise (SLA clock): its deadline, when it stopped and the result."""
    s, lang = ctx.styles, ctx.language
    if ctx.receipt:
        pairs = []
        for clock in clocks:
            result = term(CLOCK_STATES, clock.state, lang)
            if clock.stopped_at is not None:
                result += f"（{format_local(clock.stopped_at, ctx.timezone)[11:]}）"
            pairs.append((pick(clock.label_zh, clock.label_en, lang), result))
        return pairs_table(ctx, ctx.t("section_clocks"), pairs)
    w = body_width(ctx)
    widths = [w * 0.40, w * 0.20, w * 0.20, w * 0.20]
    rows: list[list[Cell]] = [
        [
            para(ctx.t("clock"), s.label),
            para(ctx.t("deadline"), s.label_center),
            para(ctx.t("stopped_at"), s.label_center),
            para(ctx.t("clock_result"), s.label_center),
        ],
    ]
    for clock in clocks:
        rows.append(
            [
                para(pick(clock.label_zh, clock.label_en, lang), s.value),
                para(ctx.time(clock.deadline), s.center),
                para(ctx.time(clock.stopped_at), s.center),
                para(term(CLOCK_STATES, clock.state, lang), s.center),
            ]
        )
    return sectioned(ctx, ctx.t("section_clocks"), rows, widths, s.shade((0, 0), (-1, 0)))


def signature_cell(ctx: DocumentContext, title: str, signature: SignatureView | None,
                   width: float) -> list[Flowable]:
    """A signature box drawn from its strokes, its title above and who/when below."""
    s = ctx.styles
    colour = colors.black if ctx.receipt else STROKE_COLOUR
    box = SignatureFlowable(signature, width, s.layout.signature_box_height, colour)
    if signature is None:
        caption = ctx.t("not_signed")
    else:
        caption = (
            f"{ctx.t('signed_by')}{ctx.colon}{signature.signer_name}    "
            f"{ctx.t('signed_at')}{ctx.colon}{ctx.time(signature.signed_at)}"
        )
    return [para(title, s.label), box, para(caption, s.small)]


def cell_padding(ctx: DocumentContext) -> float:
    """Left plus right padding of a cell: what a drawing inside one must leave."""
    return 2 * (ctx.styles.layout.cell_padding + 1)


def receipt_header(ctx: DocumentContext, *, address: bool = True) -> list[Flowable]:
    """The receipt's top (A4 draws its header on every page instead)."""
    s, company = ctx.styles, ctx.company
    out: list[Flowable] = [para(ctx.issuer_name, s.company)]
    if ctx.issuer_notice:
        out.append(para(ctx.issuer_notice, s.small_center))
    if company.hotline:
        out.append(para(f"{ctx.t('hotline')}{ctx.colon}{company.hotline}", s.small_center))
    if address and company.address:
        out.append(para(company.address, s.small_center))
    out.append(Spacer(1, 3))
    out.append(Paragraph(escape(ctx.title), s.title))
    out.append(Paragraph(f"【{escape(ctx.copy_label)}】", s.center))
    out.append(Spacer(1, 2))
    out += [para(line, s.body) for line in ctx.number_lines]
    return out


def receipt_footer(ctx: DocumentContext) -> list[Flowable]:
    s = ctx.styles
    return [para(ctx.complaint_text, s.note), Spacer(1, 2), para(ctx.keep_note, s.small_center)]


__all__ = [
    "SECTION_COLUMN",
    "body_width",
    "cell_padding",
    "clocks_table",
    "column_block",
    "header_values_table",
    "info_block",
    "pairs_table",
    "receipt_footer",
    "receipt_header",
    "sectioned",
    "signature_cell",
    "table",
    "text_block",
    "times_row",
    "values_row",
]
