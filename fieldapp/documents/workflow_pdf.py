"""Render the workflow documents: repair intake and return, loaner record, complaint report.

Thin users of the document toolkit (`kit`): the same page layout as the slip (header with
company, title, copy mark and page x of y; the complaints footer), the same sections,
label/value tables, clocks and signature cells. Intake and loaner records also print on
the 80 mm receipt (handed over on site); the return copy and the complaint report are
A4. See docs/documents.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, Spacer

from fieldapp.base.i18n import Language, pick
from fieldapp.base.money import format_yuan
from fieldapp.documents.capital import amount_in_chinese_capitals
from fieldapp.documents.kit import (
    Cell,
    Command,
    DocumentContext,
    check_options,
    number_pairs,
    page,
    para,
    seal_lines,
)
from fieldapp.documents.kit import blocks as kit
from fieldapp.documents.labels import (
    CONDITIONS,
    DEVICE_CLASSES,
    VIA,
    label,
    term,
)
from fieldapp.documents.model import ClockView, CompanyInfo, DeviceView, SignatureView
from fieldapp.documents.workflow_model import (
    LoanerDocument,
    RepairDeviceView,
    RepairIntakeDocument,
    RepairReturnDocument,
)
from fieldapp.workflows.complaint_model import ComplaintFeedbackReport


def _context(company: CompanyInfo, *, layout: str, copy: str, language: str,
             font: str | Path | None, title_key: str,
             numbers: Sequence[tuple[str, str | None]], timezone: str) -> DocumentContext:
    options = check_options(layout=layout, copy=copy, language=language, font=font)
    lang = options.language
    return DocumentContext(company=company, styles=options.styles, language=lang,
                           copy=options.copy, timezone=timezone,
                           title=label(f"{title_key}_title", lang),
                           subtitle=label(f"{title_key}_sub", lang),
                           number_pairs=number_pairs(*numbers))


def _build(ctx: DocumentContext, parts: list[list[Flowable]], number: str, kind: str) -> bytes:
    if ctx.receipt:
        parts = [kit.receipt_header(ctx, address=False), *parts, kit.receipt_footer(ctx)]
    subject = f"fieldapp-{kind}:{number}"
    meta = page.metadata(ctx, number, subject=subject, keywords=subject)
    return page.render(ctx, page.join_blocks(ctx, parts), meta)


# --- blocks only the workflow documents print ----------------------------------------


def _yuan(fen: int | None) -> str:
    return "—" if fen is None else format_yuan(fen)


def money_block(ctx: DocumentContext, title: str, item: str, fen: int | None,
                extra: Sequence[tuple[str, str]] = ()) -> list[Flowable]:
    """One amount with its 大写金额 (人民币（大写）：…), plus extra label/value pairs."""
    capitals = amount_in_chinese_capitals(fen) if fen is not None else "—"
    pairs = [(item, _yuan(fen)), (ctx.t("total_capitals"), capitals), *extra]
    return kit.info_block(ctx, title, pairs)


def signature_block(ctx: DocumentContext, title: str, note: str,
                    cells: Sequence[tuple[str, SignatureView | None]]) -> list[Flowable]:
    """Signature boxes drawn from their strokes (two per row on A4), caption under each."""
    s = ctx.styles
    pad = kit.cell_padding(ctx)
    note_para = para(note, s.note) if note else Spacer(1, 0)
    rows: list[list[Cell]]
    if ctx.receipt:
        w = ctx.width
        rows = [[para(title, s.section)], [note_para]]
        rows += [[kit.signature_cell(ctx, t, sig, w - pad)] for t, sig in cells]
        return [kit.table(ctx, rows, [w], *s.shade((0, 0), (-1, 0)))]
    half = kit.body_width(ctx) / 2
    rows = [[note_para, ""]] if note else []
    commands: list[Command] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
    if note:
        commands.append(("SPAN", (0, 0), (1, 0)))
    for i in range(0, len(cells), 2):
        pair: list[Cell] = [kit.signature_cell(ctx, t, sig, half - pad)
                            for t, sig in cells[i:i + 2]]
        rows.append(pair + [""] * (2 - len(pair)))
    return [KeepTogether([kit.sectioned(ctx, title, rows, [half, half], commands)])]


def seal_text_block(ctx: DocumentContext, seal: str, sealed_at: datetime) -> list[Flowable]:
    s = ctx.styles
    lines: list[Flowable] = [
        para(ctx.t("seal"), s.label), *[para(x, s.mono) for x in seal_lines(seal)],
        para(f"{ctx.t('sealed_at')}{ctx.colon}{ctx.time(sealed_at)}", s.small)]
    return kit.column_block(ctx, ctx.t("section_seal"), lines)


def _device_pairs(ctx: DocumentContext, device: RepairDeviceView) -> list[tuple[str, str]]:
    d = device.device
    pairs = [(ctx.t("device_type"), d.device_type), (ctx.t("brand"), d.brand),
             (ctx.t("model"), d.model), (ctx.t("serial"), d.serial),
             (ctx.t("asset_tag"), d.asset_tag),
             (ctx.t("device_class"), term(DEVICE_CLASSES, device.device_class, ctx.language)),
             (ctx.t("device_grade"), device.grade or "—")]
    if device.accessories:
        pairs.append((ctx.t("accessories"), device.accessories))
    return pairs


def _one_device(d: DeviceView) -> str:
    return " ".join(p for p in (d.device_type, d.brand, d.model, d.serial) if p) or "—"


def _engineer(name: str, code: str) -> str:
    return f"{name}（{code}）" if code else name


# --- the documents -------------------------------------------------------------------


def render_repair_intake_pdf(doc: RepairIntakeDocument, company: CompanyInfo, *,
                             layout: str = "a4", copy: str = "customer",
                             language: Language = "zh", font: str | Path | None = None
                             ) -> bytes:
    """送修单 (R3.1): company contact, fault, 接受/到达/离开时间, device, engineer's signature."""
    ctx = _context(company, layout=layout, copy=copy, language=language, font=font,
                   title_key="intake", timezone=doc.timezone,
                   numbers=[("repair_number", doc.repair_number),
                            ("request_number", doc.request_number),
                            ("from_slip", doc.slip_number or "")])
    t = ctx.t
    parts: list[list[Flowable]] = [
        kit.info_block(ctx, t("section_customer"), [
            (t("customer"), doc.customer_name), (t("company_contact"), doc.company_contact),
            (t("phone"), doc.contact_phone), (t("engineer"),
                                              _engineer(doc.engineer_name, doc.engineer_code)),
            (t("site"), doc.site or "—")]),
        kit.info_block(ctx, t("section_device"), _device_pairs(ctx, doc.device)),
        kit.text_block(ctx, t("fault_description"), doc.fault_description),
        kit.times_row(ctx, t("section_intake_times"), [
            (t("requested_at"), doc.requested_at), (t("received_at"), doc.received_at),
            (t("arrived_at"), doc.arrived_at), (t("departed_at"), doc.departed_at)]),
        signature_block(ctx, t("section_signatures"), t("intake_note"),
                        [(t("sign_engineer_intake"), doc.engineer_signature)]),
        seal_text_block(ctx, doc.seal, doc.sealed_at),
    ]
    return _build(ctx, parts, doc.repair_number, "repair")


