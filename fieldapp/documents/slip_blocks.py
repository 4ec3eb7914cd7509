"""The blocks of a service slip as ReportLab flowables, for either layout.

Each function returns the flowables of one block; `slip_pdf` puts them in order and
hands them to the toolkit's page layout (`kit.page`: header, footer, page numbers,
draft mark). The tables themselves are the toolkit's (`kit.blocks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from fieldapp.base.money import format_yuan
from fieldapp.documents.capital import amount_in_chinese_capitals
from fieldapp.documents.kit import (
    Cell,
    Command,
    DocumentContext,
    Options,
    escape,
    number_pairs,
    para,
    seal_lines,
)
from fieldapp.documents.kit import blocks as kit
from fieldapp.documents.labels import CHANNELS, FEE_KINDS, RESULTS, label, term
from fieldapp.documents.layout import DRAFT_TEXT_COLOUR
from fieldapp.documents.model import CompanyInfo, SignatureView, SlipDocument
from fieldapp.documents.qr import QrFlowable, qr_payload
from fieldapp.sla import INTAKE_LABELS, SERVICE_KIND_LABELS
from fieldapp.store.values import SignerRole


@dataclass(frozen=True, kw_only=True)
class SlipContext(DocumentContext):
    """A document context that also carries the slip it draws."""

    doc: SlipDocument


def slip_context(doc: SlipDocument, company: CompanyInfo, options: Options) -> SlipContext:
    lang = options.language
    return SlipContext(
        doc=doc,
        company=company,
        styles=options.styles,
        language=lang,
        copy=options.copy,
        timezone=doc.timezone,
        title=label("title", lang),
        subtitle=label("title_sub", lang),
        number_pairs=number_pairs(("slip_number", doc.slip_number),
                                  ("request_number", doc.request_number),
                                  ("amends", doc.amends_number)),
        draft=not doc.seal,
    )


# --- information tables ----------------------------------------------------------------


def customer_block(ctx: SlipContext) -> list[Flowable]:
    doc, s = ctx.doc, ctx.styles
    site = " ".join(part for part in (doc.site_name, doc.site_address) if part)
    engineer = (
        f"{doc.engineer_name}（{doc.engineer_code}）" if doc.engineer_code else doc.engineer_name
    )
    # how the request came in and what it asked (the old channel on a document without them)
    channel = (f"{term(INTAKE_LABELS, doc.intake_channel, ctx.language)} → "
               f"{term(SERVICE_KIND_LABELS, doc.service_kind, ctx.language)}"
               if doc.intake_channel and doc.service_kind
               else term(CHANNELS, doc.channel, ctx.language))
    if ctx.receipt:
        pairs = [
            (ctx.t("customer"), doc.customer_name),
            (ctx.t("contact"), doc.contact_name),
            (ctx.t("phone"), doc.contact_phone),
            (ctx.t("site"), site),
            (ctx.t("channel"), channel),
            (ctx.t("engineer"), engineer),
        ]
        return [kit.pairs_table(ctx, ctx.t("section_customer"), pairs)]
    w = kit.body_width(ctx)
    label_w = w * 0.13
    value_w = w / 2 - label_w
    rows: list[list[Cell]] = [
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
        kit.sectioned(
            ctx, ctx.t("section_customer"), rows, [label_w, value_w, label_w, value_w], commands
        )
    ]


def device_block(ctx: SlipContext) -> list[Flowable]:
    d = ctx.doc.device
    pairs = [
        (ctx.t("device_type"), d.device_type),
        (ctx.t("brand"), d.brand),
        (ctx.t("model"), d.model),
        (ctx.t("serial"), d.serial),
        (ctx.t("asset_tag"), d.asset_tag),
    ]
    return kit.values_row(ctx, ctx.t("section_device"), pairs)


def times_block(ctx: SlipContext) -> list[Flowable]:
    doc = ctx.doc
    out = kit.times_row(ctx, ctx.t("section_times"), [
        (ctx.t("requested_at"), doc.requested_at),
        (ctx.t("arrived_at"), doc.arrived_at),
        (ctx.t("started_at"), doc.started_at),
        (ctx.t("solved_at"), doc.solved_at),
        (ctx.t("departed_at"), doc.departed_at),
    ])
    if doc.clocks:
        out += [Spacer(1, ctx.styles.layout.section_gap), kit.clocks_table(ctx, doc.clocks)]
    return out


# --- free text: runs on over as many pages as it needs -------------------------------


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
    return f"{value.normalize():f}"


def fees_block(ctx: SlipContext) -> list[Flowable]:
    s, doc, lang = ctx.styles, ctx.doc, ctx.language
    total_text = format_yuan(doc.total_fen)
    capitals = amount_in_chinese_capitals(doc.total_fen)
    rows: list[list[Cell]]
    if ctx.receipt:
        w = ctx.width
        widths = [w * 0.56, w * 0.20, w * 0.24]
        rows = [
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
        w = kit.body_width(ctx)
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
        none_row: list[Cell] = [para(ctx.t("fee_none"), s.center), *[""] * (columns - 1)]
        rows.append(none_row)
    total_row = len(rows)
    total: list[Cell] = [
        para(f"{ctx.t('total_capitals')}{ctx.colon}{capitals}", s.value),
        *[""] * (columns - 3),
        para(ctx.t("total"), s.label_center),
        para(total_text, s.value_right),
    ]
    rows.append(total)
    commands: list[Command] = [
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
        return [kit.table(ctx, rows, widths, *commands, repeat_rows=2)]
    return [kit.sectioned(ctx, ctx.t("section_fees"), rows, widths, commands, repeat_rows=1)]


def _down(command: Command) -> Command:
    """Move a table command one row down (under the receipt's title row)."""
    name, start, stop, *rest = command
    return (name, (start[0], start[1] + 1), (stop[0], stop[1] + 1), *rest)


# --- signatures ----------------------------------------------------------------------


def _signature(ctx: SlipContext, role: SignerRole) -> SignatureView | None:
    for signature in ctx.doc.signatures:
        if signature.role == role:
            return signature
    return None


def _signature_cell(ctx: SlipContext, role: SignerRole, width: float) -> list[Flowable]:
    title = ctx.t("sign_engineer" if role == SignerRole.ENGINEER else "sign_customer")
    return kit.signature_cell(ctx, title, _signature(ctx, role), width)


def signatures_block(ctx: SlipContext) -> list[Flowable]:
    s = ctx.styles
    pad = kit.cell_padding(ctx)
    note = para(ctx.t("signatures_note"), s.note)
    if ctx.receipt:
        w = ctx.width
        rows: list[list[Cell]] = [
            [para(ctx.t("section_signatures"), s.section)],
            [note],
            [_signature_cell(ctx, SignerRole.ENGINEER, w - pad)],
            [_signature_cell(ctx, SignerRole.CUSTOMER, w - pad)],
        ]
        return [kit.table(ctx, rows, [w], *s.shade((0, 0), (-1, 0)))]  # one long page
    half = kit.body_width(ctx) / 2
    title: list[Flowable] = [para(ctx.t("section_signatures"), s.section), Spacer(1, 3), note]
    cells: list[list[Cell]] = [
        [
            _signature_cell(ctx, SignerRole.ENGINEER, half - pad),
            _signature_cell(ctx, SignerRole.CUSTOMER, half - pad),
        ],
    ]
    table = kit.sectioned(ctx, title, cells, [half, half], [("VALIGN", (0, 0), (-1, -1), "TOP")])
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
        return [kit.table(ctx, [[warning]], [ctx.width],
                          ("BOX", (0, 0), (-1, -1), 1.2, DRAFT_TEXT_COLOUR))]
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
        rows: list[list[Cell]] = [[para(ctx.t("section_seal"), s.section)], [text], [qr]]
        return [kit.table(ctx, rows, [ctx.width], ("ALIGN", (0, 2), (0, 2), "CENTER"),
                          *s.shade((0, 0), (-1, 0)))]
    qr_column = layout.qr_size + kit.cell_padding(ctx)
    table = kit.sectioned(
        ctx,
        ctx.t("section_seal"),
        [[text, qr]],
        [kit.body_width(ctx) - qr_column, qr_column],
        [("VALIGN", (0, 0), (0, 0), "TOP"), ("ALIGN", (1, 0), (1, 0), "CENTER")],
    )
    return [KeepTogether([table])]
