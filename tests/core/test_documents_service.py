"""The customer copy through `fieldapp.services.documents`: made, saved, counted."""

from __future__ import annotations

import pytest

from fieldapp.base.errors import PathError
from fieldapp.base.settings import Settings
from fieldapp.records import slips
from fieldapp.services import documents


def _slip_id(store, number):  # type: ignore[no-untyped-def]
    with store.read() as session:
        return slips.get_slip(session, number).id


def test_the_customer_copy_of_a_sealed_slip_is_a_pdf(store, sealed_number, tmp_path):  # type: ignore[no-untyped-def]
    pdf = documents.customer_copy(store, _slip_id(store, sealed_number),
                                  Settings.in_dir(tmp_path))
    assert pdf.startswith(b"%PDF")


def test_each_copy_handed_out_is_counted_in_the_print_log(store, sealed_number):  # type: ignore[no-untyped-def]
    slip_id = _slip_id(store, sealed_number)
    documents.count_copy(store, slip_id, copies=2, layout="a4", destination="office-42")
    documents.count_copy(store, slip_id, copies=1, layout="a4", destination="copy.pdf")
    with store.read() as session:
        assert slips.print_count(session, slips.get_slip(session, slip_id)) == 3


def test_a_copy_saved_into_a_missing_folder_is_refused_with_its_path(tmp_path):  # type: ignore[no-untyped-def]
    target = tmp_path / "missing" / "copy.pdf"
    with pytest.raises(PathError) as refused:
        documents.save_document(b"%PDF-1.4", target)
    assert str(target) in refused.value.message("zh") and not target.parent.exists()
