"""The attachment services the desktop calls: files added one by one with a line per
refusal, the listing says why a record is locked, the one-slip file check."""

from __future__ import annotations

import pytest
import time_machine

from fieldapp.records import slips
from fieldapp.services import attachments as service
from fieldapp.store.attachment_models import OwnerKind
from tests.core.conftest import NOW, sign_both
from tests.core.photo_samples import pdf, photo
from tests.core.test_attachments import fill


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def slip_id(store, number):
    with store.read() as session:
        return slips.get_slip(session, number).id


def sealed_with_photo(store, number):  # type: ignore[no-untyped-def]
    """The draft with one photo, completed and signed by both: (slip id, the photo)."""
    owner = slip_id(store, number)
    view = service.add(store, OwnerKind.SLIP, owner, data=photo(), caption="外观",
                       kind="before", actor_code="E07")
    fill(store, number)
    with store.write() as session:
        sign_both(session, slips.get_slip(session, number))
    return owner, view


def test_files_are_added_one_by_one_and_each_refusal_names_its_file(
        store, draft_number, tmp_path):
    (tmp_path / "前.jpg").write_bytes(photo())
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "报告.pdf").write_bytes(pdf())
    owner = slip_id(store, draft_number)
    outcome = service.add_files(store, OwnerKind.SLIP, owner,
                                [tmp_path / n for n in ("前.jpg", "notes.txt", "报告.pdf",
                                                        "gone.jpg")], actor_code="E07")
    assert [a.original_name for a in outcome.added] == ["前.jpg", "报告.pdf"]
    assert [r[0] for r in outcome.refused] == ["notes.txt", "gone.jpg"]
    assert all(zh and en and "\n" not in en for _n, zh, en in outcome.refused)
    listing = service.listing(store, OwnerKind.SLIP, owner)
    assert listing.editable and listing.locked is None
    assert [i.is_image for i in listing.items] == [True, False]
    assert all(i.path is not None and i.path.is_file() for i in listing.items)
    edited = service.edit(store, listing.items[0].id, caption="外观", kind="before")
    assert edited.kind_label == ("维修前", "Before")
    service.remove(store, listing.items[1].id, actor_code="E07")
    assert len(service.listing(store, OwnerKind.SLIP, owner).items) == 1


def test_a_sealed_slip_is_locked_and_its_files_are_checked(store, draft_number):
    owner, view = sealed_with_photo(store, draft_number)
    listing = service.listing(store, OwnerKind.SLIP, owner)
    assert listing.sealed and not listing.editable and "更正单" in listing.locked[0]
    assert service.file_problems_of(store, owner) == []
    view.path.unlink()
    assert "missing" in service.file_problems_of(store, owner)[0][1]


def test_the_customer_copy_carries_the_pictures_page_when_set(store, draft_number, tmp_path):
    import pypdfium2 as pdfium

    from fieldapp.base.settings import Settings
    from fieldapp.documents.copies import render_copy

    sealed_with_photo(store, draft_number)
    settings = Settings.in_dir(tmp_path / "settings")
    plain = len(pdfium.PdfDocument(render_copy(store, draft_number, settings)))
    settings.set("copy_pictures", True)
    assert len(pdfium.PdfDocument(render_copy(store, draft_number, settings))) == plain + 1


def test_the_editor_shows_a_changed_file_as_tampered_but_not_a_missing_one(store, draft_number):
    from fieldapp.services import visit

    owner, view = sealed_with_photo(store, draft_number)
    assert not visit.load(store, owner).tampered
    original = view.path.read_bytes()
    view.path.unlink()  # a slip pulled before its files: not a change
    assert not visit.load(store, owner).tampered
    view.path.write_bytes(original[:100] + b"x" + original[101:])
    data = visit.load(store, owner)
    assert data.tampered and "附件文件被改动" in data.seal_problems[0][0]


def test_the_slips_list_marks_a_sealed_slip_whose_attachment_was_changed(store, draft_number):
    """The list checks a page's seals with one read of the page's attachments: a changed
    caption on one slip marks that slip, and only that one."""
    from sqlalchemy import text

    from fieldapp.reads.queries import SlipFilter
    from fieldapp.services import lists

    owner, view = sealed_with_photo(store, draft_number)
    rows = lists.slips(store, SlipFilter(), limit=1000)
    assert [r.status for r in lists.seal_marks(store, rows) if r.id == owner] == ["sealed"]
    with store.write() as session:
        session.execute(text("UPDATE attachments SET caption = '别的' WHERE id = :i"),
                        {"i": view.id.hex})
    marked = {r.id: r.status for r in lists.seal_marks(store, rows)}
    assert marked[owner] == "tampered"
    assert [s for i, s in marked.items() if i != owner and s == "tampered"] == []