def render_repair_return_pdf(doc: RepairReturnDocument, company: CompanyInfo, *,
                             layout: str = "a4", copy: str = "customer",
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
        (t("estimate"), _yuan(doc.estimate_fen)),
        (t("expected_ready_at"), ctx.time(doc.expected_ready_at)),
        (t("estimated_by"), doc.estimated_by or "—"),
        (t("estimated_at"), ctx.time(doc.estimated_at)),
        (t("decision"), decision), (t("method"), method),
        (t("confirmed_by"), confirmed_by or "—"), (t("confirmed_at"), ctx.time(doc.confirmed_at)),
    ]
    if doc.estimate_note:
        estimate_pairs.append((t("estimate_note"), doc.estimate_note))
    status = pick(doc.status_zh, doc.status_en, ctx.language)
    loaner_rows = [(f"{loan.asset_tag} {loan.description}".strip(),
                    f"{t('loaner_issued_at')} {ctx.time(loan.issued_at)}    "
                    f"{t('loaner_returned_at')} "
                    f"{ctx.time(loan.returned_at) if loan.returned_at else t('loaner_out')}")
                   for loan in doc.loaners] or [(t("section_loaners"), t("loaner_none"))]
    cells: list[tuple[str, SignatureView | None]] = []
    if doc.confirmation_signature is not None:
        cells.append((t("sign_customer_confirm"), doc.confirmation_signature))
    cells.append((t("sign_customer_return"), doc.customer_signature))
    parts: list[list[Flowable]] = [
        kit.info_block(ctx, t("section_customer"), [
            (t("customer"), doc.customer_name), (t("company_contact"), doc.company_contact),
            (t("phone"), doc.contact_phone),
            (t("engineer"), _engineer(doc.engineer_name, doc.engineer_code)),
            (t("repair_status"), status)]),
        kit.info_block(ctx, t("section_device"), _device_pairs(ctx, doc.device)),
        kit.text_block(ctx, t("fault_description"), doc.fault_description),
        kit.info_block(ctx, t("section_estimate"), estimate_pairs),
        kit.times_row(ctx, t("section_repair_times"), [
            (t("requested_at"), doc.requested_at), (t("received_at"), doc.received_at),
            (t("repair_started_at"), doc.started_at),
            (t("repair_finished_at"), doc.finished_at), (t("delivered_at"), doc.returned_at)]),
        [kit.clocks_table(ctx, (doc.clock,))],
        kit.text_block(ctx, t("work_done"), doc.work_done),
        money_block(ctx, t("section_final_fee"), t("final_fee"), doc.final_fee_fen),
        kit.info_block(ctx, t("section_loaners"), loaner_rows),
        signature_block(ctx, t("section_signatures"), t("return_note"), cells),
    ]
    return _build(ctx, parts, doc.repair_number, "repair-return")


