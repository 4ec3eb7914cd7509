"""From a report's figures to the translated view the PDF prints (documents/report_pdf)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fieldapp.archive.reports.dossier import LIST_LABELS, PROBLEM_LISTS, SUGGESTION_LISTS
from fieldapp.archive.reports.figures import BUCKETS, CLOCK_STATES, Figures
from fieldapp.archive.reports.labels import name
from fieldapp.archive.reports.observations import observations
from fieldapp.base.i18n import Language, pick
from fieldapp.base.money import format_yuan
from fieldapp.base.timeutil import format_local
from fieldapp.documents.report_model import (
    ChartView,
    PictureLine,
    ReportDocument,
    SectionView,
    TableView,
)
from fieldapp.rules.validation import CHANNELS, FEE_KINDS
from fieldapp.store.attachment_models import KIND_LABELS, AttachmentKind
from fieldapp.workflows.group_archive import ArchiveEntryKind

SHOWN_STATES = ("met", "met_within_tolerance", "breached", "running")


def _t(language: Language, zh: str, en: str) -> str:
    """`pick`, the language first (the report's sections pass it everywhere)."""
    return pick(zh, en, language)


def _minutes(value: int | None, language: Language) -> str:
    if value is None:
        return "—"
    hours, minutes = divmod(value, 60)
    if hours:
        return _t(language, f"{hours} 小时 {minutes} 分", f"{hours} h {minutes} min")
    return _t(language, f"{minutes} 分钟", f"{minutes} min")


def _requests(fig: Figures, lang: Language) -> SectionView:
    months = list(fig.requests_by_month)
    series = tuple((name("channel", ch, lang),
                    tuple(float(fig.requests_by_month[m][ch]) for m in months))
                   for ch in CHANNELS)
    rows = tuple((m, *(str(fig.requests_by_month[m][ch]) for ch in CHANNELS),
                  str(sum(fig.requests_by_month[m].values())), str(fig.slips_by_month.get(m, 0)))
                 for m in months)
    header = (_t(lang, "月份", "Month"), *(name("channel", ch, lang) for ch in CHANNELS),
              _t(lang, "请求合计", "Requests"), _t(lang, "服务单", "Slips"))
    return SectionView(_t(lang, "一、服务请求与服务单（按渠道、月份）",
                          "1. Requests and slips by channel and month"),
                       ChartView("stacked_bar", tuple(months), series),
                       TableView(header, rows, (1.3,) + (1,) * (len(header) - 1)))


def _sla(fig: Figures, lang: Language) -> SectionView:
    kinds = list(fig.sla)
    series = tuple((name("state", st, lang),
                    tuple(float(fig.sla[k][st]) for k in kinds)) for st in SHOWN_STATES)
    rows = []
    for k in kinds:
        states = fig.sla[k]
        stopped = states["met"] + states["met_within_tolerance"] + states["breached"]
        rate = f"{100 * (stopped - states['breached']) / stopped:.1f}%" if stopped else "—"
        rows.append((name("clock", k, lang), *(str(states[s]) for s in CLOCK_STATES), rate))
    header = (_t(lang, "时限", "Clock"), *(name("state", s, lang) for s in CLOCK_STATES),
              _t(lang, "达标率", "Met rate"))
    notes = []
    still_open = sum(fig.sla_open_breached.values())
    if still_open:
        notes.append(_t(lang, f"“超时”中有 {still_open} 项仍未结：截止时间已过，尚未完成。",
                        f"Of the breached, {still_open} are still open: past their deadline, "
                        "not yet done."))
    if fig.worst:
        notes.append(_t(lang, "超时最严重的请求：", "Worst breaches: ") + _t(lang, "；", "; ").join(
            _worst(w, lang) for w in fig.worst))
    pictures = tuple(picture_line(w["pictures"], lang, w["request"])
                     for w in fig.worst if w.get("pictures"))
    return SectionView(_t(lang, "二、服务时限达标情况", "2. Service levels (SLA) per clock"),
                       ChartView("stacked_bar", tuple(name("clock", k, lang) for k in kinds),
                                 series) if kinds else None,
                       TableView(header, tuple(rows), (1.6, 1, 1.2, 1, 1, 1, 1)),
                       tuple(notes), _t(lang, "本期无服务时限记录。", "No SLA clocks this period."),
                       pictures)


def _worst(w: dict[str, Any], lang: Language) -> str:
    """One of the worst breaches: done late by how much, or — still open — open for how
    long since the request (its lateness keeps growing, so "N h late" would mislead)."""
    clock = name("clock", w["clock"], lang)
    if w.get("stopped") == "running":
        hours = _open_hours(w.get("open_minutes"), lang)
        return _t(lang, f"{w['request']}（{clock}，未结 {hours}，已过截止时间）",
                  f"{w['request']} ({clock}, open for {hours}, past its deadline)")
    late = _minutes(w["minutes_late"], lang)
    return _t(lang, f"{w['request']}（{clock}，完成时超出 {late}）",
              f"{w['request']} ({clock}, done {late} late)")


def _open_hours(minutes: int | None, lang: Language) -> str:
    if minutes is None:  # a report made before open items were told apart
        return "—"
    return _t(lang, f"{minutes // 60} 小时", f"{minutes // 60} h")


def _times(fig: Figures, lang: Language) -> SectionView:
    def edge(minutes: int) -> str:
        if minutes % 60:
            return _minutes(minutes, lang)
        return _t(lang, f"{minutes // 60} 小时", f"{minutes // 60} h")

    categories = (*(f"<{edge(b)}" for b in BUCKETS), f"≥{edge(BUCKETS[-1])}")
    series = ((_t(lang, "响应", "Response"), tuple(map(float, fig.response.get("buckets", [])))),
              (_t(lang, "解决", "Resolution"),
               tuple(map(float, fig.resolution.get("buckets", [])))))
    rows = tuple((label, str(d.get("count", 0)), _minutes(d.get("median"), lang),
                  _minutes(d.get("p90"), lang))
                 for label, d in ((_t(lang, "响应时间", "Response time"), fig.response),
                                  (_t(lang, "解决时间", "Resolution time"), fig.resolution)))
    header = (_t(lang, "指标", "Measure"), _t(lang, "请求数", "Requests"),
              _t(lang, "中位数", "Median"), _t(lang, "90% 分位", "90th percentile"))
    return SectionView(_t(lang, "三、响应与解决时间分布", "3. Response and resolution times"),
                       ChartView("bar", categories, series),
                       TableView(header, rows, (1.6, 1, 1.2, 1.2)),
                       (_t(lang, "响应时间：电话、信件为接听/回复时间，现场、送修为工程师到达时间；"
                                 "解决时间为首次解决时间；均自客户请求起按自然时间计。",
                           "Response: phone and letters until answered, on site and send-in "
                           "until the engineer arrived; resolution until first solved; both "
                           "from the customer's request, in clock time."),))


def _workflows(fig: Figures, lang: Language) -> SectionView:
    r, e = fig.repairs, fig.escalations
    rows = [
        (_t(lang, "硬件送修单", "Repair orders"), str(r.get("orders", 0))),
        (_t(lang, "已修复归还", "Returned repaired"), str(r.get("returned", 0))),
        (_t(lang, "客户拒绝维修", "Refused by the customer"), str(r.get("refused", 0))),
        (_t(lang, "维修中", "In repair"), str(r.get("in_progress", 0))),
        (_t(lang, "提供同档次备机", "Same-class loaners issued"), str(r.get("loaners_issued", 0))),
        (_t(lang, "维修费用", "Repair fees"), format_yuan(r.get("repair_fees_fen", 0))),
    ]
    rows += [(name("escalation", k, lang), str(v)) for k, v in e.items()]
    used = [(k, v) for k, v in e.items() if v]
    chart = ChartView("pie", (), tuple((f"{name('escalation', k, lang)} {v}", (float(v),))
                                       for k, v in used)) if len(used) > 1 else None
    return SectionView(_t(lang, "四、维修、备机与服务升级", "4. Repairs, loaners and escalations"),
                       chart, TableView((_t(lang, "项目", "Item"), _t(lang, "数量", "Count")),
                                        tuple(rows), (3, 1)))


def _complaints(fig: Figures, lang: Language) -> SectionView:
    c = fig.complaints
    rows = [(_t(lang, "投诉总数", "Complaints"), str(c.get("total", 0))),
            (_t(lang, "已答复", "Responded"), str(c.get("responded", 0))),
            (_t(lang, "按时答复", "Responded on time"), str(c.get("responded_in_time", 0))),
            (_t(lang, "已关闭", "Closed"), str(c.get("closed", 0))),
            (_t(lang, "客户满意", "Customer satisfied"), str(c.get("satisfied", 0)))]
    rows += [(_t(lang, "投诉对象：", "About: ") + name("about", k, lang), str(v))
             for k, v in c.get("by_about", {}).items()]
    notes = ((_t(lang, "未按时答复：", "Not answered on time: ") + ", ".join(c["late"]),)
             if c.get("late") else ())
    return SectionView(_t(lang, "五、客户投诉及处理", "5. Complaints and their handling"), None,
                       TableView((_t(lang, "项目", "Item"), _t(lang, "数量", "Count")),
                                 tuple(rows), (3, 1)), notes)


def _fees(fig: Figures, lang: Language) -> SectionView:
    repair = int(fig.repairs.get("repair_fees_fen", 0))
    fees = [(k, fig.fees_fen.get(k, 0)) for k in FEE_KINDS]
    rows = tuple((name("fee", k, lang), format_yuan(v)) for k, v in fees)
    # the total is the cover's 服务费用: the slips' fees and the repairs' of section 四
    rows += ((_t(lang, "服务单费用小计", "Slip fees subtotal"), format_yuan(fig.fees_total_fen)),
             (_t(lang, "维修费用（见第四节）", "Repair fees (see section 4)"), format_yuan(repair)),
             (_t(lang, "合计", "Total"), format_yuan(fig.fees_all_fen)))
    parts = [(name("fee", k, lang), v) for k, v in fees] + [
        (_t(lang, "维修费用", "Repair fees"), repair)]
    chart = ChartView("pie", (), tuple((f"{label} {format_yuan(v)}", (v / 100,))
                                       for label, v in parts if v)) if fig.fees_all_fen else None
    return SectionView(_t(lang, "六、服务费用（服务单已签字确认，含维修费用）",
                          "6. Fees (slips confirmed by signature, repairs included)"),
                       chart, TableView((_t(lang, "费用类别", "Kind"), _t(lang, "金额", "Amount")),
                                        rows, (3, 1)))


def _devices(fig: Figures, lang: Language) -> SectionView:
    rows = tuple((d["device"], d["type"], d["asset_tag"] or d["serial"], str(d["requests"]))
                 for d in fig.top_devices)
    header = (_t(lang, "设备", "Device"), _t(lang, "类型", "Type"),
              _t(lang, "资产编号/序列号", "Asset tag / serial"), _t(lang, "请求次数", "Requests"))
    return SectionView(_t(lang, "七、故障最多的设备", "7. Devices that failed most"), None,
                       TableView(header, rows, (2.4, 1, 1.8, 1), numeric_from=3), (),
                       _t(lang, "本期无设备相关请求。", "No device requests this period."))


def _day(iso: str, fig: Figures) -> str:
    return format_local(datetime.fromisoformat(iso), fig.timezone)[:10]


def _archive(fig: Figures, lang: Language) -> SectionView:
    """The period's dossier: problem sets and suggestions by what happened to them, then
    the tracking notes; only what the centre reviewed (the portal's facts)."""
    items = fig.archive.get("items", {})
    rows = [(pick(*LIST_LABELS[f"{part}.{key}"], lang), i["number"], _day(i["at"], fig),
             i["device"] or "—", i["title"])
            for part, keys in (("problems", PROBLEM_LISTS), ("suggestions", SUGGESTION_LISTS))
            for key in keys for i in fig.dossier.get(part, {}).get(key, [])]
    rows += [(name("archive", kind, lang), "—", _day(i["noted_at"], fig), i["device"] or "—",
              i["text"]) for kind in ArchiveEntryKind for i in items.get(kind, [])]
    header = (_t(lang, "类别", "Kind"), _t(lang, "编号", "Number"), _t(lang, "日期", "Date"),
              _t(lang, "设备", "Device"), _t(lang, "标题 / 内容", "Title / entry"))
    return SectionView(_t(lang, "八、集团用户客户档案（设备跟踪、问题集、服务建议）",
                          "8. Group customer archive (device tracking, problems, suggestions)"),
                       None, TableView(header, tuple(rows), (1.6, 1.9, 1, 2.1, 2.8),
                                       numeric_from=9), _archive_notes(fig, lang),
                       _t(lang, "本期无已审核的档案记录。",
                          "No reviewed dossier records this period."))


def _archive_notes(fig: Figures, lang: Language) -> tuple[str, ...]:
    def count(part: str, key: str) -> int:
        return len(fig.dossier.get(part, {}).get(key, []))

    lists = [(LIST_LABELS[f"{part}.{key}"], count(part, key))
             for part, keys in (("problems", PROBLEM_LISTS), ("suggestions", SUGGESTION_LISTS))
             for key in keys] if fig.dossier else []
    # the older free-text problem and suggestion entries only when there are some
    lists += [((name("archive", k, "zh"), name("archive", k, "en")), v)
              for k, v in fig.archive.get("counts", {}).items()
              if v or k == ArchiveEntryKind.DEVICE_TRACKING]
    notes = [_t(lang, "；", "; ").join(f"{pick(*label, lang)}{_t(lang, ' ', ': ')}{n}"
                                         for label, n in lists)]
    waiting = int(fig.dossier.get("awaiting_review", 0))
    if waiting:
        notes.append(_t(lang, f"另有 {waiting} 条提交待服务中心审核，审核后计入。",
                          f"{waiting} more submissions await the service centre's review "
                          "and count once reviewed."))
    return tuple(notes)


EVIDENCE_SHOWN = 20  # request numbers a finding lists in the PDF; the CSV has them all


def evidence_text(evidence: str, lang: Language) -> str:
    """A finding's evidence as the PDF prints it: every request number when there are a
    few, else the first ones and how many in all (a device with 381 requests once made a
    cell taller than the page); the CSV export lists every number."""
    numbers = [number for number in evidence.split(",") if number]
    shown = ", ".join(numbers[:EVIDENCE_SHOWN])
    if len(numbers) <= EVIDENCE_SHOWN:
        return _t(lang, "依据：", "Evidence: ") + shown
    return _t(lang, f"依据（共 {len(numbers)} 个请求，此处列出前 {EVIDENCE_SHOWN} 个，"
                    f"完整清单见 CSV 导出）：{shown} …",
              f"Evidence ({len(numbers)} requests, the first {EVIDENCE_SHOWN} shown; "
              f"the CSV export lists them all): {shown} …")


PORTAL_PATHS = {"slip": "/portal/slips/{}", "repair": "/portal/repairs/{}",
                "complaint": "/portal/complaints/{}"}  # the portal's pages of each record
RECORDS_LINKED = 8  # records a picture line links to; the CSV names more
THUMBNAILS = 6  # pictures a line shows small, when the renderer is given the pictures
_KIND_ORDER = list(AttachmentKind)


def picture_line(pictures: dict[str, Any], lang: Language, prefix: str = "") -> PictureLine:
    """A finding's or a case's pictures (figures `pictures`): how many of which kinds,
    and the portal pages of the records they belong to."""
    kinds = sorted(pictures.get("kinds", {}), key=lambda k: (
        _KIND_ORDER.index(k) if k in _KIND_ORDER else len(_KIND_ORDER), k))
    labels = _t(lang, "、", ", ").join(pick(*KIND_LABELS.get(k, ("其他", "Other")), lang)
                                       for k in kinds)
    count = int(pictures.get("count", 0))
    text = _t(lang, f"现场照片 {count} 张（{labels}）",
              f"{count} photo{'s' if count != 1 else ''} ({labels.lower()})")
    if prefix:
        text = f"{prefix}{_t(lang, '：', ': ')}{text}"
    records = [r for r in pictures.get("records", []) if r.get("kind") in PORTAL_PATHS]
    links = tuple((r["number"], PORTAL_PATHS[r["kind"]].format(r["id"]))
                  for r in records[:RECORDS_LINKED])
    listed = sum(len(r.get("pictures", [])) for r in records)
    more = (_t(lang, " 等", " and more")
            if len(records) > RECORDS_LINKED or listed < count else "")
    thumbnails = tuple(p["id"] for r in records for p in r.get("pictures", []))[:THUMBNAILS]
    return PictureLine(text, _t(lang, "在客户门户查看：", "See them on the customer portal: "),
                       links, more, thumbnails)


def _findings(fig: Figures, lang: Language) -> SectionView:
    rows = tuple((f["found_on"], name("rule", f["rule"], lang),
                  f"{f[lang]}\n{evidence_text(f['evidence'], lang)}")
                 for f in fig.findings)
    pictures = tuple(picture_line(f["pictures"], lang) if f.get("pictures") else None
                     for f in fig.findings)
    return SectionView(_t(lang, "九、主动分析发现", "9. Proactive findings"), None,
                       TableView((_t(lang, "日期", "Date"), _t(lang, "规律", "Pattern"),
                                  _t(lang, "说明与依据", "What was found")), rows, (1, 1.4, 5),
                                 numeric_from=9,
                                 pictures=pictures if any(pictures) else ()))


def report_document(fig: Figures, *, number: str, kind: str, reason: str,
                    language: Language) -> ReportDocument:
    lang = language
    stopped = sum(s["met"] + s["met_within_tolerance"] + s["breached"] for s in fig.sla.values())
    breached = sum(s["breached"] for s in fig.sla.values())
    rate = f"{100 * (stopped - breached) / stopped:.1f}%" if stopped else "—"
    key = (
        (_t(lang, "服务请求", "Requests"), str(fig.requests_total)),
        (_t(lang, "服务单", "Slips"), str(fig.slips_total)),
        (_t(lang, "时限达标率", "SLA met"), rate),
        (_t(lang, "响应时间中位数", "Median response"), _minutes(fig.response.get("median"), lang)),
        (_t(lang, "服务升级", "Escalations"), str(sum(fig.escalations.values()))),
        (_t(lang, "客户投诉", "Complaints"), str(fig.complaints.get("total", 0))),
        (_t(lang, "送修 / 备机", "Repairs / loaners"),
         f"{fig.repairs.get('orders', 0)} / {fig.repairs.get('loaners_issued', 0)}"),
        (_t(lang, "服务费用", "Fees"), format_yuan(fig.fees_all_fen)),
    )
    sections = [_requests(fig, lang), _sla(fig, lang), _times(fig, lang), _workflows(fig, lang),
                _complaints(fig, lang), _fees(fig, lang), _devices(fig, lang)]
    if fig.is_group:
        sections.append(_archive(fig, lang))
    if fig.findings:
        sections.append(_findings(fig, lang))
    period = _t(lang, f"报告期：{fig.period_start} 至 {fig.period_end}",
                f"Period: {fig.period_start} to {fig.period_end}")
    generated = format_local(datetime.fromisoformat(fig.generated_at), fig.timezone)
    return ReportDocument(
        title=_t(lang, "服务分析报告", "Service analysis report"),
        kind=name("kind", kind, lang), customer=fig.customer_name, period=period,
        generated=generated, reason=reason, number=number, key_figures=key,
        observations=tuple(observations(fig, lang)), sections=tuple(sections),
        observations_title=_t(lang, "分析与建议", "Observations"),
        footer=_t(lang, f"报告编号 {number} · 生成于 {generated}（北京时间） · "
                        "数据来自服务单据与客户服务档案",
                  f"Report {number} · made {generated} (Beijing time) · from the service "
                  "slips and the customer service archive"))
