"""The new screens: nothing untranslated (zh and en), 44 px targets, models pass
qtmodeltester."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QWidget

from tests.ui.test_language import untranslated
from tests.ui.workflow_helpers import (
    main_window,
    one_of_each_workflow,
    open_every_workflow_dialog,
    open_request,
)
from ui.kit import i18n
from ui.kit.style import TOUCH_MIN


@pytest.fixture
def workflow_records(store, onsite_request):  # type: ignore[no-untyped-def]
    """One of each: a repair with a loaner out, a complaint, an open question."""
    return one_of_each_workflow(store, onsite_request)


def _screens(qtbot, window, onsite_request, records) -> list[QWidget]:  # type: ignore[no-untyped-def]
    flows, (repair_id, complaint_id) = window.workflows, records
    open_request(qtbot, window, onsite_request)
    open_every_workflow_dialog(qtbot, window, onsite_request, window.editor.data.id,
                               repair_id, complaint_id)
    return [window, flows.repair_view, flows.complaint_view, flows.complaint_dialog,
            flows.intake, flows.escalation, flows.question_dialog, flows.archive_dialog]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_new_screens_have_nothing_untranslated(qtbot, ops, settings, onsite_request,
                                               workflow_records, language):  # type: ignore[no-untyped-def]
    i18n.set_language(language)
    window = main_window(qtbot, ops, settings)
    for page in window.workflow_pages:
        window.tabs.setCurrentWidget(page)
        qtbot.waitUntil(lambda page=page: page.model.rowCount() > 0 and ops.pending == 0)
        assert untranslated(window, language) == []
    for screen in _screens(qtbot, window, onsite_request, workflow_records):
        assert untranslated(screen, language) == [], screen.objectName()
    # and switching at runtime retranslates them
    other = "en" if language == "zh" else "zh"
    i18n.set_language(other)
    for screen in _screens(qtbot, window, onsite_request, workflow_records):
        assert untranslated(screen, other) == [], screen.objectName()


def test_new_screens_have_44_px_touch_targets(qtbot, ops, settings, onsite_request,
                                              workflow_records):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)
    for screen in _screens(qtbot, window, onsite_request, workflow_records):
        buttons = [b for b in screen.findChildren(QAbstractButton) if b.text()]
        small = [(b.text(), b.sizeHint().height()) for b in buttons
                 if b.sizeHint().height() < TOUCH_MIN]
        assert small == [], screen.objectName()


@pytest.mark.any_moment  # each row's clock is evaluated at now
@pytest.mark.parametrize("page_name", ["repairs_page", "loaners_page", "complaints_page",
                                       "questions_page"])
def test_workflow_models_pass_qtmodeltester(qtbot, qtmodeltester, ops, settings,
                                            workflow_records, page_name):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)
    page = getattr(window, page_name)
    window.tabs.setCurrentWidget(page)  # a workflow tab loads when it is shown
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and ops.pending == 0)
    qtmodeltester.check(page.model, force_py=True)
    page.refresh()  # a reset and a fresh page, watched by the tester
    qtbot.waitUntil(lambda: not page.model.loading and ops.pending == 0, timeout=10_000)
    row = page.model.row_at(0)
    if page_name == "loaners_page":
        assert (row.asset_tag, row.status) == ("BJ-PRN-01", "out")
    if page_name == "repairs_page":
        assert row.clock_state == "on_track" and row.status == "received"


WORKFLOW_SCREENS = ("repair_intake", "repair_view", "loaner_view", "complaint_dialog",
                    "complaint_view", "escalation_dialog", "question_view",
                    "dossier_dialog", "findings_view", "workflow_pages",
                    "workflow_actions", "workflow_documents", "workflow_widgets")
# The core's workflow modules a screen may still name: labels, choices and pure values.
CORE_WORKFLOW = ("fieldapp.workflows.repair", "fieldapp.workflows.complaints",
                 "fieldapp.workflows.escalation", "fieldapp.workflows.loaners",
                 "fieldapp.workflows.questions", "fieldapp.workflows.group_archive",
                 "fieldapp.workflows.dossier", "fieldapp.reads.dossier",
                 "fieldapp.reads.findings", "fieldapp.reads.workflow_lists",
                 "fieldapp.records.events", "fieldapp.records.reference",
                 "fieldapp.records.service_requests", "fieldapp.records.slips",
                 "fieldapp.reads.queries", "fieldapp.documents", "fieldapp.store", "sqlalchemy")
LABELS_AND_VALUES = {
    "fieldapp.workflows.complaints.ABOUT_LABELS", "fieldapp.workflows.complaints.ABOUTS",
    "fieldapp.workflows.complaints.ROUTE_LABELS", "fieldapp.workflows.complaints.STATUS_LABELS",
    "fieldapp.workflows.complaints.VIA", "fieldapp.workflows.complaints.DEFAULT_RESPONSE_HOURS",
    "fieldapp.workflows.complaints.route_complaint",  # pure: shown as the subject is chosen
    "fieldapp.workflows.repair.STATUS_LABELS", "fieldapp.workflows.group_archive.KIND_LABELS",
    "fieldapp.workflows.group_archive.KINDS", "fieldapp.reads.findings.RULE_LABELS",
    "fieldapp.records.events.ESCALATION_KINDS", "fieldapp.records.events.LOANER_CONDITIONS",
    "fieldapp.records.events.SignatureInput",
    "fieldapp.store.Store",  # the handle a screen passes to its services
    # statuses and kinds (StrEnum): values a screen compares, not workflow code
    "fieldapp.workflows.repair.RepairStatus", "fieldapp.workflows.complaints.ComplaintStatus",
    "fieldapp.workflows.loaners.LoanerStatus", "fieldapp.workflows.questions.QuestionStatus",
    "fieldapp.records.events.EscalationKind", "fieldapp.records.events.Decision",
    "fieldapp.store.values.SignerRole",
    "fieldapp.store.values.SlipResult", "fieldapp.store.values.SlipStatus",
    "fieldapp.store.values.ComplaintAbout", "fieldapp.store.values.ComplaintRouting",
}


def test_the_workflow_screens_call_their_services_not_the_core_workflows() -> None:
    """No screen records, folds or queries a workflow itself: that is what
    fieldapp.services.{repairs,loaners,complaints,…} are for (issue 22)."""
    import ast
    import pathlib

    for name in WORKFLOW_SCREENS:
        path = f"ui/{name}.py" if "/" in name else f"ui/workflows/{name}.py"
        tree = ast.parse(pathlib.Path(path).read_text("utf-8"))
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {f"{node.module}.{alias.name}" for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) for alias in node.names}
        imported |= {f"fieldapp.{alias.name}" for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module == "fieldapp"
                     for alias in node.names}
        assert sorted(m for m in imported if m.startswith(CORE_WORKFLOW)
                      and m not in LABELS_AND_VALUES) == [], name
