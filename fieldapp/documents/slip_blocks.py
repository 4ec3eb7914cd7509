"""The blocks of a service slip as ReportLab flowables, for either layout.

Each function returns the flowables of one block; `slip_pdf` puts them in order and
adds the page furniture (header, footer, page numbers, draft mark).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from fieldapp.documents.capital import amount_in_chinese_capitals
from fieldapp.documents.labels import (
    CHANNELS,
    CLOCK_STATES,
    FEE_KINDS,
    RESULTS,
    label,
    term,
)
from fieldapp.documents.layout import (
    DRAFT_TEXT_COLOUR,
    SEAL_GROUP,
    SEAL_GROUPS_PER_LINE,
    STROKE_COLOUR,
)
from fieldapp.documents.model import CompanyInfo, SignatureView, SlipDocument
from fieldapp.documents.qr import QrFlowable, qr_payload
from fieldapp.documents.signature import SignatureFlowable
from fieldapp.documents.styles import Styles
from fieldapp.i18n import Language
from fieldapp.money import format_yuan
from fieldapp.timeutil import format_local


@dataclass(frozen=True)
class SlipContext:
    doc: SlipDocument
    company: CompanyInfo
    styles: Styles
    language: Language
    copy: str  # customer / company

    def t(self, key: str, **values: str) -> str:
        return label(key, self.language, **values)

    @property
    def colon(self) -> str:
        return "：" if self.language == "zh" else ": "

    def time(self, moment: datetime | None) -> str:
        return format_local(moment, self.doc.timezone) or "—"

    @property
    def width(self) -> float:
        return self.styles.layout.frame_width

    @property
    def receipt(self) -> bool:
        return not self.styles.layout.two_columns

    # What the page furniture (slip_pdf's header, footer, draft mark) asks of a document;
    # the workflow documents' context (workflow_blocks.FormContext) answers the same.
    @property
    def title(self) -> str:
        return self.t("title")

    @property
    def subtitle(self) -> str:
        return self.t("title_sub")

    @property
    def numbers(self) -> str:
        return numbers_text(self)

    @property
    def draft(self) -> bool:
        return not self.doc.seal


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of typed data: escaped, line breaks kept."""
    return Paragraph(escape(text).replace("\n", "<br/>") or "—", style)


def seal_lines(seal: str) -> list[str]:
    groups = [seal[i : i + SEAL_GROUP] for i in range(0, len(seal), SEAL_GROUP)]
    return [
        " ".join(groups[i : i + SEAL_GROUPS_PER_LINE])
        for i in range(0, len(groups), SEAL_GROUPS_PER_LINE)
    ]


def copy_label(ctx: SlipContext) -> str:
    return ctx.t("copy_customer" if ctx.copy == "customer" else "copy_company")


def numbers_text(ctx: SlipContext) -> str:
    doc = ctx.doc
    parts = [
        f"{ctx.t('slip_number')}{ctx.colon}{doc.slip_number}",
        f"{ctx.t('request_number')}{ctx.colon}{doc.request_number}",
    ]
    if doc.amends_number:
        parts.append(f"{ctx.t('amends')}{ctx.colon}{doc.amends_number}")
    return "    ".join(parts)


def complaint_text(ctx: SlipContext) -> str:
    hotline = ctx.company.complaint_hotline or ctx.company.hotline or "—"
    return ctx.t("complaints", hotline=hotline)


# --- receipt-only header (A4 draws its header on every page) -------------------------


def receipt_header(ctx: SlipContext) -> list[Flowable]:
    s = ctx.styles
    company = ctx.company
    out: list[Flowable] = [para(company.name, s.company)]
    if company.hotline:
        out.append(para(f"{ctx.t('hotline')}{ctx.colon}{company.hotline}", s.small_center))
    if company.address:
        out.append(para(company.address, s.small_center))
    out.append(Spacer(1, 3))
    out.append(Paragraph(escape(ctx.t("title")), s.title))
    out.append(Paragraph(f"【{escape(copy_label(ctx))}】", s.center))
    out.append(Spacer(1, 2))
    out.append(para(f"{ctx.t('slip_number')}{ctx.colon}{ctx.doc.slip_number}", s.body))
    out.append(para(f"{ctx.t('request_number')}{ctx.colon}{ctx.doc.request_number}", s.body))
    if ctx.doc.amends_number:
        out.append(para(f"{ctx.t('amends')}{ctx.colon}{ctx.doc.amends_number}", s.body))
    return out


