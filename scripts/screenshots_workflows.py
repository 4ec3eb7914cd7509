"""Screenshots of the workflow screens in Chinese and English into docs/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshots_workflows.py

Needs a CJK font (Debian: fonts-noto-cjk). Uses a throwaway demo store with a repair in
the workshop (loaner out), a complaint, an open question.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import demo_desktop, demo_window, save, wait

from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests
from fieldapp.records.events import EventKind, SignatureInput
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import complaints, dossier, group_archive, loaners, questions, repair
from ui.kit import i18n

SCALE = os.environ.get("QT_SCALE_FACTOR", "1")


def _records(store) -> tuple:  # type: ignore[no-untyped-def]
    now = utcnow()
    with store.write() as s:
        customer = next(c for c in reference.list_customers(s) if c.code == "TJPORT")
        e07 = reference.engineer_by_code(s, "E07")
        device = next(d for d in reference.find_devices(s, "ZC-TJPORT-001"))
        request = service_requests.take_request(
            s, operator_code="C01", customer=customer, channel="onsite", device=device,
            fault_reported="三楼财务室打印机开机无显示", contact_name="孙丽",
            contact_phone="13900220000", requested_at=now - timedelta(minutes=90), engineer=e07)
        sig = SignatureInput("刘洋", signature_strokes(5), PAD_WIDTH, PAD_HEIGHT)
        customer_sig = SignatureInput("孙丽", signature_strokes(9), PAD_WIDTH, PAD_HEIGHT)
        at = now - timedelta(minutes=60)
        order = repair.open_repair(s, request, e07, repair.RepairIntake(
            company_contact="孙丽", contact_phone="13900220000",
            fault_description="主板故障，开机无显示，现场无法修复", received_at=at,
            arrived_at=at + timedelta(minutes=5), departed_at=at + timedelta(minutes=25),
            engineer_signature=sig, device_grade="A", accessories="电源线一根"))
        repair.estimate_repair(s, order, cost_fen=58000, expected_ready_at=now + timedelta(
            days=1), estimated_by="维修部 王工", actor_code="E07", occurred_at=now - timedelta(
            minutes=20))
        for tag, grade, text in (("BJ-PRN-01", "A", "惠普 LaserJet M405dn"),
                                 ("BJ-PRN-02", "B", "惠普 LaserJet P2055d"),
                                 ("BJ-NB-01", "A", "联想 ThinkPad E14")):
            loaners.add_loaner(s, asset_tag=tag, device_class="laptop" if "NB" in tag
                               else "printer", grade=grade, description=text)
        loaners.issue_loaner(s, loaners.get_loaner(s, "BJ-PRN-02"), order,
                             engineer_signature=sig, customer_signature=customer_sig,
                             actor_code="E07", occurred_at=now - timedelta(minutes=10))
        complaint = complaints.open_complaint(
            s, customer=customer, about="engineer", engineer=reference.engineer_by_code(s, "E01"),
            description="工程师两次上门均未解决打印问题，且未按约定时间到达", received_via="phone",
            received_at=now - timedelta(hours=20), recorded_by="C01")
        complaints.respond_to_complaint(s, complaint, response="已致电客户致歉，改派刘洋处理",
                                        responder="陈晓红", actor_code="C01",
                                        occurred_at=now - timedelta(hours=2))
        questions.record_question(s, customer=customer, asked_by="孙丽",
                                  question="能否把财务室打印机换成支持双面打印的型号？",
                                  asked_at=now - timedelta(hours=3),
                                  promised_at=now + timedelta(hours=21), recorded_by="E07")
        _dossier(s, customer, device, now)
        return request.id, order.id, complaint.id


def _dossier(s, customer, device, now) -> None:  # type: ignore[no-untyped-def]
    """The group dossier (R2.5): a problem set tracked and returned once, a suggestion the
    customer accepted, a tracking note — as the desktop's dossier dialog shows them."""
    at = now - timedelta(days=3)
    problem = dossier.raise_problem(
        s, customer=customer, title="财务室打印机反复卡纸", device=device,
        description="每周卡纸两三次，搓纸轮磨损。", raised_by="E07", raised_at=at, now=now)
    dossier.problem_step(s, problem, kind=EventKind.PROBLEM_TRACKING, note="已更换搓纸轮，观察两周",
                         actor_code="E07", occurred_at=at + timedelta(hours=1), now=now)
    for step in dossier.state_of(s, problem).steps:
        dossier.review(s, problem, step.submission_id, verdict="returned", reviewer="王芳",
                       comment="请注明更换配件的型号。", actor_code="CENTRE",
                       occurred_at=at + timedelta(days=1), now=now)
    dossier.problem_step(s, problem, kind=EventKind.PROBLEM_NOTED, note="搓纸轮型号 RM2-5452",
                         actor_code="E07", occurred_at=at + timedelta(days=2), now=now)
    suggestion = dossier.propose_suggestion(
        s, customer=customer, suggestion="建议为机房打印机配备两支备用硒鼓。", proposed_by="E07",
        proposed_at=at, now=now)
    dossier.suggestion_step(s, suggestion, kind=EventKind.SUGGESTION_ACCEPTED,
                            customer_name="孙丽", note="下月采购", actor_code="E07",
                            occurred_at=at + timedelta(hours=2), now=now)
    group_archive.add_archive_entry(s, customer=customer, kind="device_tracking",
                                    text="打印机运行正常，建议季度保养", author_code="E07",
                                    noted_at=at, device=device, now=now)


def _on_problems(flows):  # type: ignore[no-untyped-def]
    """The dossier dialog on its problem sets, the first one chosen."""
    dialog = flows.archive_dialog
    dialog.tabs.setCurrentWidget(dialog.problems)
    return dialog


def main() -> None:
    app, store, settings, _data = demo_desktop(
        60, operator_code="E07", operator_name="刘洋", role="staff",
        company_name="天津信达信息技术服务有限公司", setup_done=True)
    request_id, repair_id, complaint_id = _records(store)
    ops, window = demo_window(app, store, settings, request_id)
    slip_id = window.editor.data.id
    flows = window.workflows
    for language in ("zh", "en"):
        i18n.set_language(language)
        window.show_lists()
        for name, page in (("repairs", window.repairs_page), ("loaners", window.loaners_page),
                           ("complaints", window.complaints_page),
                           ("questions", window.questions_page)):
            window.tabs.setCurrentWidget(page)
            wait(app, ops)
            save(window, name, language, SCALE)
        shots = (
            ("repair-order", lambda: flows.open_repair(repair_id), lambda: flows.repair_view),
            ("repair-intake", lambda: flows.send_in(request_id, slip_id), lambda: flows.intake),
            ("escalate", lambda: flows.escalate(request_id, slip_id),
             lambda: flows.escalation),
            ("complaint", lambda: flows.open_complaint(complaint_id),
             lambda: flows.complaint_view),
            ("new-complaint", flows.new_complaint, lambda: flows.complaint_dialog),
            ("question", lambda: flows.record_question(slip_id, "孙丽"),
             lambda: flows.question_dialog),
            ("archive-entry", lambda: flows.archive(slip_id), lambda: _on_problems(flows)),
        )
        for name, open_it, get in shots:
            open_it()
            wait(app, ops)
            dialog = get()
            wait(app, ops)  # at the size the app gives it on this screen (ui/kit/fit.py)
            save(dialog, name, language, SCALE)
            dialog.close()
    ops.wait_done()
    store.close()


if __name__ == "__main__":
    main()
