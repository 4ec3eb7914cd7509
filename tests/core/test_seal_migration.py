"""Migration 0008: a store sealed before device keys upgrades with its seals intact and
its sealing triggers kept (plain ADD COLUMN, no table copy)."""

from __future__ import annotations

from sqlalchemy import text

from fieldapp.seal.seal_status import seal_state
from fieldapp.seal.sealing import SEAL_FORMAT_2
from fieldapp.store import open_store
from fieldapp.store.engine import DB_FILENAME, create_sqlite_engine
from fieldapp.store.migrate import current_revision, head_revision, upgrade


def test_a_0007_store_upgrades_with_its_sealing_triggers_kept(tmp_path):
    engine = create_sqlite_engine(tmp_path / DB_FILENAME)
    upgrade(engine, "0007")
    engine.dispose()
    store = open_store(tmp_path)
    try:
        assert current_revision(store.engine) == head_revision()
        with store.read() as session:
            names = session.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'slips'"
            )).scalars().all()
            columns = {row[1] for row in session.execute(text("PRAGMA table_info(slips)"))}
        assert {"slips_sealed_update", "slips_sealed_delete"} <= set(names)
        assert {"seal_key_id", "seal_signature"} <= columns
    finally:
        store.close()


def test_a_format_2_seal_verifies_and_says_it_is_the_older_format(store, sealed_number):
    """What a slip sealed before format 3 looks like: no links, no device signature."""
    import json

    from fieldapp.records import slips
    from fieldapp.seal.sealing import canonical_bytes, seal_of
    from tests.core.test_seal_verify import strip_format_4, tamper

    with store.read() as session:
        document = json.loads(slips.get_slip(session, sealed_number).seal_document)
    document["format"] = SEAL_FORMAT_2
    strip_format_4(document)
    del document["links"], document["signed_by"]
    tamper(store, "UPDATE slips SET seal_document = :d, seal = :s, seal_key_id = NULL, "
           "seal_signature = NULL", d=canonical_bytes(document).decode(), s=seal_of(document))
    with store.read() as session:
        state = seal_state(slips.get_slip(session, sealed_number))
    assert state.state == "sealed_older" and not state.tampered
    assert "older" in state.verification.format_label[1]
