"""Render the workflow documents: repair intake and return, loaner record, complaint report.

Built from the slip's parts: the same page furniture (`slip_pdf.build_a4`/`build_receipt`:
header with company, title, copy mark and page x of y; the complaints footer), the same
tables (`slip_blocks`), styles, layout constants, labels, fonts and vector signatures.
Intake and loaner records also print on the 80 mm receipt (handed over on site); the
return copy and the complaint report are A4. See docs/documents.md.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

import fieldapp
from fieldapp.documents import slip_blocks as blocks
from fieldapp.documents.capital import amount_in_chinese_capitals
from fieldapp.documents.complaint_model import ComplaintFeedbackReport
from fieldapp.documents.errors import DocumentError
from fieldapp.documents.fonts import register_cjk_font
from fieldapp.documents.labels import (
    CONDITIONS,
    DEVICE_CLASSES,
    VIA,
    label,
    term,
)
from fieldapp.documents.layout import LAYOUTS, STROKE_COLOUR
from fieldapp.documents.model import ClockView, CompanyInfo, DeviceView, SignatureView
from fieldapp.documents.signature import SignatureFlowable
from fieldapp.documents.slip_blocks import escape, para
from fieldapp.documents.slip_pdf import build_a4, build_receipt
from fieldapp.documents.styles import Styles, make_styles
from fieldapp.documents.workflow_model import (
    LoanerDocument,
    RepairDeviceView,
    RepairIntakeDocument,
    RepairReturnDocument,
)
from fieldapp.i18n import Language
from fieldapp.money import format_yuan
from fieldapp.timeutil import format_local

LayoutName = Literal["a4", "receipt"]


@dataclass(frozen=True)
class _ClockDoc:
    """What `slip_blocks.clocks_table` reads from `ctx.doc`."""

    clocks: tuple[ClockView, ...]
    timezone: str


@dataclass(frozen=True)
class FormContext:
    """A workflow document's context: answers what slip_pdf's furniture and slip_blocks'
    tables ask of a SlipContext (title, numbers, copy, styles, t, time …)."""

    company: CompanyInfo
    styles: Styles
    language: Language
    copy: str
    title_key: str
    number_pairs: tuple[tuple[str, str], ...]  # (label key, value) on the numbers line
    timezone: str
    doc: _ClockDoc = field(default_factory=lambda: _ClockDoc((), "Asia/Shanghai"))
    draft: bool = False  # workflow documents print what is recorded: never a draft

    def t(self, key: str, **values: str) -> str:
        return label(key, self.language, **values)

    @property
    def colon(self) -> str:
        return "：" if self.language == "zh" else ": "

    def time(self, moment: datetime | None) -> str:
        return format_local(moment, self.timezone) or "—"

    @property
    def width(self) -> float:
        return self.styles.layout.frame_width

    @property
    def receipt(self) -> bool:
        return not self.styles.layout.two_columns

    @property
    def title(self) -> str:
        return self.t(f"{self.title_key}_title")

    @property
    def subtitle(self) -> str:
        return self.t(f"{self.title_key}_sub")

    @property
    def numbers(self) -> str:
        return "    ".join(f"{self.t(k)}{self.colon}{v}" for k, v in self.number_pairs if v)

    def yuan(self, fen: int | None) -> str:
        return "—" if fen is None else format_yuan(fen)


def _context(company: CompanyInfo, *, layout: str, copy: str, language: str,
             font: str | Path | None, title_key: str, numbers: Sequence[tuple[str, str]],
             timezone: str) -> FormContext:
    if layout not in LAYOUTS:
        raise DocumentError(f"未知的版式：{layout}", f"Unknown layout: {layout}")
    if copy not in ("customer", "company"):
        raise DocumentError(f"未知的联次：{copy}", f"Unknown copy: {copy}")
    if language not in ("zh", "en"):
        raise DocumentError(f"不支持的语言：{language}", f"Unsupported language: {language}")
    styles = make_styles(LAYOUTS[layout], register_cjk_font(font), language)
    return FormContext(company=company, styles=styles, language=language,  # type: ignore[arg-type]
                       copy=copy, title_key=title_key, number_pairs=tuple(numbers),
                       timezone=timezone, doc=_ClockDoc((), timezone))


def _build(ctx: FormContext, parts: list[list[Flowable]], number: str, kind: str) -> bytes:
    gap = ctx.styles.layout.section_gap
    if ctx.receipt:
        parts = [_receipt_header(ctx), *parts, blocks.receipt_footer(ctx)]  # type: ignore[arg-type]
    story: list[Flowable] = []
    for part in parts:
        if story:
            story.append(Spacer(1, gap))
        story += part
    copy = blocks.copy_label(ctx)  # type: ignore[arg-type]
    meta = {
        "title": f"{ctx.title} {number}（{copy}）" if ctx.language == "zh"
        else f"{ctx.title} {number} ({copy})",
        "author": ctx.company.name,
        "subject": f"fieldapp-{kind}:{number}",
        "keywords": f"fieldapp-{kind}:{number}",
        "creator": f"fieldapp {fieldapp.__version__}",
        "lang": "zh-CN" if ctx.language == "zh" else "en",
        "initialFontName": ctx.styles.font,
        "initialFontSize": ctx.styles.layout.font_size,
    }
    buffer = io.BytesIO()
    if ctx.receipt:
        build_receipt(buffer, ctx, story, meta)  # type: ignore[arg-type]
    else:
        build_a4(buffer, ctx, story, meta)  # type: ignore[arg-type]
    return buffer.getvalue()


# --- blocks --------------------------------------------------------------------------


def _receipt_header(ctx: FormContext) -> list[Flowable]:
    s, company = ctx.styles, ctx.company
    out: list[Flowable] = [para(company.name, s.company)]
    if company.hotline:
        out.append(para(f"{ctx.t('hotline')}{ctx.colon}{company.hotline}", s.small_center))
    out += [Spacer(1, 3), Paragraph(escape(ctx.title), s.title),
            Paragraph(f"【{escape(blocks.copy_label(ctx))}】", s.center),  # type: ignore[arg-type]
            Spacer(1, 2)]
    out += [para(f"{ctx.t(k)}{ctx.colon}{v}", s.body) for k, v in ctx.number_pairs if v]
    return out


def info_block(ctx: FormContext, title: str, pairs: Sequence[tuple[str, str]]) -> list[Flowable]:
    """Label/value pairs: two per row on A4 (a lone last pair spans the row), one per row
    on the receipt."""
    s = ctx.styles
    if ctx.receipt:
        return [blocks._pairs_table(ctx, title, list(pairs))]  # type: ignore[arg-type]
    w = blocks._body_width(ctx)  # type: ignore[arg-type]
    label_w = w * 0.15
    value_w = w / 2 - label_w
    rows: list[list] = []
    commands: list[tuple] = []
    for i in range(0, len(pairs), 2):
        (k1, v1), rest = pairs[i], pairs[i + 1:i + 2]
        row = [para(k1, s.label), para(v1, s.value)]
        if rest:
            row += [para(rest[0][0], s.label), para(rest[0][1], s.value)]
            commands += s.shade((2, len(rows)), (2, len(rows)))
        else:
            row += ["", ""]
            commands.append(("SPAN", (1, len(rows)), (3, len(rows))))
        commands += s.shade((0, len(rows)), (0, len(rows)))
        rows.append(row)
    return [blocks._sectioned(ctx, title, rows, [label_w, value_w, label_w, value_w],  # type: ignore[arg-type]
                              commands)]


def times_row(ctx: FormContext, title: str, pairs: Sequence[tuple[str, datetime | None]]
              ) -> list[Flowable]:
    values = [(k, ctx.time(v)) for k, v in pairs]
    if ctx.receipt:
        return [blocks._pairs_table(ctx, title, values)]  # type: ignore[arg-type]
    return [blocks._header_values_table(ctx, title, values)]  # type: ignore[arg-type]


def text_block(ctx: FormContext, title: str, text: str) -> list[Flowable]:
    s = ctx.styles
    body = [para(piece, s.value) for piece in (text or "—").split("\n\n")]
    if ctx.receipt:
        table = Table([[para(title, s.section)], [body]], colWidths=[ctx.width])
        table.setStyle(s.grid(*s.shade((0, 0), (-1, 0))))
        return [table]
    return [blocks._sectioned(ctx, title, [[body]], [blocks._body_width(ctx)], [])]  # type: ignore[arg-type]


def clock_block(ctx: FormContext, clocks: tuple[ClockView, ...]) -> list[Flowable]:
    shown = FormContext(**{**ctx.__dict__, "doc": _ClockDoc(clocks, ctx.timezone)})
    return [blocks.clocks_table(shown)]  # type: ignore[arg-type]


def money_block(ctx: FormContext, title: str, item: str, fen: int | None,
                extra: Sequence[tuple[str, str]] = ()) -> list[Flowable]:
    """One amount with its 大写金额 (人民币（大写）：…), plus extra label/value pairs."""
    capitals = amount_in_chinese_capitals(fen) if fen is not None else "—"
    pairs = [(item, ctx.yuan(fen)), (ctx.t("total_capitals"), capitals), *extra]
    return info_block(ctx, title, pairs)


def signature_block(ctx: FormContext, title: str, note: str,
                    cells: Sequence[tuple[str, SignatureView | None]]) -> list[Flowable]:
    """Signature boxes drawn from their strokes (two per row on A4), caption under each."""
    s = ctx.styles
    pad = 2 * (s.layout.cell_padding + 1)
    colour = colors.black if ctx.receipt else STROKE_COLOUR

    def cell(title_text: str, signature: SignatureView | None, width: float) -> list[Flowable]:
        box = SignatureFlowable(signature, width, s.layout.signature_box_height, colour)
        caption = ctx.t("not_signed") if signature is None else (
            f"{ctx.t('signed_by')}{ctx.colon}{signature.signer_name}    "
            f"{ctx.t('signed_at')}{ctx.colon}{ctx.time(signature.signed_at)}")
        return [para(title_text, s.label), box, para(caption, s.small)]

    note_para = para(note, s.note) if note else Spacer(1, 0)
    if ctx.receipt:
        w = ctx.width
        rows: list[list] = [[para(title, s.section)], [note_para]]
        rows += [[cell(t, sig, w - pad)] for t, sig in cells]
        table = Table(rows, colWidths=[w])
        table.setStyle(s.grid(*s.shade((0, 0), (-1, 0))))
        return [table]
    half = blocks._body_width(ctx) / 2  # type: ignore[arg-type]
    rows = [[note_para, ""]] if note else []
    commands: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
    if note:
        commands.append(("SPAN", (0, 0), (1, 0)))
    for i in range(0, len(cells), 2):
        pair = [cell(t, sig, half - pad) for t, sig in cells[i:i + 2]]
        rows.append(pair + [""] * (2 - len(pair)))
    table = blocks._sectioned(ctx, title, rows, [half, half], commands)  # type: ignore[arg-type]
    return [KeepTogether([table])]


def seal_text_block(ctx: FormContext, seal: str, sealed_at: datetime) -> list[Flowable]:
    s = ctx.styles
    lines = [para(ctx.t("seal"), s.label), *[para(x, s.mono) for x in blocks.seal_lines(seal)],
             para(f"{ctx.t('sealed_at')}{ctx.colon}{ctx.time(sealed_at)}", s.small)]
    if ctx.receipt:
        table = Table([[para(ctx.t("section_seal"), s.section)], [lines]], colWidths=[ctx.width])
        table.setStyle(s.grid(*s.shade((0, 0), (-1, 0))))
        return [table]
    return [blocks._sectioned(ctx, ctx.t("section_seal"), [[lines]],  # type: ignore[arg-type]
                              [blocks._body_width(ctx)], [])]  # type: ignore[arg-type]


def _device_pairs(ctx: FormContext, device: RepairDeviceView) -> list[tuple[str, str]]:
    d = device.device
    pairs = [(ctx.t("device_type"), d.device_type), (ctx.t("brand"), d.brand),
             (ctx.t("model"), d.model), (ctx.t("serial"), d.serial),
             (ctx.t("asset_tag"), d.asset_tag),
             (ctx.t("device_class"), term(DEVICE_CLASSES, device.device_class, ctx.language)),
             (ctx.t("device_grade"), device.grade or "—")]
    if device.accessories:
        pairs.append((ctx.t("accessories"), device.accessories))
    return pairs


def _one_device(ctx: FormContext, d: DeviceView) -> str:
    return " ".join(p for p in (d.device_type, d.brand, d.model, d.serial) if p) or "—"


def _engineer(name: str, code: str) -> str:
    return f"{name}（{code}）" if code else name


# --- the documents -------------------------------------------------------------------


def render_repair_intake_pdf(doc: RepairIntakeDocument, company: CompanyInfo, *,
                             layout: LayoutName = "a4", copy: str = "customer",
                             language: Language = "zh", font: str | Path | None = None
                             ) -> bytes:
    """送修单 (R3.1): company contact, fault, 接受/到达/离开时间, device, engineer's signature."""
    ctx = _context(company, layout=layout, copy=copy, language=language, font=font,
                   title_key="intake", timezone=doc.timezone,
                   numbers=[("repair_number", doc.repair_number),
                            ("request_number", doc.request_number),
                            ("from_slip", doc.slip_number or "")])
    t = ctx.t
    parts = [
        info_block(ctx, t("section_customer"), [
            (t("customer"), doc.customer_name), (t("company_contact"), doc.company_contact),
            (t("phone"), doc.contact_phone), (t("engineer"),
                                              _engineer(doc.engineer_name, doc.engineer_code)),
            (t("site"), doc.site or "—")]),
        info_block(ctx, t("section_device"), _device_pairs(ctx, doc.device)),
        text_block(ctx, t("fault_description"), doc.fault_description),
        times_row(ctx, t("section_intake_times"), [
            (t("requested_at"), doc.requested_at), (t("received_at"), doc.received_at),
            (t("arrived_at"), doc.arrived_at), (t("departed_at"), doc.departed_at)]),
        signature_block(ctx, t("section_signatures"), t("intake_note"),
                        [(t("sign_engineer_intake"), doc.engineer_signature)]),
        seal_text_block(ctx, doc.seal, doc.sealed_at),
    ]
    return _build(ctx, parts, doc.repair_number, "repair")