# --- information tables ----------------------------------------------------------------


def _pairs_table(ctx: SlipContext, title: str, pairs: list[tuple[str, str]]) -> Table:
    """Receipt form: a title row, then one label/value row per item."""
    s = ctx.styles
    label_width = ctx.width * 0.30
    rows: list[list] = [[para(title, s.section), ""]]
    rows += [[para(k, s.label), para(v, s.value)] for k, v in pairs]
    table = Table(rows, colWidths=[label_width, ctx.width - label_width])
    table.setStyle(
        s.grid(
            ("SPAN", (0, 0), (-1, 0)),
            ("LINEBELOW", (0, 0), (-1, 0), 0.9, s.layout.rule_colour),
            *s.shade((0, 0), (-1, 0)),
        )
    )
    return table


SECTION_COLUMN = 0.095  # A4: share of the width for the section name on the left


def _sectioned(
    ctx: SlipContext,
    title: str | list[Flowable],
    rows: list[list],
    widths: list[float],
    commands: list[tuple],
    **table_args: object,
) -> Table:
    """A4 form: the section's name in a shaded first column spanning all its rows."""
    s = ctx.styles
    head = para(title, s.section) if isinstance(title, str) else title
    body = [[head if i == 0 else "", *row] for i, row in enumerate(rows)]
    shifted = [_shift(command) for command in commands]
    table = Table(body, colWidths=[ctx.width * SECTION_COLUMN, *widths], **table_args)
    table.setStyle(
        s.grid(
            ("SPAN", (0, 0), (0, -1)),
            ("VALIGN", (0, 0), (0, -1), "MIDDLE"),
            *s.shade((0, 0), (0, -1)),
            *shifted,
        )
    )
    return table


def _shift(command: tuple) -> tuple:
    """Move a table command one column right (past the section column)."""
    name, start, stop, *rest = command
    return (
        name,
        (start[0] + 1 if start[0] >= 0 else start[0], start[1]),
        (stop[0] + 1 if stop[0] >= 0 else stop[0], stop[1]),
        *rest,
    )


def _body_width(ctx: SlipContext) -> float:
    return ctx.width * (1 - SECTION_COLUMN)


def customer_block(ctx: SlipContext) -> list[Flowable]:
    doc, s = ctx.doc, ctx.styles
    site = " ".join(part for part in (doc.site_name, doc.site_address) if part)
    engineer = (
        f"{doc.engineer_name}（{doc.engineer_code}）" if doc.engineer_code else doc.engineer_name
    )
    channel = term(CHANNELS, doc.channel, ctx.language)
    if ctx.receipt:
        pairs = [
            (ctx.t("customer"), doc.customer_name),
            (ctx.t("contact"), doc.contact_name),
            (ctx.t("phone"), doc.contact_phone),
            (ctx.t("site"), site),
            (ctx.t("channel"), channel),
            (ctx.t("engineer"), engineer),
        ]
        return [_pairs_table(ctx, ctx.t("section_customer"), pairs)]
    w = _body_width(ctx)
    label_w = w * 0.13
    value_w = w / 2 - label_w
    rows = [
        [
            para(ctx.t("customer"), s.label),
            para(doc.customer_name, s.value),
            para(ctx.t("channel"), s.label),
            para(channel, s.value),
        ],
        [
            para(ctx.t("contact"), s.label),
            para(doc.contact_name, s.value),
            para(ctx.t("phone"), s.label),
            para(doc.contact_phone, s.value),
        ],
        [
            para(ctx.t("site"), s.label),
            para(site, s.value),
            para(ctx.t("engineer"), s.label),
            para(engineer, s.value),
        ],
    ]
    commands = [*s.shade((0, 0), (0, -1)), *s.shade((2, 0), (2, -1))]
    return [
        _sectioned(
            ctx, ctx.t("section_customer"), rows, [label_w, value_w, label_w, value_w], commands
        )
    ]


