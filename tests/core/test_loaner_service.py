"""The loaner pool as services (R1.4): `fieldapp.services.loaners`, moments fixed."""

from __future__ import annotations

import pytest

from fieldapp.base.errors import WorkflowError
from fieldapp.records import service_requests
from fieldapp.services import loaners, repairs
from fieldapp.workflows import loaners as pool
from tests.workflows.conftest import at, intake, sig


@pytest.fixture
def lent(store, world):  # type: ignore[no-untyped-def]
    """BJ-PRN-02 lent for a long repair; BJ-PRN-01 in the pool."""
    with store.write() as session:
        pool.add_loaner(session, asset_tag="BJ-PRN-01", device_class="printer", grade="B")
        pool.add_loaner(session, asset_tag="BJ-PRN-02", device_class="printer", grade="A",
                        description="惠普 LaserJet M405dn")
        request_id = service_requests.get_request(session, world.request_number).id
    repair_id = repairs.send_in(store, request_id, intake(), operator_code="E07", now=at(160))
    repairs.estimate(store, repair_id, repairs.Estimate(38_000, at(1500)),
                     operator_code="W01", language="zh", now=at(200))
    repairs.lend_loaner(store, repair_id, repairs.LoanerLending("BJ-PRN-02", sig("刘洋", 1),
                                                               sig("孙丽", 2)),
                        operator_code="E07", language="zh", now=at(220))


def _back(tag: str = "BJ-PRN-02") -> loaners.LoanerReturn:
    return loaners.LoanerReturn(tag, "good", sig("刘洋", 3), sig("孙丽", 4))


def test_the_pool_lists_the_lent_loaner_first_with_who_signed_for_it(store, lent):  # type: ignore[no-untyped-def]
    rows = loaners.page(store, now=at(300))
    assert [(r.asset_tag, r.status) for r in rows] == [("BJ-PRN-02", "out"),
                                                       ("BJ-PRN-01", "available")]
    assert rows[0].customer_signer == "孙丽" and rows[0].repair_number.startswith("P-E07-")


def test_a_loaner_taken_back_is_available_again(store, lent):  # type: ignore[no-untyped-def]
    loaners.take_back(store, _back(), operator_code="E07", now=at(1500))
    assert {r.asset_tag: r.status for r in loaners.page(store, now=at(1510))} == {
        "BJ-PRN-01": "available", "BJ-PRN-02": "available"}


def test_a_loaner_that_is_not_out_cannot_be_taken_back(store, lent):  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError):
        loaners.take_back(store, _back("BJ-PRN-01"), operator_code="E07", now=at(1500))
