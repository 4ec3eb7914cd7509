"""The visit services: a whole visit through `fieldapp.services.visit`, no session in hand."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from fieldapp.base.errors import NotFound, SealedError, ValidationError, WorkflowError
from fieldapp.base.settings import Settings
from fieldapp.records import reference, service_requests, slips
from fieldapp.rules.validation import FeeLineInput
from fieldapp.seal.sealing import verify_slip
from fieldapp.services import visit
from fieldapp.services.fee_entry import FeeLineText, check_fee_lines, price_items
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes
from tests.core.conftest import NOW, REQUESTED

ARRIVED = REQUESTED + timedelta(minutes=70)


def _request_id(store, world):  # type: ignore[no-untyped-def]
    with store.read() as session:
        return service_requests.get_request(session, world.request_number).id


def _times(minutes: int):  # type: ignore[no-untyped-def]
    return REQUESTED + timedelta(minutes=minutes)


def _complete_changes(fees: tuple[FeeLineInput, ...] | None = None) -> visit.SlipChanges:
    return visit.SlipChanges(fields={
        "arrived_at": _times(70), "started_at": _times(75), "solved_at": _times(140),
        "departed_at": _times(150), "fault_found": "搓纸轮磨损", "handling": "更换搓纸轮",
        "result": "solved"}, fee_lines=fees if fees is not None else (
        FeeLineInput("labour", "上门服务费", Decimal(1), Decimal(150)),
        FeeLineInput("parts", "搓纸轮", Decimal(2), Decimal("45.50"))))


def _signature(role: str, name: str) -> visit.SignatureInput:
    return visit.SignatureInput(role, name, signature_strokes(1 if role == "engineer" else 2),
                                PAD_WIDTH, PAD_HEIGHT)


def test_opening_a_request_twice_resumes_the_same_draft(store, world):  # type: ignore[no-untyped-def]
    request_id = _request_id(store, world)
    first = visit.open_visit(store, request_id, "E07", now=ARRIVED)
    again = visit.open_visit(store, request_id, "E07", now=ARRIVED + timedelta(minutes=5))
    assert again.id == first.id and first.status == "draft"
    assert first.number.startswith("S-E07-20261124-")
    assert (first.customer_name, first.contact_name, first.channel) == (
        "天津港信息中心", "孙丽", "onsite")
    assert "LaserJet M404dn" in first.device and first.visited


def test_another_engineer_or_a_sealed_slip_starts_a_new_draft(store, world):  # type: ignore[no-untyped-def]
    request_id = _request_id(store, world)
    with store.write() as session:
        reference.create_engineer(session, code="E03", name="王建国", skills=["网络"])
    mine = visit.open_visit(store, request_id, "E07", now=ARRIVED)
    theirs = visit.open_visit(store, request_id, "E03", now=ARRIVED)
    assert theirs.id != mine.id and theirs.engineer_code == "E03"
    visit.save_changes(store, mine.id, _complete_changes(), now=NOW)
    visit.sign(store, mine.id, _signature("engineer", "刘洋"), now=NOW)
    visit.sign(store, mine.id, _signature("customer", "孙丽"), now=NOW)
    assert visit.open_visit(store, request_id, "E07", now=NOW).id != mine.id


def test_unknown_engineer_code_is_not_found(store, world):  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        visit.open_visit(store, _request_id(store, world), "E99", now=ARRIVED)


def test_valid_fields_stick_and_every_refusal_is_reported_together(store, world):  # type: ignore[no-untyped-def]
    slip = visit.open_visit(store, _request_id(store, world), "E07", now=ARRIVED)
    outcome = visit.save_changes(store, slip.id, visit.SlipChanges(fields={
        "started_at": _times(75),
        "solved_at": _times(-30),            # before the start
        "departed_at": NOW + timedelta(hours=2),  # in the future
        "fault_found": "定影组件有残纸",
        "handling": "x" * 10001,             # too long
        "result": "maybe",                    # not a result
    }, fee_lines=(FeeLineInput("labour", "上门服务费", Decimal(1), Decimal(-5)),)), now=NOW)
    assert set(outcome.saved) == {"started_at", "fault_found"}
    assert {(i.field, i.code) for i in outcome.issues} == {
        ("solved_at", "out_of_order"), ("departed_at", "in_future"),
        ("handling", "too_long"), ("result", "invalid_choice"),
        ("fee_lines[1].unit_price", "negative")}
    assert outcome.slip.started_at == _times(75) and outcome.slip.solved_at is None
    assert outcome.slip.fault_found == "定影组件有残纸" and outcome.slip.fee_lines == ()
    assert visit.load(store, slip.id) == outcome.slip


def test_completeness_lists_everything_missing_in_the_order_of_the_work(store, world):  # type: ignore[no-untyped-def]
    slip = visit.open_visit(store, _request_id(store, world), "E07", now=ARRIVED)
    check = visit.completeness(store, slip.id, now=NOW)
    assert not check.complete
    assert [i.field for i in check.missing] == [
        "arrived_at", "started_at", "fault_found", "handling", "fee_lines", "result",
        "departed_at"]
    assert [visit.step_of(i.field) for i in check.missing] == [
        "arrive", "start", "work", "work", "fees", "result", "result"]
    assert set(check.by_step()) == {"arrive", "start", "work", "fees", "result"}
    assert check.missing[4].message("zh") == "请添加费用，或确认本次服务不收费。"

    visit.save_changes(store, slip.id, _complete_changes(fees=()), now=NOW)
    assert [i.field for i in visit.completeness(store, slip.id, now=NOW).missing] == [
        "fee_lines"]
    visit.set_fee_lines(store, slip.id, [visit.no_charge_line()])
    done = visit.completeness(store, slip.id, now=NOW)
    assert done.complete and done.slip.total_fen == 0
    assert done.slip.fee_lines[0].description == "本次服务不收费"


def test_solved_needs_its_time(store, world):  # type: ignore[no-untyped-def]
    slip = visit.open_visit(store, _request_id(store, world), "E07", now=ARRIVED)
    changes = dict(_complete_changes().fields)
    del changes["solved_at"]
    visit.save_changes(store, slip.id, visit.SlipChanges(changes, _complete_changes().fee_lines),
                       now=NOW)
    (issue,) = visit.completeness(store, slip.id, now=NOW).missing
    assert (issue.field, visit.step_of(issue.field)) == ("solved_at", "result")


def test_an_incomplete_slip_cannot_be_signed_by_anyone(store, world):  # type: ignore[no-untyped-def]
    slip = visit.open_visit(store, _request_id(store, world), "E07", now=ARRIVED)
    changes = _complete_changes(fees=())
    visit.save_changes(store, slip.id, changes, now=NOW)
    for role, name in (("engineer", "刘洋"), ("customer", "孙丽")):
        with pytest.raises(ValidationError) as refused:
            visit.sign(store, slip.id, _signature(role, name), now=NOW)
        assert [i.field for i in refused.value.issues] == ["fee_lines"]
    assert visit.load(store, slip.id).signatures == ()


def test_a_zero_total_needs_the_customers_explicit_confirmation(store, world):  # type: ignore[no-untyped-def]
    slip = visit.open_visit(store, _request_id(store, world), "E07", now=ARRIVED)
    visit.save_changes(store, slip.id, _complete_changes(fees=(visit.no_charge_line(),)), now=NOW)
    visit.sign(store, slip.id, _signature("engineer", "刘洋"), now=NOW)
    with pytest.raises(ValidationError) as refused:
        visit.sign(store, slip.id, _signature("customer", "孙丽"), now=NOW)
    assert refused.value.codes == {"zero_total"}
    sealed = visit.sign(store, slip.id, _signature("customer", "孙丽"),
                        zero_total_confirmed=True, now=NOW)
    assert sealed.sealed and sealed.total_fen == 0


def test_sign_seal_clear_and_amend(store, world):  # type: ignore[no-untyped-def]
    slip = visit.open_visit(store, _request_id(store, world), "E07", now=ARRIVED)
    visit.save_changes(store, slip.id, _complete_changes(), now=NOW)
    signed = visit.sign(store, slip.id, _signature("engineer", "刘洋"), now=NOW)
    assert signed.signature("engineer").signer_name == "刘洋" and not signed.sealed
    with pytest.raises(WorkflowError):  # frozen while signed
        visit.set_fee_lines(store, slip.id, [])
    cleared = visit.clear_signatures(store, slip.id)
    assert cleared.signatures == ()
    visit.sign(store, slip.id, _signature("engineer", "刘洋"), now=NOW)
    sealed = visit.sign(store, slip.id, _signature("customer", "孙丽"), now=NOW)
    assert sealed.sealed and sealed.total_fen == 24100
    with store.read() as session:
        assert verify_slip(slips.get_slip(session, slip.id)).ok
    with pytest.raises(SealedError):
        visit.save_changes(store, slip.id, visit.SlipChanges({"handling": "改"}), now=NOW)
    with pytest.raises(ValidationError):
        visit.amend(store, slip.id, reason=" ", operator_code="E07", now=NOW)
    amendment = visit.amend(store, slip.id, reason="客户要求更正交通费", operator_code="E07",
                            now=NOW)
    assert amendment.amends_number == slip.number and not amendment.sealed
    assert amendment.total_fen == 24100 and amendment.signatures == ()


def test_device_lookup_by_serial_or_asset_tag(store, world):  # type: ignore[no-untyped-def]
    (match,) = visit.find_devices(store, "ZC-TJPORT-001")
    assert match.customer_name == "天津港信息中心" and "CNB1234567" in match.device
    assert visit.find_devices(store, "nothing") == ()


def test_changes_take_only_editable_fields() -> None:
    with pytest.raises(ValueError):
        visit.SlipChanges({"seal": "x"})


# -- fee lines as typed ---------------------------------------------------------------------

def test_the_total_counts_only_what_would_be_saved() -> None:
    check = check_fee_lines([
        FeeLineText("labour", "上门服务费", "1", "150"),
        FeeLineText("parts", "搓纸轮", "2", "-50"),          # refused: negative
        FeeLineText("parts", "硒鼓", "1", "100000001189"),  # refused: above the limit
        FeeLineText("travel", "交通费", "1", ""),            # refused: no price
        FeeLineText("other", "", "1", ""),                  # blank: just added
        FeeLineText("travel", "交通费", "1", "30"),
    ])
    assert check.total_fen == 18000
    assert [line.description for line in check.lines] == ["上门服务费", "交通费"]
    assert check.refused == {1, 2, 3} and check.blank == {4}
    assert check.amounts == (15000, None, None, None, None, 3000)
    assert [i.message("zh") for i in check.issues] == [
        "第 2 行单价不能为负数。",
        "第 3 行金额超过上限 1,000,000.00 元，请核对。",
        "第 4 行请填写单价。"]
    assert check.issues_of(3)[0].code == "required"


def test_an_empty_or_garbled_price_names_the_line_not_an_x() -> None:
    check = check_fee_lines([FeeLineText("labour", "上门", "1", "1２0元")])
    assert check.refused == {0}
    assert "'x'" not in check.issues[0].message("zh")
    assert check.issues[0].message("en").startswith("Fee line 1: unit price is not an amount")


def test_the_default_price_list_is_chinese_and_every_item_checks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    items = price_items(Settings(tmp_path / "settings.json").get("price_list"))
    assert ("上门服务费", Decimal(150)) in [(i.description, i.unit_price) for i in items]
    assert ("交通费（市内）", Decimal(30)) in [(i.description, i.unit_price) for i in items]
    assert {i.kind for i in items} == {"labour", "travel", "parts"}
    line = items[0].as_line()
    assert check_fee_lines([line]).total_fen == 15000


def test_a_hand_edited_price_list_keeps_only_the_good_items() -> None:
    items = price_items([{"kind": "labour", "description": "上门服务费", "unit_price": "150"},
                         {"kind": "food", "description": "午饭", "unit_price": "20"},
                         {"kind": "parts", "description": "", "unit_price": "20"},
                         {"kind": "parts", "description": "硒鼓", "unit_price": "-1"},
                         "junk"])
    assert [i.description for i in items] == ["上门服务费"]
    assert price_items("not a list") == ()
