"""A report's numbers as CSV: one table, `section,item,detail,value`, so a spreadsheet
can pivot it. Money is exact yuan (two decimals); durations are minutes. The pictures a
finding or a worst case refers to are rows of their own after it (`finding_pictures`,
`finding_picture` …), so every row keeps its four columns."""

from __future__ import annotations

import csv
import io
from typing import Any

from fieldapp.archive.reports.figures import BUCKETS, Figures
from fieldapp.base.money import fen_to_yuan

HEADER = ("section", "item", "detail", "value")


def figure_rows(fig: Figures) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = [
        ("report", "customer", fig.customer_code, fig.customer_name),
        ("report", "period", fig.period_start, fig.period_end),
        *cover_rows(fig),
    ]
    for month, channels in fig.requests_by_month.items():
        rows += [("requests_by_month", month, ch, str(n)) for ch, n in channels.items()]
    rows += [("slips_by_month", month, "", str(n)) for month, n in fig.slips_by_month.items()]
    for kind, states in fig.sla.items():
        rows += [("sla", kind, state, str(n)) for state, n in states.items()]
    rows += [("sla_worst", w["request"], w["clock"], str(w["minutes_late"])) for w in fig.worst]
    rows += [("sla_open_breached", kind, "", str(n)) for kind, n in fig.sla_open_breached.items()]
    rows += [("sla_worst_open_minutes", w["request"], w["clock"], str(w["open_minutes"]))
             for w in fig.worst if w.get("stopped") == "running" and "open_minutes" in w]
    for w in fig.worst:
        rows += picture_rows("sla_worst", w["request"], w["clock"], w.get("pictures"))
    for name, dist in (("response_minutes", fig.response), ("resolution_minutes", fig.resolution)):
        for key in ("count", "median", "p90"):
            value = dist.get(key)
            rows.append((name, key, "", "" if value is None else str(value)))
        edges = ["0", *map(str, BUCKETS)]
        for i, n in enumerate(dist.get("buckets", [])):
            upper = str(BUCKETS[i]) if i < len(BUCKETS) else ""
            rows.append((name, "bucket", f"{edges[i]}-{upper}", str(n)))
    rows += [("repairs", k, "", _money(k, v)) for k, v in fig.repairs.items()]
    rows += [("escalations", k, "", str(v)) for k, v in fig.escalations.items()]
    for key, value in fig.complaints.items():
        if key == "by_about":
            rows += [("complaints", "by_about", about, str(n)) for about, n in value.items()]
        elif key == "late":
            rows += [("complaints", "late", number, "") for number in value]
        else:
            rows.append(("complaints", key, "", str(value)))
    rows += [("fees_yuan", kind, "", str(fen_to_yuan(fen))) for kind, fen in fig.fees_fen.items()]
    rows.append(("fees_yuan", "slips_subtotal", "", str(fen_to_yuan(fig.fees_total_fen))))
    rows.append(("fees_yuan", "repair", "", str(fen_to_yuan(fig.repairs.get("repair_fees_fen",
                                                                             0)))))
    rows.append(("fees_yuan", "total", "", str(fen_to_yuan(fig.fees_all_fen))))
    rows += [("top_devices", d["asset_tag"] or d["serial"], d["device"], str(d["requests"]))
             for d in fig.top_devices]
    for kind, n in fig.archive.get("counts", {}).items():
        rows.append(("group_archive", kind, "", str(n)))
    rows += dossier_rows(fig)
    for finding in fig.findings:  # the count, then one row per request: no cell grows
        numbers = [n for n in finding["evidence"].split(",") if n]
        rows.append(("findings", finding["rule"], finding["found_on"], str(len(numbers))))
        rows += [("finding_evidence", finding["rule"], finding["found_on"], number)
                 for number in numbers]
        rows += picture_rows("finding", finding["rule"], finding["found_on"],
                             finding.get("pictures"))
    return rows


def picture_rows(prefix: str, item: str, detail: str, pictures: dict[str, Any] | None
                 ) -> list[tuple[str, str, str, str]]:
    """The pictures a finding or worst case refers to (those the customer sees on the
    portal): `{prefix}_pictures` with the count, then one `{prefix}_picture` row per
    picture: the record it belongs to, its kind, its id (/portal/photos/{id})."""
    if not pictures:
        return []
    return [(f"{prefix}_pictures", item, detail, str(pictures["count"]))] + [
        (f"{prefix}_picture", record["number"], picture["kind"], picture["id"])
        for record in pictures.get("records", []) for picture in record.get("pictures", [])]


def dossier_rows(fig: Figures) -> list[tuple[str, str, str, str]]:
    """Per list (problems.raised …): its count, then one row per record (number, title);
    the reviewed records only, and how many submissions still await review."""
    rows = []
    for part, lists in fig.dossier.items():
        if not isinstance(lists, dict):
            continue
        for key, items in lists.items():
            rows.append(("dossier", f"{part}.{key}", "", str(len(items))))
            rows += [("dossier_record", f"{part}.{key}", i["number"], i["title"]) for i in items]
    if fig.dossier:
        rows.append(("dossier", "awaiting_review", "", str(fig.dossier["awaiting_review"])))
    return rows


def cover_rows(fig: Figures) -> list[tuple[str, str, str, str]]:
    """The cover's key figures, each equal to its section's rows (tests/archive/
    test_reports_reconcile.py checks them against each other)."""
    stopped = sum(s["met"] + s["met_within_tolerance"] + s["breached"] for s in fig.sla.values())
    breached = sum(s["breached"] for s in fig.sla.values())
    median = fig.response.get("median")
    return [
        ("totals", "requests", "", str(fig.requests_total)),
        ("totals", "slips", "", str(fig.slips_total)),
        ("totals", "sla_with_verdict", "", str(stopped)),
        ("totals", "sla_breached", "", str(breached)),
        ("totals", "response_median_minutes", "", "" if median is None else str(median)),
        ("totals", "escalations", "", str(sum(fig.escalations.values()))),
        ("totals", "complaints", "", str(fig.complaints.get("total", 0))),
        ("totals", "repair_orders", "", str(fig.repairs.get("orders", 0))),
        ("totals", "loaners_issued", "", str(fig.repairs.get("loaners_issued", 0))),
        ("totals", "fees_yuan", "", str(fen_to_yuan(fig.fees_all_fen))),
    ]


def _money(key: str, value: int) -> str:
    return str(fen_to_yuan(value)) if key.endswith("_fen") else str(value)


def render_csv(fig: Figures) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Chinese names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(figure_rows(fig))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
