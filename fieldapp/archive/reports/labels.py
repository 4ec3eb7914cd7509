"""zh/en names of what a report counts (the users' own words first)."""

from __future__ import annotations

from fieldapp.base.i18n import Language, pair, term
from fieldapp.reads.findings import RULE_LABELS
from fieldapp.rules.validation import CHANNEL_LABELS, FEE_KIND_LABELS
from fieldapp.sla.clocks import ClockKind, ClockState
from fieldapp.sla.clocks import label as clock_label
from fieldapp.workflows.complaints import ABOUT_LABELS
from fieldapp.workflows.escalation import KIND_LABELS as ESCALATION_LABELS
from fieldapp.workflows.group_archive import KIND_LABELS as ARCHIVE_LABELS

KIND_LABELS = {
    "quarterly": ("季度报告", "Quarterly report"),
    "half_yearly": ("半年报告", "Half-year report"),
    "yearly": ("年度报告", "Yearly report"),
    "requested": ("应客户要求的报告", "Report on the customer's request"),
    "contract_end": ("合同到期前总结报告", "Summary before the contract ends"),
    "proactive": ("主动分析报告", "Proactive analysis report"),
}
STATE_LABELS = {"running": ("进行中", "Running")}
TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "channel": CHANNEL_LABELS, "fee": FEE_KIND_LABELS, "kind": KIND_LABELS, "rule": RULE_LABELS,
    "escalation": ESCALATION_LABELS, "about": ABOUT_LABELS, "archive": ARCHIVE_LABELS,
}


def name(table: str, key: str, language: Language) -> str:
    if table == "clock":
        return clock_label(ClockKind(key), language)
    if table == "state":
        if key in STATE_LABELS:
            return pair(STATE_LABELS[key], language)
        return clock_label(ClockState(key), language)
    return term(TABLES[table], key, language)