def render_repair_return_pdf(doc: RepairReturnDocument, company: CompanyInfo, *,
                             layout: LayoutName = "a4", copy: str = "customer",
                             language: Language = "zh", font: str | Path | None = None
                             ) -> bytes:
    """送修返还单 (R3.3): estimate, the customer's confirmation and how, delivery time, final
    fee in 大写金额, the customer's signature; the 4-hour clock and any loaner."""
    ctx = _context(company, layout=layout, copy=copy, language=language, font=font,
                   title_key="return", timezone=doc.timezone,
                   numbers=[("repair_number", doc.repair_number),
                            ("request_number", doc.request_number)])
    t = ctx.t
    decision = {"approved": t("decision_approved"), "refused": t("decision_refused")}.get(
        doc.decision or "", t("decision_none"))
    method = {"phone": t("method_phone"), "signature": t("method_signature")}.get(
        doc.confirmation_method or "", "—")
    confirmed_by = doc.confirmed_by + (f"（{doc.confirmation_phone}）"
                                       if doc.confirmation_phone else "")
    estimate_pairs = [
        (t("estimate"), ctx.yuan(doc.estimate_fen)),
        (t("expected_ready_at"), ctx.time(doc.expected_ready_at)),
        (t("estimated_by"), doc.estimated_by or "—"),
        (t("estimated_at"), ctx.time(doc.estimated_at)),
        (t("decision"), decision), (t("method"), method),
        (t("confirmed_by"), confirmed_by or "—"), (t("confirmed_at"), ctx.time(doc.confirmed_at)),
    ]
    if doc.estimate_note:
        estimate_pairs.append((t("estimate_note"), doc.estimate_note))
    status = doc.status_zh if ctx.language == "zh" else doc.status_en
    loaner_rows = [(f"{loan.asset_tag} {loan.description}".strip(),
                    f"{t('loaner_issued_at')} {ctx.time(loan.issued_at)}    "
                    f"{t('loaner_returned_at')} "
                    f"{ctx.time(loan.returned_at) if loan.returned_at else t('loaner_out')}")
                   for loan in doc.loaners] or [(t("section_loaners"), t("loaner_none"))]
    cells: list[tuple[str, SignatureView | None]] = []
    if doc.confirmation_signature is not None:
        cells.append((t("sign_customer_confirm"), doc.confirmation_signature))
    cells.append((t("sign_customer_return"), doc.customer_signature))
    parts = [
        info_block(ctx, t("section_customer"), [
            (t("customer"), doc.customer_name), (t("company_contact"), doc.company_contact),
            (t("phone"), doc.contact_phone),
            (t("engineer"), _engineer(doc.engineer_name, doc.engineer_code)),
            (t("repair_status"), status)]),
        info_block(ctx, t("section_device"), _device_pairs(ctx, doc.device)),
        text_block(ctx, t("fault_description"), doc.fault_description),
        info_block(ctx, t("section_estimate"), estimate_pairs),
        times_row(ctx, t("section_repair_times"), [
            (t("requested_at"), doc.requested_at), (t("received_at"), doc.received_at),
            (t("repair_started_at"), doc.started_at),
            (t("repair_finished_at"), doc.finished_at), (t("delivered_at"), doc.returned_at)]),
        clock_block(ctx, (doc.clock,)),
        text_block(ctx, t("work_done"), doc.work_done),
        money_block(ctx, t("section_final_fee"), t("final_fee"), doc.final_fee_fen),
        info_block(ctx, t("section_loaners"), loaner_rows),
        signature_block(ctx, t("section_signatures"), t("return_note"), cells),
    ]
    return _build(ctx, parts, doc.repair_number, "repair-return")


