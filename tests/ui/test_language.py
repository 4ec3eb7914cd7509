"""Chinese by default, English at runtime without restart, and no string outside the catalogue."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QTabWidget,
    QWidget,
)

from fieldapp.base.errors import FieldIssue
from fieldapp.base.i18n import current_language
from tests.ui.visit_helpers import open_request
from ui.kit import i18n
from ui.shell.main_window import MainWindow
from ui.shell.setup_dialog import SetupDialog
from ui.visit.request_dialog import RequestDialog

CJK = re.compile(r"[\u4e00-\u9fff]")
# Shown in their own language on purpose: the language switch names the other language.
NATIVE_NAMES = {"中文", "English", "中文（简体）"}


def visible_strings(root: QWidget) -> list[tuple[str, str | None]]:
    """(text, fixed language) of every piece of UI chrome under `root`; data is skipped."""
    out: list[tuple[str, str | None]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        fixed = widget.property("fixed_language")
        if widget.property("data"):
            continue
        tooltip = re.sub(r" \((Ctrl\+\w|F\d+)\)$", "", widget.toolTip())  # + shortcut
        texts = [widget.windowTitle() if widget.isWindow() else "", tooltip]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit | QPlainTextEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())
                      if not hasattr(widget.itemData(i), "hex")]  # uuids: customer names
        if isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            texts += [str(model.headerData(c, widget.horizontalHeader().orientation()) or "")
                      for c in range(model.columnCount())]
        for action in widget.actions():
            texts += [action.text(), re.sub(r" \([^)]*\)$", "", action.toolTip())]
        out += [(t, fixed) for t in texts if t and t.strip()]
    return out


def untranslated(root: QWidget, language: str) -> list[str]:
    bad = []
    for text, fixed in visible_strings(root):
        lang = fixed or language
        if text in NATIVE_NAMES:
            continue
        if text not in i18n.produced(lang) or (lang == "en" and CJK.search(text)):
            bad.append(text)
    return bad


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    zh, en = i18n.catalogue("zh"), i18n.catalogue("en")
    assert zh.keys() == en.keys()
    for key in zh:
        assert set(re.findall(r"{(\w+)}", zh[key])) == set(re.findall(r"{(\w+)}", en[key])), key
        assert not CJK.search(en[key]) or en[key] in NATIVE_NAMES, key


def test_every_key_used_in_the_code_is_in_the_catalogue() -> None:
    import pathlib

    source = "\n".join(p.read_text("utf-8") for p in pathlib.Path("ui").rglob("*.py"))
    keys = set(re.findall(r'\btr\("([a-z_.]+)"', source)) | set(
        re.findall(r'_zh\("([a-z_.]+)"', source))
    assert keys - i18n.catalogue("zh").keys() == set()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_nothing_visible_is_untranslated(qtbot, ops, settings, onsite_request,
                                         language):  # type: ignore[no-untyped-def]
    i18n.set_language(language)
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.requests_model.rowCount() > 0 and ops.pending == 0)
    assert untranslated(window, language) == []
    open_request(qtbot, window, onsite_request)
    assert untranslated(window, language) == []
    for dialog in (SetupDialog(settings, first_start=True), RequestDialog(ops, "E07")):
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: ops.pending == 0)
        assert untranslated(dialog, language) == []


def test_switching_language_changes_everything_and_back(qtbot, ops, settings,
                                                        onsite_request):  # type: ignore[no-untyped-def]
    window = MainWindow(ops, settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.requests_model.rowCount() > 0)
    open_request(qtbot, window, onsite_request)
    assert window.windowTitle() == "fieldapp 现场服务"
    assert window.editor.time_fields["arrived_at"].now_button.text() == "现在"
    zh_strings = {t for t, _f in visible_strings(window)}

    window.actions_by_name["language"].trigger()  # what the toolbar button does, via the app
    i18n.set_language("en")
    assert current_language() == "en"  # the core's messages follow
    assert window.windowTitle() == "fieldapp Field Service"
    assert window.tabs.tabText(0) == "Open requests"
    assert window.editor.time_fields["arrived_at"].now_button.text() == "Now"
    assert window.requests_model.headerData(0, window.requests_view.horizontalHeader()
                                            .orientation()) == "Request"
    assert FieldIssue("x", "c", "中", "en").message(current_language()) == "en"
    assert untranslated(window, "en") == []
    en_strings = {t for t, f in visible_strings(window) if f is None}
    assert all(not CJK.search(t) for t in en_strings - NATIVE_NAMES)

    i18n.set_language("zh")
    assert {t for t, _f in visible_strings(window)} == zh_strings