def _header_values_table(ctx: SlipContext, title: str, pairs: list[tuple[str, str]]) -> Table:
    """A4 form: a row of labels over a row of values."""
    s = ctx.styles
    rows = [
        [para(k, s.label_center) for k, _ in pairs],
        [para(v, s.center) for _, v in pairs],
    ]
    widths = [_body_width(ctx) / len(pairs)] * len(pairs)
    return _sectioned(ctx, title, rows, widths, s.shade((0, 0), (-1, 0)))


def device_block(ctx: SlipContext) -> list[Flowable]:
    d = ctx.doc.device
    pairs = [
        (ctx.t("device_type"), d.device_type),
        (ctx.t("brand"), d.brand),
        (ctx.t("model"), d.model),
        (ctx.t("serial"), d.serial),
        (ctx.t("asset_tag"), d.asset_tag),
    ]
    if ctx.receipt:
        return [_pairs_table(ctx, ctx.t("section_device"), pairs)]
    return [_header_values_table(ctx, ctx.t("section_device"), pairs)]


def times_block(ctx: SlipContext) -> list[Flowable]:
    doc = ctx.doc
    pairs = [
        (ctx.t("requested_at"), ctx.time(doc.requested_at)),
        (ctx.t("arrived_at"), ctx.time(doc.arrived_at)),
        (ctx.t("started_at"), ctx.time(doc.started_at)),
        (ctx.t("solved_at"), ctx.time(doc.solved_at)),
        (ctx.t("departed_at"), ctx.time(doc.departed_at)),
    ]
    if ctx.receipt:
        out: list[Flowable] = [_pairs_table(ctx, ctx.t("section_times"), pairs)]
    else:
        out = [_header_values_table(ctx, ctx.t("section_times"), pairs)]
    if doc.clocks:
        out += [Spacer(1, ctx.styles.layout.section_gap), clocks_table(ctx)]
    return out


def clocks_table(ctx: SlipContext) -> Table:
    s, lang = ctx.styles, ctx.language
    if ctx.receipt:
        pairs = []
        for clock in ctx.doc.clocks:
            result = term(CLOCK_STATES, clock.state, lang)
            if clock.stopped_at is not None:
                result += f"（{format_local(clock.stopped_at, ctx.doc.timezone)[11:]}）"
            pairs.append((clock.label_zh if lang == "zh" else clock.label_en, result))
        return _pairs_table(ctx, ctx.t("section_clocks"), pairs)
    w = _body_width(ctx)
    widths = [w * 0.40, w * 0.20, w * 0.20, w * 0.20]
    rows: list[list] = [
        [
            para(ctx.t("clock"), s.label),
            para(ctx.t("deadline"), s.label_center),
            para(ctx.t("stopped_at"), s.label_center),
            para(ctx.t("clock_result"), s.label_center),
        ],
    ]
    for clock in ctx.doc.clocks:
        rows.append(
            [
                para(clock.label_zh if lang == "zh" else clock.label_en, s.value),
                para(ctx.time(clock.deadline), s.center),
                para(ctx.time(clock.stopped_at), s.center),
                para(term(CLOCK_STATES, clock.state, lang), s.center),
            ]
        )
    return _sectioned(ctx, ctx.t("section_clocks"), rows, widths, s.shade((0, 0), (-1, 0)))


# --- free text: may run over several pages -------------------------------------------


def texts_block(ctx: SlipContext) -> list[Flowable]:
    s, doc = ctx.styles, ctx.doc
    out: list[Flowable] = []
    for key, text in (
        ("fault_reported", doc.fault_reported),
        ("fault_found", doc.fault_found),
        ("handling", doc.handling),
    ):
        out.append(Paragraph(escape(ctx.t(key)), s.text_heading))
        for piece in (text or "—").split("\n\n"):
            out.append(para(piece, s.text_body))
    result = term(RESULTS, doc.result, ctx.language)
    out.append(Paragraph(f"{escape(ctx.t('result'))}{ctx.colon}{escape(result)}", s.text_heading))
    return out


