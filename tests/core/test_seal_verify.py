"""Verify detects any change to a sealed slip, even one that went around the triggers: a
changed field, a byte flipped in the document, seal, strokes or signature image, a row
inserted, deleted or reordered, a byte flipped in a PDF copy (FIELDAPP_TAMPER_FLIPS)."""

from __future__ import annotations

import json
import os
import random
import uuid

import pytest
from sqlalchemy import text

from fieldapp.base.errors import StorageError
from fieldapp.records import slips
from fieldapp.seal.sealing import SEAL_FORMAT_1, canonical_bytes, seal_of, verify_slip
from fieldapp.seal.signatures import render_png_of_json
from tests.figures import note


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


def other_picture(store, number, role: str) -> bytes:
    """A well-formed signature image of other strokes (the customer's, on the engineer)."""
    with store.read() as session:
        slip = slips.get_slip(session, number)
        source, target = slip.signature("customer"), slip.signature(role)
        return render_png_of_json(source.strokes if role != "customer" else "[]",
                                  target.pad_width, target.pad_height, scale=0.5)


def test_a_signature_picture_swapped_for_another_is_detected(store, sealed_number):
    tamper(store, "UPDATE signatures SET image_png = :png WHERE role = 'engineer'",
           png=other_picture(store, sealed_number, "engineer"))
    result = verify(store, sealed_number)
    assert not result.ok
    assert any("image_sha256" in en for _zh, en in result.problems), result.problems


def strip_format_4(document: dict) -> None:
    """Take out what format 4 added: the attachments, the request's two kinds."""
    del document["attachments"]
    del document["request"]["intake_channel"], document["request"]["service_kind"]


def reseal_in_format_1(store, number) -> None:
    """The slip as the app sealed it before format 2: no image hashes in the document."""
    with store.read() as session:
        document = json.loads(slips.get_slip(session, number).seal_document)
    document["format"] = SEAL_FORMAT_1
    strip_format_4(document)
    del document["links"], document["signed_by"]  # format 3's
    for signature in document["signatures"]:
        del signature["image_sha256"]
    tamper(store, "UPDATE slips SET seal_document = :d, seal = :s",
           d=canonical_bytes(document).decode("utf-8"), s=seal_of(document))


def test_a_slip_sealed_in_format_1_still_verifies(store, sealed_number):
    reseal_in_format_1(store, sealed_number)
    assert verify(store, sealed_number).ok


def test_a_format_1_slip_checks_its_pictures_against_the_strokes(store, sealed_number):
    reseal_in_format_1(store, sealed_number)
    tamper(store, "UPDATE signatures SET image_png = :png WHERE role = 'customer'",
           png=other_picture(store, sealed_number, "customer"))
    result = verify(store, sealed_number)
    assert not result.ok
    assert any("image differs from the signed strokes: customer" in en
               for _zh, en in result.problems), result.problems


def test_an_unsealed_slip_does_not_verify(store, draft_number):
    result = verify(store, draft_number)
    assert not result.sealed and not result.ok


FLIPS = int(os.environ.get("FIELDAPP_TAMPER_FLIPS", "40"))


def flip(value: bytes, rng: random.Random) -> bytes:
    data = bytearray(value)
    data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def detected(store, number) -> bool:
    """verify says no, or the store says the data is damaged: either way, not accepted."""
    try:
        return not verify(store, number).ok
    except StorageError:
        return True


