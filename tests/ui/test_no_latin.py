"""In Chinese, the desktop shows no Latin word a user has to decode.

The main window and every screen it opens (each tab, the slip editor, the customer's
confirmation, the workflow dialogs, settings, the customer copy, the sync badge) are
walked in zh; every string on them — labels, buttons, tabs, headers, table cells,
tooltips, placeholders, field contents, combo items, window titles — is split into
tokens, and a token with a Latin letter must be one a user reads as is: a brand or model
of the demo devices, a technical term from the demo's fault texts, a record's number,
code, serial, asset tag or grade from the store, a key cap (Ctrl, F9), an amount with its
unit (8GB) or one of a few names (fieldapp, PDF, QR, SLA). Anything else — a category
code (`network`), a field code (`cost_fen`), an exception class (`ConnectError`), a
command (`fieldapp login`), a requirement number (`R4`), a format hint (`YYYY-MM-DD`) —
fails the test, named with where it was seen. A word an elided label cuts (ThinkPad T1…)
is skipped: it is whole in the label's tooltip or elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QWidget,
)
from sqlalchemy import select

from fieldapp.store.models import (
    Contract,
    Customer,
    Device,
    Engineer,
    ServiceRequest,
    Slip,
)
from fieldapp.store.workflow_models import Complaint, Loaner, OpenQuestion, RepairOrder
from fieldapp.tools import demo
from fieldapp.workflows import loaners
from tests.ui.visit_helpers import fill_visit
from tests.ui.workflow_helpers import (
    main_window,
    one_of_each_workflow,
    open_every_workflow_dialog,
    open_request,
)
from ui.shell.setup_dialog import SetupDialog
from ui.visit.preview_dialog import PreviewDialog, customer_copy
from ui.visit.request_dialog import RequestDialog

TOKEN = re.compile(r"[A-Za-z0-9_]+(?:[.\-/][A-Za-z0-9_]+)*")
LATIN = re.compile(r"[A-Za-z]")
SHORTCUT = re.compile(r"\b(?:Ctrl|Shift|Alt)\+\w+")  # a key cap, as printed on the key
# Names a Chinese user reads as they are: the product, file and code formats, key caps,
# and the language switch naming the other language in that language.
NAMES = {"fieldapp", "PDF", "QR", "SLA", "Enter", "Tab", "Esc", *(f"F{n}" for n in range(1, 13)),
         "English"}
HEX_ID = re.compile(r"(?=.*\d)[0-9a-f]{6,}")  # a seal, the tail of a record's id
UNIT = re.compile(r"\d+(?:\.\d+)?(?:GB|TB|MB|KB|GHz|MHz|Hz|mm|cm|kg|W|V|A|G|T|M|K)")  # 8GB
CUT = re.compile(r"[A-Za-z0-9_.\-/]*…$")  # the word an elided label cuts: shown whole elsewhere


def demo_words() -> set[str]:
    """Brands, models and technical terms (BIOS, ping) the demo's engineers typed."""
    texts = [f"{brand} {model}" for _type, _class, brand, model in demo.DEVICES]
    texts += [text for faults in demo.FAULTS.values() for fault in faults for text in fault]
    return {t for text in texts for t in TOKEN.findall(text)}


def store_words(store) -> set[str]:  # type: ignore[no-untyped-def]
    """What names records: numbers, codes, serials, asset tags."""
    columns = (ServiceRequest.number, Slip.number, RepairOrder.number, Complaint.number,
               OpenQuestion.number, Contract.number, Engineer.code, Customer.code,
               Device.serial, Device.asset_tag, Device.model, Device.brand, Loaner.asset_tag,
               Loaner.grade, RepairOrder.device_grade)  # a grade: A, B
    words: set[str] = set()
    with store.read() as session:
        for column in columns:
            for value in session.scalars(select(column)):
                words.update(TOKEN.findall(str(value or "")))
    return words


def strings(root: QWidget) -> Iterable[tuple[str, str]]:
    """(where, text) of everything `root` and its children can show."""
    for widget in [root, *root.findChildren(QWidget)]:
        where = widget.objectName() or type(widget).__name__
        if widget.isWindow():
            yield where, widget.windowTitle()
        yield where, widget.toolTip()
        yield where, widget.whatsThis()
        if isinstance(widget, QLabel | QAbstractButton):
            yield where, widget.text()
        if isinstance(widget, QLineEdit):
            yield where, widget.text()
            yield where, widget.placeholderText()
        if isinstance(widget, QPlainTextEdit):
            yield where, widget.toPlainText()
            yield where, widget.placeholderText()
        if isinstance(widget, QGroupBox):
            yield where, widget.title()
        if isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                yield where, widget.tabText(i)
                yield where, widget.tabToolTip(i)
        if isinstance(widget, QComboBox):
            for i in range(widget.count()):
                yield where, widget.itemText(i)
            yield where, widget.currentText()
        if isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            for c in range(model.columnCount()):
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    yield where, str(model.headerData(c, Qt.Orientation.Horizontal, role) or "")
                for r in range(model.rowCount()):
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        value = model.data(model.index(r, c), role)
                        yield f"{where}[{r},{c}]", "" if value is None else str(value)
        for action in widget.actions():
            yield where, action.text()
            yield where, action.toolTip()


class Checker:
    def __init__(self, store) -> None:  # type: ignore[no-untyped-def]
        self.store = store
        self.allowed: set[str] = set()
        self.found: dict[str, set[str]] = {}

    def scan(self, root: QWidget, screen: str) -> None:
        self.allowed = NAMES | demo_words() | store_words(self.store)  # new numbers too
        for where, text in strings(root):
            for token in TOKEN.findall(CUT.sub("", SHORTCUT.sub("", text or ""))):
                if (LATIN.search(token) and token not in self.allowed
                        and not HEX_ID.fullmatch(token) and not UNIT.fullmatch(token)):
                    self.found.setdefault(token, set()).add(f"{screen}/{where}: {text[:90]!r}")

    def report(self) -> list[str]:
        return [f"{token} — {sorted(places)[:3]}" for token, places in sorted(self.found.items())]


