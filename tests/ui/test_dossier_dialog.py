"""客户档案 on the laptop after a visit (R2.5, issue 20 item 6): the engineer raises a
problem set, starts tracking it, and sees only the next steps the problem allows; a step
the centre returned shows its comment; a tracking note lands under its device. The
dialog fits 1280x680 with 44 px targets (tests/ui/test_fit.py's screens include it)."""

from __future__ import annotations

from sqlalchemy import select

from fieldapp.records.events import EventKind
from fieldapp.services import visit
from fieldapp.store.workflow_models import ProblemSet
from fieldapp.workflows import dossier
from tests.ui.visit_helpers import type_chinese
from tests.ui.workflow_helpers import click
from ui.workflows.dossier_dialog import DossierDialog


def test_raise_track_and_read_the_centres_comment(qtbot, ops, settings, store,
                                                  onsite_request):  # type: ignore[no-untyped-def]
    slip = visit.open_visit(store, onsite_request, "E07")
    dialog = DossierDialog(ops, settings, slip.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.context is not None)
    assert dialog.context is not None and dialog.context.is_group  # 天津港: a group customer

    dialog.tabs.setCurrentWidget(dialog.problems)
    type_chinese(dialog.problem_title, "财务室打印机反复卡纸")
    type_chinese(dialog.problem_text, "每周两三次，搓纸轮磨损。")
    click(qtbot, dialog.problems.new_button)
    qtbot.waitUntil(lambda: dialog.problems.list.count() == 1)
    steps = dialog.problems.step_buttons
    assert steps[EventKind.PROBLEM_TRACKING].isEnabled()
    assert not steps[EventKind.PROBLEM_REOPENED].isEnabled()  # nothing to reopen yet

    type_chinese(dialog.problems.note, "已更换搓纸轮，观察两周")
    click(qtbot, steps[EventKind.PROBLEM_TRACKING])
    qtbot.waitUntil(lambda: "已更换搓纸轮" in dialog.problems.detail.text())
    assert not steps[EventKind.PROBLEM_TRACKING].isEnabled()  # tracking already
    assert "待审核" in dialog.problems.detail.text()

    with store.write() as session:  # the centre's verdict, as a pull brings it
        problem = session.scalars(select(ProblemSet)).one()
        dossier.review(session, problem, problem.id, verdict="returned", reviewer="王芳",
                       comment="请注明设备资产编号。", actor_code="CENTRE",
                       occurred_at=problem.raised_at)
    dialog.reload()
    qtbot.waitUntil(lambda: "请注明设备资产编号" in dialog.problems.detail.text())
    assert "服务中心退回" in dialog.problems.detail.text()

    dialog.tabs.setCurrentIndex(0)
    type_chinese(dialog.note_text, "核心交换机风扇噪音偏大")
    click(qtbot, dialog.save_note)
    qtbot.waitUntil(lambda: "核心交换机风扇噪音偏大" in dialog.devices.text())
    for b in (dialog.save_note, dialog.problems.new_button, *steps.values()):
        assert b.sizeHint().height() >= 44 or b.minimumHeight() >= 44 or b.height() >= 44
