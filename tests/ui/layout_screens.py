"""Every window, dialog and page on one configured screen (tests/ui/test_layout.py runs
this file in a subprocess per screen size; it is not collected on its own).

Each entry of `SCREENS` opens one screen the way the engineer does, over the conftest's
demo store, with a slip filled in, a repair in the workshop with a loaner out, a complaint
and an open question. The screen is measured in Chinese and in English.

    FIELDAPP_LAYOUT_REPORT=FILE  appends one JSON line per screen and language
    FIELDAPP_LAYOUT_SHOTS=DIR    saves a PNG of each screen and language
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session

from fieldapp.base.timeutil import utcnow
from fieldapp.records import reference, service_requests, slips
from fieldapp.records.events import SignatureInput
from fieldapp.rules.validation import FeeLineInput
from fieldapp.store.models import Slip
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows import complaints, loaners, questions, repair
from tests.ui.layout_check import problems, size_of
from ui.kit import i18n
from ui.kit.camera import CameraDialog
from ui.kit.confirm import ConfirmDialog
from ui.kit.fields import TimePicker
from ui.kit.picture_view import PictureDialog
from ui.shell.main_window import MainWindow
from ui.shell.price_list_dialog import PriceListDialog
from ui.shell.setup_dialog import SetupDialog
from ui.shell.start_frame import StartFrame
from ui.sync.sync_page import WaitingPage
from ui.visit.device_view import DeviceView
from ui.visit.preview_dialog import PreviewDialog
from ui.visit.request_dialog import RequestDialog
from ui.visit.sign_view import SignView
from ui.visit.slip_editor import SlipEditor
from ui.workflows.complaint_dialog import ComplaintDialog
from ui.workflows.complaint_view import ComplaintView
from ui.workflows.dossier_dialog import DossierDialog
from ui.workflows.dossier_review_dialog import DossierReviewDialog
from ui.workflows.escalation_dialog import EscalationDialog
from ui.workflows.estimate_dialog import EstimateDialog
from ui.workflows.findings_view import FindingsPage
from ui.workflows.loaner_view import LoanersPage
from ui.workflows.question_view import QuestionDialog, QuestionsPage
from ui.workflows.repair_intake import RepairIntakeDialog
from ui.workflows.repair_view import RepairView
from ui.workflows.report_dialog import ReportDialog
from ui.workflows.tasks_dialog import TasksDialog
from ui.workflows.workflow_pages import ComplaintsPage, RepairsPage
from ui.workflows.workflow_widgets import PadDialog


@dataclass
class Env:
    qtbot: object
    ops: object
    settings: object
    request_id: uuid.UUID
    repair_id: uuid.UUID
    complaint_id: uuid.UUID
    window: MainWindow | None = None
    opened: list[QWidget] = field(default_factory=list)

    def idle(self, until: Callable[[], object] = lambda: True) -> None:
        self.qtbot.waitUntil(lambda: self.ops.pending == 0 and bool(until()),  # type: ignore[attr-defined]
                             timeout=15_000)

    def main(self) -> MainWindow:
        if self.window is None:
            window = MainWindow(self.ops, self.settings)  # type: ignore[arg-type]
            self.qtbot.addWidget(window)  # type: ignore[attr-defined]
            window.show()
            self.idle(lambda: window.requests_model.rowCount() > 0)
            self.window = window
        return self.window

    def editor(self) -> SlipEditor:
        """The main window's editor on the engineer's slip (filled in by `workflow_ids`)."""
        window = self.main()
        editor = window.editor
        if editor.data is None:
            window.open_request(self.request_id)
            self.idle(lambda: editor.data is not None)
        return editor

    def dialog(self, open_it: Callable[[], None], get: Callable[[], QWidget | None]) -> QWidget:
        """The dialog `open_it` opens (a new one, not the one `get` gave before)."""
        def current() -> QWidget | None:
            try:
                return get()
            except AttributeError:  # the holder has not opened one yet
                return None

        before = current()
        open_it()
        self.idle(lambda: current() is not None and current() is not before
                  and current().isVisible())  # type: ignore[union-attr]
        dialog = current()
        assert dialog is not None
        return dialog


def _page(page: Callable[[MainWindow], QWidget]) -> Callable[[Env], QWidget]:
    def open_page(env: Env) -> QWidget:
        window = env.main()
        window.tabs.setCurrentWidget(page(window))
        env.idle()
        return window
    return open_page


def _slip_editor(env: Env) -> QWidget:
    env.editor()
    return env.main()


def _setup(first_start: bool) -> Callable[[Env], QWidget]:
    def open_setup(env: Env) -> QWidget:
        dialog = SetupDialog(env.settings, first_start=first_start,  # type: ignore[arg-type]
                             parent=env.main())
        env.opened.append(dialog)
        dialog.open()
        return dialog
    return open_setup


def _start_frame(env: Env) -> QWidget:
    """The start's frame (issue 23) with the snapshot the live window takes of its lists."""
    from ui.shell.app import take_snapshot

    window = env.main()
    env.idle(lambda: window.slips_model.rowCount() > 0)
    frame = StartFrame(env.settings, take_snapshot(window, None))  # type: ignore[arg-type]
    env.qtbot.addWidget(frame)  # type: ignore[attr-defined]
    frame.show()
    return frame