@pytest.fixture
def every_kind_of_record(store, onsite_request):  # type: ignore[no-untyped-def]
    """Beyond the demo: a repair with a loaner out, a closed and an open complaint, an open
    question, a free loaner."""
    repair_id, complaint_id = one_of_each_workflow(store, onsite_request)
    with store.write() as session:
        loaners.add_loaner(session, asset_tag="BJ-NB-02", device_class="laptop", grade="A")
        sealed = session.scalar(select(Slip.id).where(Slip.status == "sealed").limit(1))
    return repair_id, complaint_id, sealed


@pytest.mark.any_moment  # the lists show each record's clock at now
def test_in_chinese_no_screen_shows_a_latin_word(qtbot, ops, store, settings, onsite_request,
                                                 every_kind_of_record):  # type: ignore[no-untyped-def]
    repair_id, complaint_id, sealed_slip = every_kind_of_record
    checker = Checker(store)
    window = main_window(qtbot, ops, settings)
    for index in range(window.tabs.count()):  # every tab, each read when first shown
        window.tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda: ops.pending == 0)
        checker.scan(window, f"tab {window.tabs.tabText(index)}")

    # the slip editor: a draft on an open request, its sign views, then a sealed slip
    open_request(qtbot, window, onsite_request)
    checker.scan(window, "editor")
    fill_visit(qtbot, window)  # complete: the sign views open (the customer's confirmation)
    checker.scan(window, "editor, filled in")
    slip_id = window.editor.data.id
    for role in ("engineer", "customer"):
        window.editor.start_signing(role)
        qtbot.waitUntil(lambda: window.editor.sign_view is not None
                        and window.editor.sign_view.isVisible(), timeout=15_000)
        checker.scan(window.editor.sign_view, f"sign view {role}")
        window.editor.sign_view.reject()
        window.editor.sign_view = None
    window.open_slip(sealed_slip)
    qtbot.waitUntil(lambda: window.editor.data is not None
                    and window.editor.data.id == sealed_slip and ops.pending == 0)
    checker.scan(window, "sealed slip")

    # every dialog the window opens, and the dialogs those open
    open_every_workflow_dialog(qtbot, window, onsite_request, slip_id, repair_id,
                               complaint_id)
    flows = window.workflows
    for dialog in (flows.repair_view, flows.complaint_view, flows.complaint_dialog,
                   flows.intake, flows.question_dialog, flows.archive_dialog):
        checker.scan(dialog, dialog.objectName())
    for kind, radio in flows.escalation.kinds.items():
        radio.setChecked(True)
        qtbot.waitUntil(lambda: ops.pending == 0)
        checker.scan(flows.escalation, f"escalation {kind}")
    flows.repair_view.confirm_by_signature()  # the customer's summary, then the pad
    checker.scan(flows.repair_view.pad_dialog, "customer confirms the repair")
    flows.repair_view.pad_dialog.agree_button.click()
    checker.scan(flows.repair_view.pad_dialog, "customer signs the repair")
    flows.repair_view.pad_dialog.reject()
    flows.repair_view.open_copy("intake")
    window.tabs.setCurrentWidget(window.loaners_page)
    loaners_page = window.loaners_page
    qtbot.waitUntil(lambda: loaners_page.model.rowCount() > 0 and ops.pending == 0)
    out = next(r for r in range(loaners_page.model.rowCount())
               if loaners_page.model.row_at(r).status == "out")
    loaners_page.view.selectRow(out)
    loaners_page.take_back_selected()
    checker.scan(loaners_page.pad_dialog, "loaner taken back")
    loaners_page.pad_dialog.reject()
    loaners_page.open_record()
    for dialog in (SetupDialog(settings, first_start=True),
                   SetupDialog(settings, first_start=False), RequestDialog(ops, "E07"),
                   PreviewDialog(ops, customer_copy(ops.store, settings, sealed_slip), window)):
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: ops.pending == 0, timeout=15_000)
        checker.scan(dialog, dialog.objectName())
    for top in QApplication.topLevelWidgets():  # whatever else is open now
        checker.scan(top, f"window {top.objectName()}")
    assert not checker.found, "\n".join(checker.report())


@pytest.mark.parametrize(("shown", "bad"), [
    ("无法连接档案服务器（ConnectError）", {"ConnectError"}),
    ("尚未登录档案服务器，请先运行 fieldapp login。", {"login"}),
    ("服务升级（R4）", {"R4"}),
    ("须客户确认报价后才能开始维修（R3.2）。", {"R3.2"}),
    ("请填写 cost_fen。", {"cost_fen"}),
    ("类别：network", {"network"}),
    ("YYYY-MM-DD HH:MM", {"YYYY-MM-DD", "HH", "MM"}),
    ("打印机 惠普 LaserJet M404dn（序列号 SN0001TJP7919）", set()),
    ("搜索单号、客户、故障描述…（Ctrl+F） fieldapp 客户联 PDF", set()),
    ("内存条 8GB ¥260 · 封存码 3f9a1c0b7e42", set()),
])
def test_the_check_catches_codes_and_lets_names_through(qtbot, store, shown, bad):  # type: ignore[no-untyped-def]
    label = QLabel(shown)
    qtbot.addWidget(label)
    with store.write() as session:  # a serial the store knows
        session.scalars(select(Device)).first().serial = "SN0001TJP7919"
    checker = Checker(store)
    checker.scan(label, "label")
    assert set(checker.found) == bad