def render_loaner_pdf(doc: LoanerDocument, company: CompanyInfo, *, layout: LayoutName = "a4",
                      copy: str = "customer", language: Language = "zh",
                      font: str | Path | None = None) -> bytes:
    """备机借用单 (R1.4): the loaner, its class and grade, issue and return, both signatures."""
    ctx = _context(company, layout=layout, copy=copy, language=language, font=font,
                   title_key="loaner", timezone=doc.timezone,
                   numbers=[("asset_tag", doc.asset_tag), ("repair_number", doc.repair_number),
                            ("request_number", doc.request_number)])
    t = ctx.t
    condition = term(CONDITIONS, doc.condition, ctx.language) if doc.condition else "—"
    parts = [
        info_block(ctx, t("section_loaner"), [
            (t("asset_tag"), doc.asset_tag),
            (t("device_class"), term(DEVICE_CLASSES, doc.device_class, ctx.language)),
            (t("device_grade"), doc.grade or "—"), (t("model"), doc.description or "—")]),
        info_block(ctx, t("section_loan"), [
            (t("customer"), doc.customer_name), (t("repair_number"), doc.repair_number),
            (t("customer_device"), _one_device(ctx, doc.customer_device)),
            (t("goodwill"), t("goodwill_yes" if doc.goodwill else "goodwill_no"))]),
        times_row(ctx, t("section_loan_times"), [
            (t("loaner_issued_at"), doc.issued_at), (t("loaner_returned_at"), doc.returned_at)]),
        info_block(ctx, t("condition"), [(t("condition"), condition)]
                   + ([(t("estimate_note"), doc.return_note)] if doc.return_note else [])),
        signature_block(ctx, t("section_issue_signatures"), t("loaner_note"), [
            (t("sign_engineer"), doc.issue_engineer_signature),
            (t("sign_customer"), doc.issue_customer_signature)]),
        signature_block(ctx, t("section_return_signatures"), "", [
            (t("sign_engineer"), doc.return_engineer_signature),
            (t("sign_customer"), doc.return_customer_signature)]),
    ]
    return _build(ctx, parts, f"{doc.asset_tag} {doc.repair_number}", "loaner")


