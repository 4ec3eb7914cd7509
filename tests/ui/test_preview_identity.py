"""The preview says, above the document, the one line `fieldapp pdf` and print say while the
company is not set up (issue 17 item 5): in the screen's language, switching with it, and
gone once the company is configured."""

from __future__ import annotations

import pytest

from fieldapp.services.setup import identity_warning
from tests.ui.test_language import untranslated
from ui.kit import i18n
from ui.visit.preview_dialog import PreviewDialog, customer_copy
from ui.workflows.workflow_documents import complaint_report

# A fixed moment: the copy prints the slip's clocks (tests/conftest.py)
pytestmark = pytest.mark.parametrize("frozen_moment", ["wednesday"], indirect=True)


def _slip_id(store):  # type: ignore[no-untyped-def]
    from fieldapp.reads.queries import list_slips

    with store.read() as session:
        return list_slips(session, limit=1)[0].id


def test_the_preview_names_what_is_not_set_up_in_the_screen_s_language(
        qtbot, ops, settings, store, frozen_moment):  # type: ignore[no-untyped-def]
    assert settings.get("company_address") == ""  # the test desktop has a name, no address
    dialog = PreviewDialog(ops, customer_copy(ops.store, settings, _slip_id(store)))
    qtbot.addWidget(dialog)
    dialog.show()
    note = dialog.identity_note
    assert note.isVisible() and note.text() == identity_warning(settings, "zh")
    assert "公司地址" in note.text()
    assert untranslated(dialog, "zh") == []
    i18n.set_language("en")
    try:
        assert note.text() == identity_warning(settings, "en")
        assert untranslated(dialog, "en") == []
    finally:
        i18n.set_language("zh")
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=15_000)


def test_a_configured_company_shows_no_note(qtbot, ops, settings, store,
                                            frozen_moment):  # type: ignore[no-untyped-def]
    settings.set("company_address", "天津市和平区南京路 189 号")
    settings.set("verify_url", "https://fw.example.cn/portal/verify")
    dialog = PreviewDialog(ops, customer_copy(ops.store, settings, _slip_id(store)))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.identity_note.isVisible()
    qtbot.waitUntil(lambda: ops.pending == 0, timeout=15_000)


def test_the_workflow_documents_carry_the_same_note(ops, settings):  # type: ignore[no-untyped-def]
    document = complaint_report(ops.store, settings, "C-NONE")  # made only when shown
    assert document.notice == (identity_warning(settings, "zh"),
                               identity_warning(settings, "en"))
