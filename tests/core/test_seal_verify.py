"""Verify detects any change to a sealed slip, even one that went around the triggers."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from fieldapp import slips
from fieldapp.sealing import canonical_bytes, seal_of, verify_slip


def drop_triggers(session) -> None:
    """What an attacker with the database file can do."""
    names = session.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
    for (name,) in list(names):
        session.execute(text(f"DROP TRIGGER {name}"))


def tamper(store, statement: str, **params) -> None:
    with store.write() as session:
        drop_triggers(session)
        session.execute(text(statement), params)


def verify(store, number):
    with store.read() as session:
        return verify_slip(slips.get_slip(session, number))


def test_untouched_sealed_slip_verifies(store, sealed_number):
    result = verify(store, sealed_number)
    assert result.ok and result.seal == result.recomputed


@pytest.mark.parametrize(("statement", "where"), [
    ("UPDATE slips SET solved_at = '2026-11-24 03:00:00.000000'", "slip.solved_at"),
    ("UPDATE slips SET handling = handling || '。'", "slip.handling"),
    ("UPDATE fee_lines SET amount_fen = amount_fen + 1 WHERE position = 1",
     "fees.lines[0].amount_fen"),
    ("UPDATE signatures SET signer_name = '孙莉' WHERE role = 'customer'",
     "signatures[0].signer_name"),
    ("UPDATE service_requests SET requested_at = '2026-11-24 01:00:00.000000'",
     "request.requested_at"),
])
def test_a_changed_field_is_detected_and_named(store, sealed_number, statement, where):
    tamper(store, statement)
    result = verify(store, sealed_number)
    assert not result.ok
    assert any(where in en for _zh, en in result.problems), result.problems


def test_a_moved_stroke_point_is_detected(store, sealed_number):
    with store.read() as session:
        sig = slips.get_slip(session, sealed_number).signature("customer")
        strokes = json.loads(sig.strokes)
    strokes[0][3][0] += 1
    tamper(store, "UPDATE signatures SET strokes = :s WHERE role = 'customer'",
           s=json.dumps(strokes, separators=(",", ":")))
    assert not verify(store, sealed_number).ok


def test_a_deleted_fee_line_is_detected(store, sealed_number):
    tamper(store, "DELETE FROM fee_lines WHERE position = 2")
    assert not verify(store, sealed_number).ok


def test_a_rewritten_seal_document_no_longer_matches_the_seal(store, sealed_number):
    with store.read() as session:
        document = json.loads(slips.get_slip(session, sealed_number).seal_document)
    document["fees"]["total_fen"] = 1
    tamper(store, "UPDATE slips SET seal_document = :d",
           d=canonical_bytes(document).decode("utf-8"))
    result = verify(store, sealed_number)
    assert not result.ok
    assert any("does not match its seal" in en for _zh, en in result.problems)


def test_a_forger_who_rewrites_content_document_and_seal_is_caught_by_the_paper_copy(
    store, sealed_number
):
    """Consistent rewrites verify locally; the printed seal (QR) and archive catch them."""
    original = verify(store, sealed_number).seal
    with store.read() as session:
        document = json.loads(slips.get_slip(session, sealed_number).seal_document)
    document["slip"]["handling"] = "伪造"
    tamper(store, "UPDATE slips SET handling = '伪造', seal_document = :d, seal = :s",
           d=canonical_bytes(document).decode("utf-8"), s=seal_of(document))
    assert verify(store, sealed_number).seal != original


def test_renaming_the_customer_later_does_not_break_the_seal(store, sealed_number):
    with store.write() as session:
        session.execute(text("UPDATE customers SET name = '天津港集团信息中心'"))
    assert verify(store, sealed_number).ok


def test_an_unsealed_slip_does_not_verify(store, draft_number):
    result = verify(store, draft_number)
    assert not result.sealed and not result.ok