def render_complaint_report_pdf(report: ComplaintFeedbackReport, company: CompanyInfo, *,
                                copy: str = "customer", language: Language = "zh",
                                font: str | Path | None = None) -> bytes:
    """投诉反馈报告 (R5.3): the complaint, its routing, the response(s) and the response
    promise's result, the closing; A4."""
    ctx = _context(company, layout="a4", copy=copy, language=language, font=font,
                   title_key="complaint", timezone=report.timezone,
                   numbers=[("complaint_number", report.complaint_number),
                            ("request_number", report.request_number or "")])
    t, lang = ctx.t, ctx.language
    about = report.about_label_zh if lang == "zh" else report.about_label_en
    routed = report.routed_to_zh if lang == "zh" else report.routed_to_en
    satisfied = {"yes": t("satisfied_yes"), "no": t("satisfied_no")}.get(
        report.customer_satisfied or "", t("satisfied_none"))
    clock = ClockView(kind="complaint_response", label_zh=label("response_clock", "zh"),
                      label_en=label("response_clock", "en"), deadline=report.response_due_at,
                      stopped_at=report.first_response_at,
                      state="met" if report.response_on_time else "breached")
    responses: list[Flowable] = []
    for response in report.responses:
        responses.append(para(response.text, ctx.styles.value))
        responses.append(para(f"{t('responder')}{ctx.colon}{response.responder}    "
                              f"{t('responded_at')}{ctx.colon}{ctx.time(response.responded_at)}",
                              ctx.styles.small))
    hotline = company.complaint_hotline or company.hotline or "—"
    response_table = blocks._sectioned(ctx, t("section_responses"), [[responses]],  # type: ignore[arg-type]
                                       [blocks._body_width(ctx)], [])  # type: ignore[arg-type]
    parts = [
        info_block(ctx, t("section_complaint"), [
            (t("customer"), report.customer_name),
            (t("received_via"), term(VIA, report.received_via, lang)),
            (t("complaint_received_at"), ctx.time(report.received_at)),
            (t("about"), about), (t("subject_name"), report.subject_name or "—"),
            (t("related_slips"), "、".join(report.slip_numbers) or "—")]),
        text_block(ctx, t("complaint_text"), report.description),
        info_block(ctx, t("section_routing"), [(t("routed_to"), routed),
                                               (t("handler"), report.handler_name or "—")]),
        [response_table],
        clock_block(ctx, (clock,)),
        info_block(ctx, t("section_closing"), [
            (t("closed_at"), ctx.time(report.closed_at)), (t("closed_by"), report.closed_by),
            (t("outcome"), report.outcome or "—"), (t("satisfied"), satisfied),
            (t("filed"), t("filed_yes" if report.file_to_customer_archive else "filed_no"))]),
        [para(t("complaint_report_note", hotline=hotline), ctx.styles.note)],
    ]
    return _build(ctx, parts, report.complaint_number, "complaint")


__all__ = [
    "FormContext",
    "render_complaint_report_pdf",
    "render_loaner_pdf",
    "render_repair_intake_pdf",
    "render_repair_return_pdf",
]
