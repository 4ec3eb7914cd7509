"""Service analysis reports (服务分析报告, R6.1/R6.3): scheduled per contract, versioned
as late data arrives, and proactive findings; docs/reports.md."""

from fieldapp.archive.reports.figures import Figures, compute_figures
from fieldapp.archive.reports.rules import ReportRules
from fieldapp.archive.reports.runner import (
    RunResult,
    end_of_day,
    get_report,
    list_reports,
    list_skips,
    request_report,
    run_due,
    staff_report,
)

__all__ = ["Figures", "ReportRules", "RunResult", "compute_figures", "end_of_day",
           "get_report", "list_reports", "list_skips", "request_report", "run_due", "staff_report"]
