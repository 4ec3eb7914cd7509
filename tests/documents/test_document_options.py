"""Every renderer takes its layout, copy and language from any caller (settings, the CLI,
the server) and refuses a wrong one with one line in both languages, before drawing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fieldapp.documents import DocumentError
from fieldapp.documents.sample import (
    sample_company,
    sample_complaint_report,
    sample_loaner,
    sample_repair_intake,
    sample_repair_return,
    sample_slip,
)
from fieldapp.documents.slip_pdf import render_slip_pdf
from fieldapp.documents.workflow_pdf import (
    render_complaint_report_pdf,
    render_loaner_pdf,
    render_repair_intake_pdf,
    render_repair_return_pdf,
)

COMPANY = sample_company()
RENDERERS: dict[str, Callable[..., bytes]] = {
    "slip": lambda **o: render_slip_pdf(sample_slip(), COMPANY, **o),
    "repair intake": lambda **o: render_repair_intake_pdf(sample_repair_intake(), COMPANY, **o),
    "loaner": lambda **o: render_loaner_pdf(sample_loaner(), COMPANY, **o),
}
A4_ONLY: dict[str, Callable[..., bytes]] = {
    "repair return": lambda **o: render_repair_return_pdf(sample_repair_return(), COMPANY, **o),
    "complaint report": lambda **o: render_complaint_report_pdf(sample_complaint_report(),
                                                                COMPANY, **o),
}
WRONG = [({"layout": "a5"}, "未知的版式：a5", "Unknown layout: a5"),
         ({"copy": "office"}, "未知的联次：office", "Unknown copy: office"),
         ({"language": "fr"}, "不支持的语言：fr", "Unsupported language: fr")]


CASES = [pytest.param(kind, option, zh, en, id=f"{kind}-{next(iter(option))}")
         for kind in (*RENDERERS, *A4_ONLY) for option, zh, en in WRONG
         if not (kind in A4_ONLY and "layout" in option)]  # those two are A4 only


@pytest.mark.parametrize(("kind", "option", "zh", "en"), CASES)
def test_a_wrong_option_is_refused_in_both_languages(kind: str, option: dict[str, str],
                                                     zh: str, en: str) -> None:
    render = {**RENDERERS, **A4_ONLY}[kind]
    with pytest.raises(DocumentError) as refused:
        render(**option)
    assert refused.value.message("zh") == zh and refused.value.message("en") == en
