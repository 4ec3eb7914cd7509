"""The workflow documents the desktop previews, as services: each in the customer's
language whatever the screen's, found by the numbers the screens show."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fieldapp.base.errors import NotFound
from fieldapp.base.settings import Settings
from fieldapp.records import service_requests
from fieldapp.services import complaints, repairs, workflow_documents
from fieldapp.workflows import loaners
from tests.core.test_document_language import pdf_text
from tests.workflows.conftest import at, intake, sig


@pytest.fixture
def settings(tmp_path):  # type: ignore[no-untyped-def]
    return Settings.in_dir(tmp_path / "settings")


@pytest.fixture
def repair_number(store, world):  # type: ignore[no-untyped-def]
    with store.write() as session:
        loaners.add_loaner(session, asset_tag="BJ-PRN-02", device_class="printer", grade="A")
        request_id = service_requests.get_request(session, world.request_number).id
    repair_id = repairs.send_in(store, request_id, intake(), operator_code="E07", now=at(160))
    repairs.estimate(store, repair_id, repairs.Estimate(38_000, at(1500)),
                     operator_code="W01", language="en", now=at(200))
    return repairs.lend_loaner(store, repair_id, repairs.LoanerLending(
        "BJ-PRN-02", sig("刘洋", 1), sig("孙丽", 2)), operator_code="E07", language="en",
        now=at(220)).number


def test_the_intake_copy_and_the_loaner_record_are_in_the_customers_chinese(
        store, settings, repair_number):  # type: ignore[no-untyped-def]
    intake_copy = pdf_text(workflow_documents.repair_copy(store, repair_number, settings))
    assert repair_number in intake_copy and "送修单" in intake_copy
    record = pdf_text(workflow_documents.loaner_record(store, "BJ-PRN-02", settings,
                                                       repair_number=repair_number))
    assert "BJ-PRN-02" in record and "备机" in record
    english = pdf_text(workflow_documents.repair_copy(store, repair_number, settings,
                                                      language="en"))
    assert repair_number in english and "送修单" not in english


def test_a_closed_complaint_has_its_feedback_report(store, world, settings):  # type: ignore[no-untyped-def]
    received = at(600)
    complaint_id = complaints.record(store, complaints.NewComplaint(
        world.customer_id, "service_event", "响应太慢", "phone", received, "C01"),
        now=received)
    complaints.respond(store, complaint_id, complaints.Response("已致歉并改进排班", "陈晓红"),
                       operator_code="C01", now=received + timedelta(hours=1))
    number = complaints.close(store, complaint_id, complaints.Closing("陈晓红"),
                              operator_code="C01", now=received + timedelta(hours=2)).number
    report = pdf_text(workflow_documents.complaint_report(store, number, settings))
    assert number in report and "投诉反馈报告" in report


def test_an_unknown_number_is_not_found(store, world, settings):  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        workflow_documents.repair_copy(store, "P-E07-20261124-999", settings)
