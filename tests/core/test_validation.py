"""Every validation rule, with the message the user sees; invalid input changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from fieldapp.base.errors import ValidationError
from fieldapp.base.i18n import set_language
from fieldapp.records import reference, service_requests, slips
from fieldapp.rules.validation import FeeLineInput, fee_line_issues, parse_fee_line
from fieldapp.store.models import Customer
from tests.core.conftest import NOW, REQUESTED


def update(store, number, changes):
    with store.write() as session:
        slips.update_slip(session, slips.get_slip(session, number), changes, now=NOW)


def stored(store, number):
    with store.read() as session:
        return slips.get_slip(session, number)


@pytest.mark.parametrize(("changes", "field"), [
    ({"arrived_at": REQUESTED - timedelta(minutes=1)}, "arrived_at"),
    ({"arrived_at": REQUESTED + timedelta(hours=1),
      "started_at": REQUESTED + timedelta(minutes=59)}, "started_at"),
    ({"started_at": REQUESTED + timedelta(hours=1),
      "solved_at": REQUESTED + timedelta(minutes=30)}, "solved_at"),
    ({"solved_at": REQUESTED + timedelta(hours=2),
      "departed_at": REQUESTED + timedelta(hours=1)}, "departed_at"),
])
def test_times_must_follow_the_order_of_the_work(store, draft_number, changes, field):
    with pytest.raises(ValidationError) as err:
        update(store, draft_number, changes)
    assert [i.field for i in err.value.issues] == [field]
    assert err.value.issues[0].code == "out_of_order"
    assert "不能早于" in err.value.issues[0].zh
    assert all(getattr(stored(store, draft_number), f) is None for f in changes)


def test_equal_times_are_allowed(store, draft_number):
    moment = REQUESTED + timedelta(hours=1)
    update(store, draft_number, {f: moment for f in
                                 ("arrived_at", "started_at", "solved_at", "departed_at")})
    assert stored(store, draft_number).departed_at == moment


def test_a_time_beyond_the_clock_skew_in_the_future_is_refused(store, draft_number):
    with pytest.raises(ValidationError) as err:
        update(store, draft_number, {"arrived_at": NOW + timedelta(minutes=6)})
    assert err.value.codes == {"in_future"}
    update(store, draft_number, {"arrived_at": NOW + timedelta(minutes=4)})


def test_a_later_edit_is_checked_against_the_times_already_stored(store, draft_number):
    update(store, draft_number, {"started_at": REQUESTED + timedelta(hours=2)})
    with pytest.raises(ValidationError) as err:
        update(store, draft_number, {"solved_at": REQUESTED + timedelta(hours=1)})
    assert err.value.for_field("solved_at")


def test_overlong_handling_is_refused_with_the_limit(store, draft_number):
    with pytest.raises(ValidationError) as err:
        update(store, draft_number, {"handling": "换" * 10_001})
    assert err.value.issues[0].code == "too_long"
    assert "10000" in err.value.issues[0].zh
    assert stored(store, draft_number).handling == ""


def test_invalid_result_is_refused(store, draft_number):
    with pytest.raises(ValidationError) as err:
        update(store, draft_number, {"result": "maybe"})
    assert err.value.codes == {"invalid_choice"}


def test_one_bad_field_means_no_field_is_saved(store, draft_number):
    with pytest.raises(ValidationError):
        update(store, draft_number, {"fault_found": "好的描述", "result": "bogus"})
    assert stored(store, draft_number).fault_found == ""


def test_unknown_field_is_a_programming_error(store, draft_number):
    with pytest.raises(ValueError):
        update(store, draft_number, {"seal": "x"})


@pytest.mark.parametrize(("line", "code"), [
    (FeeLineInput("labour", "", Decimal(1), Decimal("-1")), "negative"),
    (FeeLineInput("labour", "", Decimal(1), Decimal("1.005")), "too_many_decimals"),
    (FeeLineInput("labour", "", Decimal(1), Decimal("1000000.01")), "too_large"),
    (FeeLineInput("labour", "", Decimal(0), Decimal("10")), "bad_quantity"),
    (FeeLineInput("labour", "", Decimal("0.0001"), Decimal("10")), "bad_quantity"),
    (FeeLineInput("labour", "", Decimal(10001), Decimal("10")), "bad_quantity"),
    (FeeLineInput("snacks", "", Decimal(1), Decimal("10")), "invalid_choice"),
    (FeeLineInput("labour", "x" * 201, Decimal(1), Decimal("10")), "too_long"),
])
def test_fee_line_rules(line, code):
    assert {i.code for i in fee_line_issues([line])} == {code}


def test_zero_fee_is_allowed_for_contract_covered_work():
    assert fee_line_issues([FeeLineInput("labour", "合同内服务", Decimal(1), Decimal(0))]) == []


def test_slip_total_above_the_maximum_is_refused():
    lines = [FeeLineInput("parts", "服务器", Decimal(1), Decimal("600000"))] * 2
    assert {i.code for i in fee_line_issues(lines)} == {"total_too_large"}


def test_typed_amounts_are_parsed_or_refused_with_the_field():
    line = parse_fee_line("parts", " 硒鼓 ", "2", "¥1,280.50", 1)
    assert line.amount_fen == 256100
    assert line.description == "硒鼓"
    with pytest.raises(ValidationError) as err:
        parse_fee_line("parts", "硒鼓", "两个", "10", 3)
    assert err.value.issues[0].field == "fee_lines[3].quantity"
    with pytest.raises(ValidationError) as err:
        parse_fee_line("parts", "硒鼓", "1", "abc", 2)
    assert err.value.issues[0].field == "fee_lines[2].unit_price"


def test_invalid_fee_lines_leave_the_old_ones(store, draft_number):
    with store.write() as session:
        slips.set_fee_lines(session, slips.get_slip(session, draft_number),
                            [FeeLineInput("labour", "", Decimal(1), Decimal(80))])
    with pytest.raises(ValidationError), store.write() as session:
        slips.set_fee_lines(session, slips.get_slip(session, draft_number),
                            [FeeLineInput("labour", "", Decimal(1), Decimal(-80))])
    assert stored(store, draft_number).total_fen == 8000


def test_messages_follow_the_language(store, draft_number):
    set_language("en")
    with pytest.raises(ValidationError) as err:
        update(store, draft_number, {"arrived_at": REQUESTED - timedelta(minutes=1)})
    assert "cannot be before the request time" in str(err.value)
    assert "不能早于" in err.value.message("zh")


def take(store, **overrides):
    with store.write() as session:
        customer = session.query(Customer).one()
        args = dict(operator_code="C01", customer=customer, channel="phone",
                    fault_reported="网络时断时续", requested_at=REQUESTED,
                    contact_name="孙丽", now=NOW)
        args.update(overrides)
        return service_requests.take_request(session, **args).number


def test_request_needs_fault_and_a_way_to_reach_the_customer(store, world):
    with pytest.raises(ValidationError) as err:
        take(store, fault_reported=" ", contact_name="", contact_phone="")
    assert {i.field for i in err.value.issues} == {"fault_reported", "contact_name"}


def test_request_channel_must_be_known(store, world):
    with pytest.raises(ValidationError) as err:
        take(store, channel="fax")
    assert err.value.codes == {"invalid_choice"}


def test_request_answer_cannot_precede_the_request(store, world):
    with pytest.raises(ValidationError) as err:
        take(store, answered_at=REQUESTED - timedelta(minutes=1))
    assert err.value.issues[0].field == "answered_at"


def test_request_device_of_another_customer_is_refused(store, world):
    with store.write() as session:
        other = reference.create_customer(session, code="OTHER", name="别家公司")
        device = reference.add_device(session, other, device_type="台式机",
                                      device_class="desktop", serial="X1")
        customer = session.get(Customer, world.customer_id)
        with pytest.raises(ValidationError) as err:
            service_requests.take_request(
                session, operator_code="C01", customer=customer, channel="onsite",
                fault_reported="蓝屏", requested_at=REQUESTED, contact_name="孙丽",
                device=device, now=NOW)
    assert err.value.codes == {"wrong_customer"}


def test_phone_request_records_the_answer_time_and_finds_the_contract(store, world):
    number = take(store, answered_at=REQUESTED + timedelta(minutes=3))
    with store.read() as session:
        request = service_requests.get_request(session, number)
        assert request.answered_at == REQUESTED + timedelta(minutes=3)
        assert request.contract.number == "FW-2026-TJPORT"
        assert request.status == "open"


def test_engineer_code_format_is_checked(store):
    with pytest.raises(ValidationError), store.write() as session:
        reference.create_engineer(session, code="e-7", name="某人")
