"""Render the repair quotation (维修报价单, R3.2) with the document toolkit.

A4, in the customer's language: who and what (customer, device, fault), the workshop's
parts and labour lines with their exact total and its 大写金额, when the device will be
ready and until when the offer stands, and the customer's answer — 同意维修 or 不同意维修,
how (signed, by phone, on the portal), who and when, with the signature when there is one.
Unanswered, the answer boxes are empty for a signature on paper. See docs/documents.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether

from fieldapp.base.i18n import Language
from fieldapp.base.money import format_yuan
from fieldapp.documents.capital import amount_in_chinese_capitals
from fieldapp.documents.estimate_model import RepairEstimateDocument
from fieldapp.documents.kit import (
    Cell,
    Command,
    DocumentContext,
    check_options,
    number_pairs,
    page,
    para,
)
from fieldapp.documents.kit import blocks as kit
from fieldapp.documents.labels import DEVICE_CLASSES, FEE_KINDS, label, term
from fieldapp.documents.model import CompanyInfo
from fieldapp.records.events import ConfirmationMethod, Decision
from fieldapp.store.values import FeeKind

TICKED, EMPTY = "■", "□"  # in every CJK font (GB 2312), unlike ☑


@dataclass(frozen=True, kw_only=True)
class EstimateContext(DocumentContext):
    """The document context of a quotation (its words are in the documents' catalogue)."""


def _context(company: CompanyInfo, doc: RepairEstimateDocument, *, copy: str, language: str,
             font: str | Path | None) -> EstimateContext:
    options = check_options(layout="a4", copy=copy, language=language, font=font)
    lang = options.language
    return EstimateContext(
        company=company, styles=options.styles, language=lang, copy=options.copy,
        timezone=doc.timezone, title=label("estimate_title", lang),
        subtitle=label("estimate_sub", lang),
        number_pairs=number_pairs(("repair_number", doc.repair_number),
                                  ("request_number", doc.request_number)))


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"


def lines_block(ctx: EstimateContext, doc: RepairEstimateDocument) -> list[Flowable]:
    """序号 · 项目 · 说明 · 数量 · 单价 · 金额, then the total with its 大写金额."""
    s = ctx.styles
    w = kit.body_width(ctx)
    widths = [w * 0.07, w * 0.12, w * 0.40, w * 0.09, w * 0.15, w * 0.17]
    rows: list[list[Cell]] = [[para(ctx.t(k), s.label_center) for k in (
        "fee_no", "fee_kind", "fee_description", "fee_quantity", "fee_unit_price",
        "fee_amount")]]
    lump = len(doc.lines) == 1 and doc.lines[0].kind == FeeKind.OTHER and not doc.note
    for number, line in enumerate(doc.lines, start=1):
        kind = ctx.t("lump_sum") if lump else term(FEE_KINDS, line.kind, ctx.language)
        rows.append([para(str(number), s.center), para(kind, s.center),
                     para(line.description or "—", s.value),
                     para(_quantity(line.quantity), s.value_right),
                     para(format_yuan(line.unit_price_fen), s.value_right),
                     para(format_yuan(line.amount_fen), s.value_right)])
    total_row = len(rows)
    capitals = amount_in_chinese_capitals(doc.total_fen)
    rows.append([para(f"{ctx.t('total_capitals')}{ctx.colon}{capitals}", s.value), "", "", "",
                 para(ctx.t("estimate_total"), s.label_center),
                 para(format_yuan(doc.total_fen), s.value_right)])
    commands: list[Command] = [
        ("SPAN", (0, total_row), (3, total_row)),
        ("LINEABOVE", (0, total_row), (-1, total_row), 1.0, s.layout.rule_colour),
        *s.shade((0, 0), (-1, 0)), *s.shade((0, total_row), (-1, total_row))]
    return [kit.sectioned(ctx, ctx.t("section_estimate_lines"), rows, widths, commands,
                          repeat_rows=1)]


def _device_pairs(ctx: EstimateContext, doc: RepairEstimateDocument) -> list[tuple[str, str]]:
    d = doc.device.device
    pairs = [(ctx.t("device_type"), d.device_type or "—"), (ctx.t("brand"), d.brand or "—"),
             (ctx.t("model"), d.model or "—"), (ctx.t("serial"), d.serial or "—"),
             (ctx.t("asset_tag"), d.asset_tag or "—"),
             (ctx.t("device_class"), term(DEVICE_CLASSES, doc.device.device_class,
                                          ctx.language))]
    if doc.device.accessories:
        pairs.append((ctx.t("accessories"), doc.device.accessories))
    return pairs


def answer_block(ctx: EstimateContext, doc: RepairEstimateDocument) -> list[Flowable]:
    """The two choices (the one taken filled in), how, who and when, and the signature."""
    s = ctx.styles
    approved, refused = doc.decision == Decision.APPROVED, doc.decision == Decision.REFUSED
    methods: dict[str, str] = {ConfirmationMethod.PHONE: ctx.t("method_phone"),
                               ConfirmationMethod.SIGNATURE: ctx.t("method_signature"),
                               ConfirmationMethod.PORTAL: ctx.t("method_portal")}
    method = methods.get(doc.confirmation_method or "", "—")
    who = doc.confirmed_by + (f"（{doc.confirmation_phone}）" if doc.confirmation_phone else "")
    w = kit.body_width(ctx)
    half = w / 2
    choices: list[Flowable] = [
        para(ctx.t("answer_note"), s.note),
        para(f"{TICKED if approved else EMPTY} {ctx.t('approve')}", s.value),
        para(f"{TICKED if refused else EMPTY} {ctx.t('decline')}", s.value),
    ]
    if doc.decision is not None:
        choices.append(para(
            f"{ctx.t('answered_how')}{ctx.colon}{method}    {ctx.t('confirmed_by')}"
            f"{ctx.colon}{who or '—'}    {ctx.t('confirmed_at')}{ctx.colon}"
            f"{ctx.time(doc.confirmed_at)}", s.small))
    elif doc.lapsed:
        choices.append(para(ctx.t("lapsed"), s.warning))
    signature = kit.signature_cell(ctx, ctx.t("sign_answer"), doc.confirmation_signature,
                                   half - kit.cell_padding(ctx))
    rows: list[list[Cell]] = [[choices, signature]]
    table = kit.sectioned(ctx, ctx.t("section_answer"), rows, [half, half],
                          [("VALIGN", (0, 0), (-1, -1), "TOP")])
    return [KeepTogether([table])]


def render_repair_estimate_pdf(doc: RepairEstimateDocument, company: CompanyInfo, *,
                               copy: str = "customer", language: Language = "zh",
                               font: str | Path | None = None) -> bytes:
    """维修报价单 (R3.2), A4."""
    ctx = _context(company, doc, copy=copy, language=language, font=font)
    t = ctx.t
    offer = [(t("estimated_by"), doc.estimated_by or "—"),
             (t("estimated_at"), ctx.time(doc.estimated_at)),
             (t("expected_ready_at"), ctx.time(doc.expected_ready_at)),
             (t("valid_until"), ctx.time(doc.valid_until) if doc.valid_until
              else t("no_limit"))]
    if doc.note:
        offer.append((t("estimate_note"), doc.note))
    parts: list[list[Flowable]] = [
        kit.info_block(ctx, t("section_customer"), [
            (t("customer"), doc.customer_name), (t("company_contact"), doc.company_contact),
            (t("phone"), doc.contact_phone or "—")]),
        kit.info_block(ctx, t("section_device"), _device_pairs(ctx, doc)),
        kit.text_block(ctx, t("fault_description"), doc.fault_description),
        lines_block(ctx, doc),
        kit.info_block(ctx, t("section_offer"), offer),
        answer_block(ctx, doc),
    ]
    subject = f"fieldapp-repair-estimate:{doc.repair_number}"
    meta = page.metadata(ctx, doc.repair_number, subject=subject, keywords=subject)
    return page.render(ctx, page.join_blocks(ctx, parts), meta)


__all__ = ["render_repair_estimate_pdf"]
