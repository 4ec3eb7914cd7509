"""Written observations (分析与建议): plain sentences generated from a report's figures."""

from __future__ import annotations

from functools import partial

from fieldapp.archive.reports.figures import Figures
from fieldapp.archive.reports.labels import name
from fieldapp.base.i18n import Language, pick
from fieldapp.base.money import format_yuan


def _hours(minutes: int | None, language: Language) -> str:
    if minutes is None:
        return "—"
    if minutes < 120:
        return pick(f"{minutes} 分钟", f"{minutes} min", language)
    return pick(f"{minutes / 60:.1f} 小时", f"{minutes / 60:.1f} h", language)


def observations(fig: Figures, language: Language) -> list[str]:
    say = partial(pick, language=language)
    out: list[str] = []
    if fig.requests_total == 0:
        return [say("本期没有服务请求。", "There were no service requests in this period.")]
    busiest = max(fig.requests_by_month.items(), key=lambda kv: sum(kv[1].values()))
    channels: dict[str, int] = {}
    for counts in fig.requests_by_month.values():
        for channel, n in counts.items():
            channels[channel] = channels.get(channel, 0) + n
    top_channel = max(channels.items(), key=lambda kv: kv[1])
    share = round(100 * top_channel[1] / fig.requests_total)
    out.append(say(
        f"本期共受理服务请求 {fig.requests_total} 项，服务单 {fig.slips_total} 张；"
        f"{busiest[0]} 最多（{sum(busiest[1].values())} 项），"
        f"{name('channel', top_channel[0], language)}请求占 {share}%。",
        f"{fig.requests_total} service requests and {fig.slips_total} slips this period; "
        f"the busiest month was {busiest[0]} ({sum(busiest[1].values())}), and "
        f"{name('channel', top_channel[0], language).lower()} requests were {share}%."))
    stopped = breached = 0
    for states in fig.sla.values():
        stopped += states["met"] + states["met_within_tolerance"] + states["breached"]
        breached += states["breached"]
    if stopped:
        rate = 100 * (stopped - breached) / stopped
        still_open = sum(fig.sla_open_breached.values())  # past the deadline, not yet done
        open_zh = f"（其中 {still_open} 项仍未结）" if still_open else ""
        open_en = f" ({still_open} of them still open)" if still_open else ""
        out.append(say(
            f"已有结论的服务时限 {stopped} 项中 {stopped - breached} 项达标（含容差内），"
            f"达标率 {rate:.1f}%，超时 {breached} 项{open_zh}。",
            f"Of {stopped} SLA clocks with a verdict, {stopped - breached} were met (tolerance "
            f"included): {rate:.1f}%, {breached} breached{open_en}."))
        worst_kind = max(fig.sla.items(), key=lambda kv: kv[1]["breached"])
        if worst_kind[1]["breached"]:
            out.append(say(
                f"超时最多的是{name('clock', worst_kind[0], language)}"
                f"（{worst_kind[1]['breached']} 项），建议重点改进。",
                f"Most breaches were in {name('clock', worst_kind[0], language).lower()} "
                f"({worst_kind[1]['breached']}); this is where to improve first."))
    if fig.response.get("count"):
        out.append(say(
            f"响应时间中位数 {_hours(fig.response['median'], language)}，"
            f"90% 的请求在 {_hours(fig.response['p90'], language)} 内得到响应；"
            f"解决时间中位数 {_hours(fig.resolution.get('median'), language)}。",
            f"Median response time {_hours(fig.response['median'], language)}; 90% of "
            f"requests were answered within {_hours(fig.response['p90'], language)}; median "
            f"resolution time {_hours(fig.resolution.get('median'), language)}."))
    if fig.top_devices and fig.top_devices[0]["requests"] >= 3:
        d = fig.top_devices[0]
        label = say(f"{d['device']}（{d['asset_tag'] or d['serial']}）",
                    f"{d['device']} ({d['asset_tag'] or d['serial']})")
        out.append(say(
            f"故障最多的设备是 {label}，共 {d['requests']} 次，建议评估更换或预防性维护。",
            f"The device that failed most was {label}, {d['requests']} times; consider "
            "replacing it or preventive maintenance."))
    escalations = sum(fig.escalations.values())
    if escalations:
        out.append(say(f"本期服务升级 {escalations} 次。",
                       f"{escalations} escalation{'s' if escalations != 1 else ''} this period."))
    complaints = fig.complaints
    if complaints.get("total"):
        out.append(say(
            f"客户投诉 {complaints['total']} 件，已答复 {complaints['responded']} 件，"
            f"按时答复 {complaints['responded_in_time']} 件。",
            f"{complaints['total']} complaint{'s' if complaints['total'] != 1 else ''}; "
            f"{complaints['responded']} answered, "
            f"{complaints['responded_in_time']} on time."))
    else:
        out.append(say("本期无客户投诉。", "No complaints this period."))
    if fig.fees_all_fen:  # the cover's 服务费用: slips' and repairs' fees
        out.append(say(f"服务费用合计 {format_yuan(fig.fees_all_fen)}（其中维修费用 "
                       f"{format_yuan(fig.repairs.get('repair_fees_fen', 0))}）。",
                       f"Fees total {format_yuan(fig.fees_all_fen)} (repair fees "
                       f"{format_yuan(fig.repairs.get('repair_fees_fen', 0))})."))
    if fig.findings:
        rules = sorted({name("rule", f["rule"], language) for f in fig.findings})
        out.append(say(
            f"主动分析发现 {len(fig.findings)} 项需关注的规律（{'、'.join(rules)}），"
            "详见报告末节。",
            f"{len(fig.findings)} patterns worth attention were found "
            f"({', '.join(r.lower() for r in rules)}); see the last section."))
    return out
