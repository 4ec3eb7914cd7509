"""JSON export/import: lossless round trip, idempotent, and refusing damaged files."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from fieldapp import exchange, slips
from fieldapp.demo import fill_demo
from fieldapp.errors import ValidationError
from fieldapp.sealing import verify_slip
from fieldapp.store import open_store
from fieldapp.store.models import Slip


def export_all(store) -> dict:
    with store.read() as session:
        data = exchange.export_slips(session, session.scalars(select(Slip)).all())
    data.pop("exported_at")
    return json.loads(exchange.dumps(data))


@pytest.fixture
def demo_store(tmp_path):
    store = open_store(tmp_path / "source")
    fill_demo(store, requests=24)
    yield store
    store.close()


def test_export_then_import_into_an_empty_store_is_lossless(demo_store, tmp_path):
    data = export_all(demo_store)
    assert data["format"] == "fieldapp-slips" and data["version"] == 1
    target = open_store(tmp_path / "target")
    with target.write() as session:
        report = exchange.import_slips(session, data)
    assert report.added["slips"] == len(data["slips"])
    assert export_all(target) == data
    with target.read() as session:
        sealed = session.scalars(select(Slip).where(Slip.seal.is_not(None))).all()
        assert sealed and all(verify_slip(s).ok for s in sealed)
    target.close()


def test_importing_the_same_file_twice_adds_nothing(demo_store):
    data = export_all(demo_store)
    with demo_store.write() as session:
        report = exchange.import_slips(session, data)
    assert report.added == {}
    assert report.unchanged["slips"] == len(data["slips"])


def test_a_tampered_sealed_slip_is_refused_and_nothing_is_imported(demo_store, tmp_path):
    data = export_all(demo_store)
    sealed = next(s for s in data["slips"] if s["seal"])
    sealed["handling"] += "（已改）"
    target = open_store(tmp_path / "target")
    with pytest.raises(ValidationError) as err, target.write() as session:
        exchange.import_slips(session, data)
    assert "封存校验失败" in err.value.zh
    with target.read() as session:
        assert session.scalars(select(Slip)).all() == []
    target.close()


def test_a_record_that_differs_from_the_local_one_is_refused(demo_store):
    data = export_all(demo_store)
    draft = next(s for s in data["slips"] if not s["seal"])
    draft["fault_found"] = "别的描述"
    with pytest.raises(ValidationError, match=r"differs|不同"), demo_store.write() as session:
        exchange.import_slips(session, data)


@pytest.mark.parametrize("data", [
    [], {"format": "other"}, {"format": "fieldapp-slips", "version": 99},
    {"format": "fieldapp-slips", "version": 1, "slips": "x"},
    {"format": "fieldapp-slips", "version": 1, "customers": [{"id": "not-a-uuid"}]},
    {"format": "fieldapp-slips", "version": 1, "requests": [{"requested_at": "yesterday"}]},
])
def test_malformed_files_get_a_clear_error(store, data):
    with pytest.raises(ValidationError) as err, store.write() as session:
        exchange.import_slips(session, data)
    assert err.value.issues[0].code == "bad_import"


def test_export_of_one_slip_brings_its_references(demo_store, tmp_path):
    with demo_store.read() as session:
        slip = session.scalars(select(Slip).where(Slip.seal.is_not(None))).first()
        data = exchange.export_slips(session, [slip])
        number = slip.number
    target = open_store(tmp_path / "one")
    with target.write() as session:
        exchange.import_slips(session, data)
    with target.read() as session:
        assert verify_slip(slips.get_slip(session, number)).ok
    target.close()