@pytest.mark.parametrize(("table", "column", "where"), [
    ("slips", "seal_document", "1 = 1"),
    ("slips", "seal", "1 = 1"),
    ("signatures", "strokes", "role = 'customer'"),
    ("signatures", "image_png", "role = 'engineer'"),
])
def test_a_byte_flipped_anywhere_in_the_sealed_data_is_detected(
        store, sealed_number, table, column, where):
    rng = random.Random(f"{table}.{column}")
    with store.write() as session:
        drop_triggers(session)
        original = session.execute(text(f"SELECT CAST({column} AS BLOB) FROM {table} "
                                         f"WHERE {where}")).scalar()
    for n in range(FLIPS):
        damaged = flip(original, rng)
        kind = "BLOB" if column == "image_png" else "TEXT"
        with store.write() as session:
            session.execute(text(f"UPDATE {table} SET {column} = CAST(:v AS {kind}) "
                                 f"WHERE {where}"), {"v": damaged})
        assert detected(store, sealed_number), f"flip {n} of {table}.{column} went unnoticed"
    with store.write() as session:
        session.execute(text(f"UPDATE {table} SET {column} = CAST(:v AS "
                             f"{'BLOB' if column == 'image_png' else 'TEXT'}) WHERE {where}"),
                        {"v": original})
    assert verify(store, sealed_number).ok  # the original bytes verify again
    note(f"tamper_{table}_{column}", flips=FLIPS, detected=FLIPS)


@pytest.mark.parametrize("statement", [
    "INSERT INTO fee_lines (id, slip_id, position, kind, description, quantity_milli,"
    " unit_price_fen, amount_fen, created_at, updated_at) SELECT :new, slip_id, 9, 'other',"
    " '追加', 1000, 100, 100, created_at, updated_at FROM fee_lines LIMIT 1",
    "DELETE FROM signatures WHERE role = 'engineer'",
    "UPDATE fee_lines SET position = 3 - position WHERE position IN (1, 2)",
])
def test_rows_inserted_deleted_or_reordered_around_the_triggers_are_detected(
        store, sealed_number, statement):
    tamper(store, statement, new=uuid.uuid4().hex)
    assert not verify(store, sealed_number).ok


def test_a_flipped_byte_in_a_pdf_copy_is_detected_by_fieldapp_verify(store, sealed_number,
                                                                     tmp_path):
    from click.testing import CliRunner

    from fieldapp.base.settings import Settings
    from fieldapp.cli import cli
    from fieldapp.services.documents import save_copy

    settings = Settings.in_dir(store.path.parent)
    pdf = tmp_path / "copy.pdf"
    save_copy(store, sealed_number, settings, pdf)
    original = pdf.read_bytes()
    store.close()
    runner = CliRunner()

    def verify_copy() -> int:
        return runner.invoke(cli, ["--data-dir", str(store.path.parent), "verify",
                                    str(pdf)]).exit_code

    assert verify_copy() == 0
    rng = random.Random(5)
    for n in range(FLIPS // 2):
        pdf.write_bytes(flip(original, rng))
        assert verify_copy() != 0, f"flip {n} of the PDF went unnoticed"
    note("tamper_pdf", flips=FLIPS // 2, detected=FLIPS // 2)


def test_a_copy_rebuilt_with_other_fees_around_the_genuine_seal_fails_fieldapp_verify(
        store, sealed_number, tmp_path):
    """Its file digest is recomputed and its seal is genuine: what it prints is not."""
    import dataclasses

    from click.testing import CliRunner

    from fieldapp.base.settings import Settings
    from fieldapp.cli import cli
    from fieldapp.documents.slip_pdf import render_slip_pdf
    from fieldapp.documents.views import company_info, slip_document

    with store.read() as session:
        document = slip_document(slips.get_slip(session, sealed_number))
    first = document.fee_lines[0]
    forged = dataclasses.replace(
        document, fee_lines=(dataclasses.replace(first, amount_fen=first.amount_fen - 100),
                             *document.fee_lines[1:]), total_fen=document.total_fen - 100)
    pdf = tmp_path / "forged.pdf"
    pdf.write_bytes(render_slip_pdf(forged, company_info(Settings.in_dir(store.path.parent))))
    store.close()
    answer = CliRunner().invoke(cli, ["--data-dir", str(store.path.parent), "verify", str(pdf)])
    assert answer.exit_code == 1
    assert "副本上印的内容与存档不符" in answer.output