# --- fees ----------------------------------------------------------------------------


def _quantity(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def fees_block(ctx: SlipContext) -> list[Flowable]:
    s, doc, lang = ctx.styles, ctx.doc, ctx.language
    total_text = format_yuan(doc.total_fen)
    capitals = amount_in_chinese_capitals(doc.total_fen)
    if ctx.receipt:
        w = ctx.width
        widths = [w * 0.56, w * 0.20, w * 0.24]
        rows: list[list] = [
            [
                para(ctx.t("fee_kind"), s.label),
                para(ctx.t("fee_quantity"), s.label),
                para(ctx.t("fee_amount"), s.label),
            ],
        ]
        for line in doc.fee_lines:
            item = term(FEE_KINDS, line.kind, lang)
            if line.description:
                item += f"{ctx.colon}{line.description}"
            rows.append(
                [
                    para(item, s.value),
                    para(f"{_quantity(line.quantity)}×{format_yuan(line.unit_price_fen)}", s.small),
                    para(format_yuan(line.amount_fen), s.value_right),
                ]
            )
    else:
        w = _body_width(ctx)
        widths = [w * 0.07, w * 0.12, w * 0.40, w * 0.09, w * 0.15, w * 0.17]
        rows = [
            [
                para(ctx.t("fee_no"), s.label_center),
                para(ctx.t("fee_kind"), s.label_center),
                para(ctx.t("fee_description"), s.label_center),
                para(ctx.t("fee_quantity"), s.label_center),
                para(ctx.t("fee_unit_price"), s.label_center),
                para(ctx.t("fee_amount"), s.label_center),
            ],
        ]
        for number, line in enumerate(doc.fee_lines, start=1):
            rows.append(
                [
                    para(str(number), s.center),
                    para(term(FEE_KINDS, line.kind, lang), s.center),
                    para(line.description, s.value),
                    para(_quantity(line.quantity), s.value_right),
                    para(format_yuan(line.unit_price_fen), s.value_right),
                    para(format_yuan(line.amount_fen), s.value_right),
                ]
            )
    columns = len(widths)
    if not doc.fee_lines:
        rows.append([para(ctx.t("fee_none"), s.center)] + [""] * (columns - 1))
    total_row = len(rows)
    rows.append(
        [para(f"{ctx.t('total_capitals')}{ctx.colon}{capitals}", s.value)]
        + [""] * (columns - 3)
        + [para(ctx.t("total"), s.label_center), para(total_text, s.value_right)]
    )
    commands: list[tuple] = [
        ("SPAN", (0, total_row), (columns - 3, total_row)),
        ("LINEABOVE", (0, total_row), (-1, total_row), 1.0, s.layout.rule_colour),
        *s.shade((0, 0), (-1, 0)),
        *s.shade((0, total_row), (-1, total_row)),
    ]
    if not doc.fee_lines:
        commands.append(("SPAN", (0, 1), (-1, 1)))
    if ctx.receipt:
        # Narrow paper: capitals on their own full-width row under the total.
        rows[total_row] = [para(ctx.t("total"), s.label), "", para(total_text, s.value_right)]
        rows.append([para(f"{ctx.t('total_capitals')}{ctx.colon}{capitals}", s.value), "", ""])
        commands[0] = ("SPAN", (0, total_row), (1, total_row))  # label | amount
        commands.append(("SPAN", (0, total_row + 1), (-1, total_row + 1)))
        rows.insert(0, [para(ctx.t("section_fees"), s.section), "", ""])
        commands = [_down(c) for c in commands]
        commands.append(("SPAN", (0, 0), (-1, 0)))
        table = Table(rows, colWidths=widths, repeatRows=2)
        table.setStyle(s.grid(*commands))
        return [table]
    return [_sectioned(ctx, ctx.t("section_fees"), rows, widths, commands, repeatRows=1)]


def _down(command: tuple) -> tuple:
    name, start, stop, *rest = command
    return (name, (start[0], start[1] + 1), (stop[0], stop[1] + 1), *rest)


# --- signatures ----------------------------------------------------------------------


def _signature(ctx: SlipContext, role: str) -> SignatureView | None:
    for signature in ctx.doc.signatures:
        if signature.role == role:
            return signature
    return None


def _signature_cell(ctx: SlipContext, role: str, width: float) -> list[Flowable]:
    s = ctx.styles
    signature = _signature(ctx, role)
    title = ctx.t("sign_engineer" if role == "engineer" else "sign_customer")
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


def signatures_block(ctx: SlipContext) -> list[Flowable]:
    s = ctx.styles
    pad = 2 * (s.layout.cell_padding + 1)
    note = para(ctx.t("signatures_note"), s.note)
    if ctx.receipt:
        w = ctx.width
        rows = [
            [para(ctx.t("section_signatures"), s.section)],
            [note],
            [_signature_cell(ctx, "engineer", w - pad)],
            [_signature_cell(ctx, "customer", w - pad)],
        ]
        table = Table(rows, colWidths=[w])
        table.setStyle(s.grid(*s.shade((0, 0), (-1, 0))))
        return [table]  # one long page: nothing to keep together
    half = _body_width(ctx) / 2
    title = [para(ctx.t("section_signatures"), s.section), Spacer(1, 3), note]
    rows = [
        [
            _signature_cell(ctx, "engineer", half - pad),
            _signature_cell(ctx, "customer", half - pad),
        ],
    ]
    table = _sectioned(ctx, title, rows, [half, half], [("VALIGN", (0, 0), (-1, -1), "TOP")])
    return [KeepTogether([table])]


# --- seal and QR ---------------------------------------------------------------------


def seal_block(ctx: SlipContext) -> list[Flowable]:
    s, doc = ctx.styles, ctx.doc
    layout = s.layout
    if not doc.seal:
        warning = Paragraph(
            f'<font color="{DRAFT_TEXT_COLOUR.hexval().replace("0x", "#")}">'
            f"{escape(ctx.t('draft_note'))}</font>",
            s.warning,
        )
        table = Table([[warning]], colWidths=[ctx.width])
        table.setStyle(s.grid(("BOX", (0, 0), (-1, -1), 1.2, DRAFT_TEXT_COLOUR)))
        return [table]
    url = ctx.company.verify_url
    hint = ctx.t("verify_hint", url=url) if url else ctx.t("verify_hint_offline")
    text: list[Flowable] = [para(ctx.t("seal"), s.label)]
    text += [para(line, s.mono) for line in seal_lines(doc.seal)]
    if doc.sealed_at is not None:
        text.append(para(f"{ctx.t('sealed_at')}{ctx.colon}{ctx.time(doc.sealed_at)}", s.small))
    text.append(Spacer(1, 2))
    text.append(para(hint, s.note))
    qr = QrFlowable(qr_payload(doc.slip_number, doc.seal, url), layout.qr_size)
    if ctx.receipt:
        rows = [[para(ctx.t("section_seal"), s.section)], [text], [qr]]
        table = Table(rows, colWidths=[ctx.width])
        table.setStyle(s.grid(("ALIGN", (0, 2), (0, 2), "CENTER"), *s.shade((0, 0), (-1, 0))))
        return [table]
    qr_column = layout.qr_size + 2 * (layout.cell_padding + 1)
    table = _sectioned(
        ctx,
        ctx.t("section_seal"),
        [[text, qr]],
        [_body_width(ctx) - qr_column, qr_column],
        [("VALIGN", (0, 0), (0, 0), "TOP"), ("ALIGN", (1, 0), (1, 0), "CENTER")],
    )
    return [KeepTogether([table])]


def receipt_footer(ctx: SlipContext) -> list[Flowable]:
    s = ctx.styles
    keep = ctx.t("keep_copy" if ctx.copy == "customer" else "keep_stub")
    return [para(complaint_text(ctx), s.note), Spacer(1, 2), para(keep, s.small_center)]