def _new_request(env: Env) -> QWidget:
    return env.dialog(env.main().new_request, lambda: env.main().request_dialog)


def _device_view(env: Env) -> QWidget:
    view = env.dialog(lambda: env.main().open_devices("ZC-TJPORT-001"),
                      lambda: env.main().device_view)
    env.idle(lambda: view.story is not None)  # type: ignore[attr-defined]
    return view


def _sign(role: str) -> Callable[[Env], QWidget]:
    def open_sign(env: Env) -> QWidget:
        editor = env.editor()
        return env.dialog(lambda: editor.start_signing(role), lambda: editor.sign_view)
    return open_sign


def _flow(name: str, call: Callable[[Env], None]) -> Callable[[Env], QWidget]:
    def open_flow(env: Env) -> QWidget:
        flows = env.main().workflows
        return env.dialog(lambda: call(env), lambda: getattr(flows, name))
    return open_flow


def _slip_id(env: Env) -> uuid.UUID:
    data = env.editor().data
    assert data is not None
    return data.id


def _dossier_tab(env: Env, tab: str) -> QWidget:
    """The dossier dialog on its problem-set or suggestion tab (their steps' buttons)."""
    dialog = _flow("archive_dialog", lambda e: e.main().workflows.archive(_slip_id(e)))(env)
    assert isinstance(dialog, DossierDialog)
    env.idle(lambda: dialog.context is not None)
    dialog.tabs.setCurrentWidget(getattr(dialog, tab))
    return dialog


def _picture(env: Env) -> QWidget:
    """The full view of a picture on the engineer's slip (issue 21)."""
    from fieldapp.services import attachments
    from tests.core.photo_samples import photo

    editor = env.editor()
    assert editor.data is not None
    attachments.add(env.ops.store, "slip", editor.data.id,  # type: ignore[attr-defined]
                    data=photo(1600, 1200), caption="搓纸轮磨损", kind="damage",
                    actor_code="E07")
    editor.go_to("work")
    editor.pictures.reload()
    env.idle(lambda: editor.pictures.list.count() > 0)
    strip = editor.pictures
    return env.dialog(lambda: strip._open(strip.list.item(0)),
                      lambda: strip.dialog)  # type: ignore[attr-defined]


def _camera(env: Env) -> QWidget:
    """The camera's dialog: only where Qt Multimedia and a camera exist."""
    from ui.kit.camera import CameraDialog, camera_available

    if not camera_available():
        pytest.skip("no Qt Multimedia or no camera here (PySide6-Essentials)")
    dialog = CameraDialog(env.main())
    env.opened.append(dialog)
    dialog.open()
    return dialog


def _repair_view(env: Env) -> RepairView:
    view = _flow("repair_view", lambda e: e.main().workflows.open_repair(e.repair_id))(env)
    assert isinstance(view, RepairView)
    env.idle(lambda: view.data is not None)
    return view


def _repair_pad(env: Env) -> QWidget:
    view = _repair_view(env)
    return env.dialog(view.confirm_by_signature, lambda: view.pad_dialog)


def _repair_estimate(env: Env) -> QWidget:
    view = _repair_view(env)
    return env.dialog(view.open_estimate, lambda: view.estimate_dialog)


