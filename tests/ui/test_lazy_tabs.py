"""Workflow tabs load when they are shown: at start, and after each autosave, only what
the engineer sees is read."""

from __future__ import annotations

from tests.ui.workflow_helpers import main_window


def test_a_workflow_tab_loads_when_it_is_first_shown(qtbot, ops, settings):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)
    page = window.repairs_page
    assert page in window._stale_pages and not page.model.loading
    window.tabs.setCurrentWidget(page)
    assert page not in window._stale_pages
    qtbot.waitUntil(lambda: not page.model.loading and ops.pending == 0)


def test_a_shown_tab_reloads_at_once_and_a_hidden_one_when_shown_again(qtbot, ops, settings):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, ops, settings)
    window.tabs.setCurrentWidget(window.waiting_page)
    qtbot.waitUntil(lambda: ops.pending == 0)
    window.refresh()
    assert window.waiting_page not in window._stale_pages  # shown: reloaded now
    assert window.complaints_page in window._stale_pages
    window.tabs.setCurrentWidget(window.complaints_page)
    assert window.complaints_page not in window._stale_pages
    assert window.waiting_page not in window._stale_pages