def render_loaner_pdf(doc: LoanerDocument, company: CompanyInfo, *, layout: str = "a4",
                      copy: str = "customer", language: Language = "zh",
                      font: str | Path | None = None) -> bytes:
    """备机借用单 (R1.4): the loaner, its class and grade, issue and return, both signatures."""
    ctx = _context(company, layout=layout, copy=copy, language=language, font=font,
                   title_key="loaner", timezone=doc.timezone,
                   numbers=[("asset_tag", doc.asset_tag), ("repair_number", doc.repair_number),
                            ("request_number", doc.request_number)])
    t = ctx.t
    condition = term(CONDITIONS, doc.condition, ctx.language) if doc.condition else "—"
    parts: list[list[Flowable]] = [
        kit.info_block(ctx, t("section_loaner"), [
            (t("asset_tag"), doc.asset_tag),
            (t("device_class"), term(DEVICE_CLASSES, doc.device_class, ctx.language)),
            (t("device_grade"), doc.grade or "—"), (t("model"), doc.description or "—")]),
        kit.info_block(ctx, t("section_loan"), [
            (t("customer"), doc.customer_name), (t("repair_number"), doc.repair_number),
            (t("customer_device"), _one_device(doc.customer_device)),
            (t("goodwill"), t("goodwill_yes" if doc.goodwill else "goodwill_no"))]),
        kit.times_row(ctx, t("section_loan_times"), [
            (t("loaner_issued_at"), doc.issued_at), (t("loaner_returned_at"), doc.returned_at)]),
        kit.info_block(ctx, t("condition"), [(t("condition"), condition)]
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
    about = pick(report.about_label_zh, report.about_label_en, lang)
    routed = pick(report.routed_to_zh, report.routed_to_en, lang)
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
    hotline = ctx.complaint_hotline
    parts: list[list[Flowable]] = [
        kit.info_block(ctx, t("section_complaint"), [
            (t("customer"), report.customer_name),
            (t("received_via"), term(VIA, report.received_via, lang)),
            (t("complaint_received_at"), ctx.time(report.received_at)),
            (t("about"), about), (t("subject_name"), report.subject_name or "—"),
            (t("related_slips"), "、".join(report.slip_numbers) or "—")]),
        kit.text_block(ctx, t("complaint_text"), report.description),
        kit.info_block(ctx, t("section_routing"), [(t("routed_to"), routed),
                                               (t("handler"), report.handler_name or "—")]),
        kit.column_block(ctx, t("section_responses"), responses),
        [kit.clocks_table(ctx, (clock,))],
        kit.info_block(ctx, t("section_closing"), [
            (t("closed_at"), ctx.time(report.closed_at)), (t("closed_by"), report.closed_by),
            (t("outcome"), report.outcome or "—"), (t("satisfied"), satisfied),
            (t("filed"), t("filed_yes" if report.file_to_customer_archive else "filed_no"))]),
        [para(t("complaint_report_note", hotline=hotline), ctx.styles.note)],
    ]
    return _build(ctx, parts, report.complaint_number, "complaint")


__all__ = [
    "render_complaint_report_pdf",
    "render_loaner_pdf",
    "render_repair_intake_pdf",
    "render_repair_return_pdf",
]