def _repair_copy(env: Env) -> QWidget:
    view = _repair_view(env)
    return env.dialog(lambda: view.open_copy("intake"), lambda: view.preview)


def _waiting_parked(env: Env) -> QWidget:
    """待同步 with each kind of row (issue 19): one the archive refused, a pulled one set
    aside here (so its retry button shows), those to send, and a tapped row's whole
    reason under the list."""
    from fieldapp.base.ids import new_uuid
    from fieldapp.store import outbox
    from fieldapp.sync import parking

    number = "R-E01-20261206-001"
    with env.ops.store.write() as session:  # type: ignore[attr-defined]
        request = next(e for e in outbox.pending(session, 1000)
                       if e.table == "service_requests")
        outbox.refuse(session, request, "not_assigned",
                      "服务请求 R-E07-20261206-003 现由 E02 负责，"
                      "只有负责的工程师或服务中心可以提交其服务单。",
                      "Service request R-E07-20261206-003 is now E02's: only the engineer it "
                      "is assigned to, or the service centre, may send its slips.")
        parking.park(session, {"table": "service_requests", "id": str(new_uuid()),
                               "row": {"number": number}}, (
            "number_clash",
            f"档案中的服务请求 {number} 与本机另一条服务请求编号相同（同一编号在两台电脑上使用，"
            "本机的一条已签名，不能改号），暂未存入本机；其余数据照常同步。请联系服务中心。",
            f"The archive's service request {number} has the number of another service "
            "request on this laptop (one number used on two computers; the one here is "
            "signed and keeps its number); it is set aside, everything else syncs. "
            "Contact the service centre."))
    window = env.main()
    page = window.waiting_page
    window.tabs.setCurrentWidget(page)
    page.refresh()
    env.idle(lambda: page.parked_button.isVisible() and page.model.rowCount() > 2)
    parked = next(i for i in range(page.model.rowCount())
                  if page.model.row_at(i).state == "parked")
    page.show_detail(page.model.row_at(parked))
    env.idle()
    return window


@dataclass(frozen=True)
class Screen:
    cls: type[QWidget]
    open: Callable[[Env], QWidget]


