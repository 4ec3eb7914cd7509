"""The current language and the bilingual pair (fieldapp.base.i18n, docs/i18n.md)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from fieldapp.base.i18n import (
    current_language,
    language_scope,
    pair,
    pick,
    set_language,
    term,
)
from fieldapp.documents.labels import label


def in_another_thread() -> str:
    seen: list[str] = []
    worker = threading.Thread(target=lambda: seen.append(current_language()))
    worker.start()
    worker.join()
    return seen[0]


def test_chinese_is_the_default_and_pick_follows_the_current_language() -> None:
    assert current_language() == "zh"
    assert pick("保存", "Save") == "保存"
    set_language("en")
    assert pick("保存", "Save") == "Save"
    assert pick("保存", "Save", "zh") == "保存"  # an explicit language wins


def test_the_application_language_reaches_worker_threads() -> None:
    """The desktop's services run on worker threads (ui.kit.ops): after 切换到 English the
    text they build (a device's 序列号/S/N) is English too."""
    set_language("en")
    assert in_another_thread() == "en"
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(pick, "序列号", "S/N").result() == "S/N"


def test_a_language_scope_holds_for_its_block_in_its_own_context_only() -> None:
    set_language("zh")
    with language_scope("en"):
        assert pick("是", "Yes") == "Yes"
        assert in_another_thread() == "zh"  # another context keeps the application's
        set_language("zh")
        assert current_language() == "en"  # the scope still wins inside its block
    assert current_language() == "zh"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="fr"):
        set_language("fr")
    with pytest.raises(ValueError), language_scope("de"):
        pass
    assert current_language() == "zh"


def test_coded_values_in_words_and_unknown_codes_as_stored() -> None:
    table = {"printer": ("打印机", "Printer")}
    assert term(table, "printer") == "打印机"
    assert term(table, "printer", "en") == "Printer"
    assert term(table, "plotter", "en") == "plotter"
    assert pair(("送修", "Sent in"), "en") == "Sent in"


def test_document_labels_come_from_the_catalogue_with_placeholders_filled() -> None:
    assert label("page", "zh", page="2", total="3") == "第 2 页 / 共 3 页"
    assert label("page", "en", page="2", total="3") == "Page 2 of 3"
    assert label("estimate_title", "en") == "Repair quotation"
