"""A customer's request page says how the request came in, what it asks and every clock it
runs (issue 17, R1)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from fieldapp.records.sla_records import request_clocks
from fieldapp.sla import INTAKE_LABELS, SERVICE_KIND_LABELS, label
from fieldapp.store.models import Customer, ServiceRequest
from tests.portal.site import Site, logged_in


@pytest.fixture(scope="module")
def a(site: Site) -> Iterator[httpx.Client]:
    client = logged_in(site, "port")
    yield client
    client.close()


def test_the_request_page_names_both_fields_and_every_clock(site: Site, a: httpx.Client):
    with site.archive.db.read() as session:
        customer = session.scalar(select(Customer.id).where(Customer.code == "TJPORT"))
        request = session.scalars(select(ServiceRequest).where(
            ServiceRequest.customer_id == customer,
            ServiceRequest.service_kind != "answer")).first()
        assert request is not None
        intake, kind, request_id = request.intake_channel, request.service_kind, request.id
        kinds = [c.kind for c in request_clocks(request, request.requested_at)]
    page = a.get(f"/portal/requests/{request_id}").text
    assert INTAKE_LABELS[intake][0] in page and SERVICE_KIND_LABELS[kind][0] in page
    assert "受理渠道" in page and "服务类型" in page
    assert len(kinds) >= 2  # the call that asked, and the service
    for kind_ in kinds:
        assert label(kind_, "zh") in page