# One entry per screen; each window class of ui/ needs at least one (test_layout checks).
SCREENS: dict[str, Screen] = {
    "main-requests": Screen(MainWindow, _page(lambda w: w.requests_view)),
    "start-frame": Screen(StartFrame, _start_frame),
    "slip-editor": Screen(SlipEditor, _slip_editor),
    "repairs": Screen(RepairsPage, _page(lambda w: w.repairs_page)),
    "loaners": Screen(LoanersPage, _page(lambda w: w.loaners_page)),
    "complaints": Screen(ComplaintsPage, _page(lambda w: w.complaints_page)),
    "questions": Screen(QuestionsPage, _page(lambda w: w.questions_page)),
    "waiting": Screen(WaitingPage, _page(lambda w: w.waiting_page)),
    "waiting-parked": Screen(WaitingPage, _waiting_parked),
    "findings": Screen(FindingsPage, _page(lambda w: w.findings_page)),
    "first-start": Screen(SetupDialog, _setup(True)),
    "settings": Screen(SetupDialog, _setup(False)),
    "new-request": Screen(RequestDialog, _new_request),
    "device-history": Screen(DeviceView, _device_view),
    "time-picker": Screen(TimePicker, lambda env: env.dialog(
        _new_request(env).requested_at.pick,  # type: ignore[attr-defined]
        lambda: env.main().request_dialog.requested_at.picker)),
    "price-list": Screen(PriceListDialog, lambda env: env.dialog(
        _setup(False)(env).edit_price_list,  # type: ignore[attr-defined]
        lambda: env.opened[-1].price_list_dialog)),  # type: ignore[attr-defined]
    "confirm-clear-signatures": Screen(ConfirmDialog, lambda env: env.dialog(
        env.editor().ask_clear_signatures, lambda: env.editor().confirm_dialog)),
    "preview": Screen(PreviewDialog, lambda env: env.dialog(
        lambda: env.main().open_preview(_slip_id(env)), lambda: env.main().preview)),
    "sign-engineer": Screen(SignView, _sign("engineer")),
    "sign-customer": Screen(SignView, _sign("customer")),
    "repair-intake": Screen(RepairIntakeDialog, _flow(
        "intake", lambda e: e.main().workflows.send_in(e.request_id, _slip_id(e)))),
    "repair-order": Screen(RepairView, _repair_view),
    "repair-confirm-pad": Screen(PadDialog, _repair_pad),
    "repair-intake-copy": Screen(PreviewDialog, _repair_copy),
    "repair-estimate": Screen(EstimateDialog, _repair_estimate),
    "escalate": Screen(EscalationDialog, _flow(
        "escalation", lambda e: e.main().workflows.escalate(e.request_id, _slip_id(e)))),
    "new-complaint": Screen(ComplaintDialog, _flow(
        "complaint_dialog", lambda e: e.main().workflows.new_complaint())),
    "complaint": Screen(ComplaintView, _flow(
        "complaint_view", lambda e: e.main().workflows.open_complaint(e.complaint_id))),
    "question": Screen(QuestionDialog, _flow(
        "question_dialog", lambda e: e.main().workflows.record_question(_slip_id(e), "孙丽"))),
    "make-report": Screen(ReportDialog, lambda env: env.dialog(
        env.main().findings_page.open_report_dialog,  # type: ignore[union-attr]
        lambda: env.main().findings_page.report_dialog)),  # type: ignore[union-attr]
    "tasks": Screen(TasksDialog, lambda env: env.dialog(
        env.main().findings_page.open_tasks_dialog,  # type: ignore[union-attr]
        lambda: env.main().findings_page.tasks_dialog)),  # type: ignore[union-attr]
    "dossier-review": Screen(DossierReviewDialog, lambda env: env.dialog(
        env.main().findings_page.open_review_dialog,  # type: ignore[union-attr]
        lambda: env.main().findings_page.review_dialog)),  # type: ignore[union-attr]
    "archive-entry": Screen(DossierDialog, _flow(
        "archive_dialog", lambda e: e.main().workflows.archive(_slip_id(e)))),
    "dossier-problems": Screen(DossierDialog, lambda env: _dossier_tab(env, "problems")),
    "dossier-suggestions": Screen(DossierDialog, lambda env: _dossier_tab(env, "suggestions")),
    "picture": Screen(PictureDialog, _picture),
    "camera": Screen(CameraDialog, _camera),
}


def fill_slip(session: Session, request_id: uuid.UUID) -> Slip:
    """E07's slip on the request, filled in up to the signatures."""
    now = utcnow()
    request = service_requests.get_request(session, request_id)
    slip = slips.start_slip(session, request, reference.engineer_by_code(session, "E07"))
    slips.update_slip(session, slip, dict(
        arrived_at=now - timedelta(minutes=50), started_at=now - timedelta(minutes=45),
        fault_found="搓纸轮磨损，定影组件附近有残纸",
        handling="清除残纸，更换搓纸轮，测试打印 50 页正常", result="solved",
        solved_at=now - timedelta(minutes=10), departed_at=now - timedelta(minutes=5)))
    slips.set_fee_lines(session, slip, [
        FeeLineInput("labour", "上门服务费", Decimal("1"), Decimal("120")),
        FeeLineInput("parts", "搓纸轮", Decimal("2"), Decimal("45.50"))])
    return slip


