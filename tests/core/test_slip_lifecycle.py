"""A slip's life: draft → filled in → signed by both → sealed → amended."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

from fieldapp.base.errors import SealedError, StorageError, ValidationError, WorkflowError
from fieldapp.records import reference, service_requests, slips
from fieldapp.rules.validation import FeeLineInput
from fieldapp.seal.sealing import verify_slip
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from fieldapp.workflows.request_state import request_status
from tests.core.conftest import NOW, REQUESTED, fill_complete


def test_new_slip_gets_engineer_day_sequence_number_and_moves_request_in_progress(
    store, world, draft_number
):
    assert draft_number == "S-E07-20261124-001"
    with store.read() as session:
        request = service_requests.get_request(session, world.request_number)
        assert request.number == "R-C01-20261124-001"
        # derived from the slip; the request row (its taker's) is not rewritten
        assert request_status(session, request) == "in_progress"
        assert request.status == "assigned"
        assert request.slips[0].status == "draft"


def test_second_slip_same_day_gets_next_sequence(store, world, draft_number):
    with store.write() as session:
        request = service_requests.get_request(session, world.request_number)
        engineer = reference.engineer_by_code(session, "E07")
        second = slips.start_slip(session, request, engineer, now=REQUESTED + timedelta(hours=3))
    assert second.number == "S-E07-20261124-002"


def test_draft_saves_each_change_and_keeps_it(store, draft_number):
    with store.write() as session:
        slip = slips.get_slip(session, draft_number)
        slips.update_slip(session, slip, {"fault_found": "搓纸轮磨损"}, now=NOW)
    with store.read() as session:
        assert slips.get_slip(session, draft_number).fault_found == "搓纸轮磨损"


def test_fee_lines_total_is_exact_in_fen(store, draft_number):
    with store.write() as session:
        slip = slips.get_slip(session, draft_number)
        slips.set_fee_lines(session, slip, [
            FeeLineInput("labour", "人工", Decimal(1), Decimal("0.10")),
            FeeLineInput("parts", "线缆", Decimal("1.5"), Decimal("0.20")),
            FeeLineInput("other", "其他", Decimal(3), Decimal("33.33")),
        ])
    with store.read() as session:
        slip = slips.get_slip(session, draft_number)
        assert [line.amount_fen for line in slip.fee_lines] == [10, 30, 9999]
        assert slip.total_fen == 10039


def test_signing_an_incomplete_slip_is_refused_with_what_is_missing(store, draft_number):
    with store.write() as session:
        slip = slips.get_slip(session, draft_number)
        with pytest.raises(ValidationError) as err:
            slips.sign_slip(session, slip, role="engineer", signer_name="刘洋",
                            strokes=signature_strokes(1), pad_width=PAD_WIDTH,
                            pad_height=PAD_HEIGHT, now=NOW)
    fields = {issue.field for issue in err.value.issues}
    assert {"arrived_at", "started_at", "fault_found", "handling", "result",
            "departed_at"} <= fields
    assert "请填写现场故障描述。" in str(err.value)


def test_an_empty_signature_is_refused(store, draft_number):
    with store.write() as session:
        slip = slips.get_slip(session, draft_number)
        fill_complete(session, slip)
        with pytest.raises(ValidationError) as err:
            slips.sign_slip(session, slip, role="customer", signer_name="孙丽",
                            strokes=[[[10, 10, 0, 500]]], pad_width=PAD_WIDTH,
                            pad_height=PAD_HEIGHT, now=NOW)
    assert err.value.codes == {"signature_empty"}


def test_one_signature_does_not_seal_and_freezes_the_content(store, draft_number):
    with store.write() as session:
        slip = slips.get_slip(session, draft_number)
        fill_complete(session, slip)
        slips.sign_slip(session, slip, role="engineer", signer_name="刘洋",
                        strokes=signature_strokes(1), pad_width=PAD_WIDTH,
                        pad_height=PAD_HEIGHT, signed_at=NOW - timedelta(hours=3), now=NOW)
        assert slip.seal is None
        with pytest.raises(WorkflowError, match="清除签名"):
            slips.update_slip(session, slip, {"handling": "改了"}, now=NOW)
        slips.clear_signatures(session, slip)
        slips.update_slip(session, slip, {"handling": "改了"}, now=NOW)


def test_both_signatures_seal_the_slip_and_resolve_the_request(store, world, sealed_number):
    with store.read() as session:
        slip = slips.get_slip(session, sealed_number)
        assert slip.status == "sealed"
        assert len(slip.seal) == 64
        assert slip.sealed_at == NOW
        assert {s.role for s in slip.signatures} == {"engineer", "customer"}
        assert all(s.image_png.startswith(b"\x89PNG") for s in slip.signatures)
        assert verify_slip(slip).ok
        request = service_requests.get_request(session, world.request_number)
        assert request_status(session, request) == "resolved" and request.status == "assigned"


def test_sealed_slip_refuses_fee_change(store, sealed_number):
    with store.write() as session:
        slip = slips.get_slip(session, sealed_number)
        with pytest.raises(SealedError):
            slips.set_fee_lines(session, slip, [])
        with pytest.raises(SealedError):
            slips.update_slip(session, slip, {"handling": "x"}, now=NOW)
        with pytest.raises(SealedError):
            slips.clear_signatures(session, slip)


@pytest.mark.parametrize("statement", [
    "UPDATE slips SET handling = 'changed'",
    "DELETE FROM slips",
    "UPDATE fee_lines SET amount_fen = 1",
    "DELETE FROM fee_lines",
    "UPDATE signatures SET signer_name = '某人'",
    "DELETE FROM signatures",
])
def test_database_trigger_refuses_changes_to_a_sealed_slip(store, sealed_number, statement):
    with pytest.raises(StorageError), store.write() as session:
        session.execute(text(statement))
    with store.read() as session:
        assert verify_slip(slips.get_slip(session, sealed_number)).ok


def test_database_trigger_refuses_new_fee_line_on_a_sealed_slip(store, sealed_number):
    with pytest.raises(StorageError), store.write() as session:
        slip = slips.get_slip(session, sealed_number)
        session.execute(text(
            "INSERT INTO fee_lines (id, slip_id, position, kind, description, quantity_milli,"
            " unit_price_fen, amount_fen, created_at, updated_at) VALUES ('00000000000000000000"
            "000000000001', :slip, 9, 'other', 'x', 1000, 1, 1, '2026-01-01', '2026-01-01')"),
            {"slip": slip.id.hex})


def test_amendment_is_a_new_draft_pointing_at_the_untouched_original(store, sealed_number):
    with store.write() as session:
        original = slips.get_slip(session, sealed_number)
        engineer = reference.engineer_by_code(session, "E07")
        with pytest.raises(ValidationError):
            slips.amend_slip(session, original, reason="  ", engineer=engineer, now=NOW)
        amendment = slips.amend_slip(session, original, reason="交通费有误", engineer=engineer,
                                     now=NOW)
        assert amendment.amends is original
        assert amendment.status == "draft"
        assert amendment.total_fen == original.total_fen
        slips.set_fee_lines(session, amendment, [])
        number = amendment.number
    with store.read() as session:
        original = slips.get_slip(session, sealed_number)
        assert original.total_fen == 15000 + 9100 + 3000
        assert verify_slip(original).ok
        assert slips.get_slip(session, number).amendment_reason == "交通费有误"


def test_amending_a_draft_is_refused(store, draft_number):
    with store.write() as session:
        slip = slips.get_slip(session, draft_number)
        engineer = reference.engineer_by_code(session, "E07")
        with pytest.raises(WorkflowError):
            slips.amend_slip(session, slip, reason="x", engineer=engineer, now=NOW)


def test_prints_are_counted_without_touching_the_sealed_slip(store, sealed_number):
    with store.write() as session:
        slip = slips.get_slip(session, sealed_number)
        slips.record_print(session, slip, copies=2, copy_kind="customer", layout="a4",
                           destination="HP-Office")
        slips.record_print(session, slip, copies=1, copy_kind="customer", layout="receipt",
                           destination="file.pdf")
    with store.read() as session:
        slip = slips.get_slip(session, sealed_number)
        assert slips.print_count(session, slip) == 3
        assert verify_slip(slip).ok


def test_sign_with_customer_first_then_engineer_also_seals(store, draft_number):
    with store.write() as session:
        slip = slips.get_slip(session, draft_number)
        fill_complete(session, slip)
        slips.sign_slip(session, slip, role="customer", signer_name="孙丽",
                        strokes=signature_strokes(2), pad_width=PAD_WIDTH,
                        pad_height=PAD_HEIGHT, now=NOW)
        assert slip.seal is None
        slips.sign_slip(session, slip, role="engineer", signer_name="刘洋",
                        strokes=signature_strokes(1), pad_width=PAD_WIDTH,
                        pad_height=PAD_HEIGHT, now=NOW)
        assert slip.seal is not None


def test_signing_twice_for_the_same_role_is_refused(store, draft_number):
    with store.write() as session:
        slip = slips.get_slip(session, draft_number)
        fill_complete(session, slip)
        slips.sign_slip(session, slip, role="engineer", signer_name="刘洋",
                        strokes=signature_strokes(1), pad_width=PAD_WIDTH,
                        pad_height=PAD_HEIGHT, now=NOW)
        with pytest.raises(ValidationError) as err:
            slips.sign_slip(session, slip, role="engineer", signer_name="刘洋",
                            strokes=signature_strokes(1), pad_width=PAD_WIDTH,
                            pad_height=PAD_HEIGHT, now=NOW)
    assert "already_signed" in err.value.codes