@pytest.fixture
def workflow_ids(store, onsite_request):  # type: ignore[no-untyped-def]
    """A repair estimated in the workshop with a loaner out, a complaint with a response,
    an open question, the engineer's slip filled in up to the signatures: every screen
    has something to show."""
    now = utcnow()
    sig = SignatureInput("刘洋", signature_strokes(5), PAD_WIDTH, PAD_HEIGHT)
    with store.write() as s:
        request = service_requests.get_request(s, onsite_request)
        e07 = reference.engineer_by_code(s, "E07")
        at = now - timedelta(minutes=60)
        order = repair.open_repair(s, request, e07, repair.RepairIntake(
            company_contact="孙丽", contact_phone="13900220000",
            fault_description="主板故障，开机无显示，现场无法修复", received_at=at,
            arrived_at=at + timedelta(minutes=5), departed_at=at + timedelta(minutes=25),
            engineer_signature=sig, device_class="printer", device_grade="A",
            accessories="电源线一根"))
        repair.estimate_repair(s, order, lines=[repair.EstimateLine.of(line) for line in (
            FeeLineInput("parts", "主板（原厂）", Decimal("1"), Decimal("480")),
            FeeLineInput("labour", "拆机检测与更换工时", Decimal("1"), Decimal("100")))],
            expected_ready_at=now + timedelta(days=1), valid_until=now + timedelta(days=7),
            estimated_by="维修部 王工", actor_code="E07",
            occurred_at=now - timedelta(minutes=20))
        for tag, grade, text in (("BJ-PRN-01", "A", "惠普 LaserJet M405dn"),
                                 ("BJ-PRN-02", "B", "惠普 LaserJet P2055d")):
            loaners.add_loaner(s, asset_tag=tag, device_class="printer", grade=grade,
                               description=text)
        loaners.issue_loaner(s, loaners.get_loaner(s, "BJ-PRN-02"), order,
                             engineer_signature=sig, customer_signature=sig,
                             actor_code="E07", occurred_at=now - timedelta(minutes=10))
        complaint = complaints.open_complaint(
            s, customer=request.customer, about="engineer", engineer=e07,
            description="工程师两次上门均未解决打印问题，且未按约定时间到达",
            received_via="phone", received_at=now - timedelta(hours=20), recorded_by="C01")
        complaints.respond_to_complaint(s, complaint, response="已致电客户致歉，改派刘洋处理",
                                        responder="陈晓红", actor_code="C01",
                                        occurred_at=now - timedelta(hours=2))
        fill_slip(s, request.id)
        questions.record_question(s, customer=request.customer, asked_by="孙丽",
                                  question="能否把财务室打印机换成支持双面打印的型号？",
                                  asked_at=now - timedelta(hours=3),
                                  promised_at=now + timedelta(hours=21), recorded_by="E07")
        return order.id, complaint.id


def _record(screen: str, language: str, window: QWidget, found: list[str]) -> None:
    report = os.environ.get("FIELDAPP_LAYOUT_REPORT")
    label = os.environ.get("FIELDAPP_LAYOUT_LABEL", "")
    if report:
        with open(report, "a", encoding="utf-8") as f:
            f.write(json.dumps({"screen": screen, "language": language, "label": label,
                                "size": size_of(window),
                                "min": "{}×{}".format(*window.minimumSizeHint().toTuple()),
                                "problems": found},
                               ensure_ascii=False) + "\n")
    shots = os.environ.get("FIELDAPP_LAYOUT_SHOTS")
    if shots:
        folder = Path(shots)
        folder.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(folder / f"{screen}-{language.replace(' ', '-')}{label}.png"))


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_screen_fits(screen, desktop, qtbot, ops, settings, onsite_request,
                         workflow_ids):  # type: ignore[no-untyped-def]
    env = Env(qtbot, ops, settings, onsite_request, *workflow_ids)
    found: dict[str, list[str]] = {}
    for language in ("zh", "en"):
        # a dialog opens afresh in each language (it is modal: the language cannot change
        # while it is open); the main window's pages switch language as they are
        i18n.set_language(language)
        settings.set("window_geometry", {})  # what the other language's run changed
        window = SCREENS[screen].open(env)
        env.idle(window.isVisible)
        if window is env.window and not window.isMaximized():
            window.showMaximized()  # as it opened (un-maximised for the last language)
        qtbot.wait(50)  # layouts settle
        # as it opens (maximised on a small screen), then un-maximised: on a larger screen
        # the window keeps the size it asks for, and that must work too
        for state in ("", "normal") if window.isMaximized() else ("",):
            if state == "normal":  # as a window manager restores it
                normal = window.normalGeometry()
                window.showNormal()
                window.setGeometry(normal)
                qtbot.wait(300)  # a preview draws its pages again for the new width,
                env.idle()  # rasterised in the background: slower on a busy machine
                qtbot.wait(50)  # layouts settle
            name = f"{language} {state}".strip()
            found[name] = problems(window)
            _record(screen, name, window, found[name])
        if window is not env.window:
            window.close()
        for widget in reversed(env.opened):
            widget.close()
        env.opened.clear()
    bad = [f"{screen} ({name}): {problem}" for name, found_there in found.items()
           for problem in dict.fromkeys(found_there)]
    assert not bad, "\n".join(bad)
