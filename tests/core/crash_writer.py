"""Child process for the crash test: saves drafts in a loop, reporting each returned save.

Run as `python -m tests.core.crash_writer DATA_DIR`; prints "saved N" after save N returned.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fieldapp import reference, service_requests, slips
from fieldapp.store import open_store
from fieldapp.store.models import Customer


def main(data_dir: Path) -> None:
    store = open_store(data_dir)
    start = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    with store.write() as session:
        customer = session.query(Customer).first()
        if customer is None:
            customer = reference.create_customer(session, code="C", name="天津测试公司")
            engineer = reference.create_engineer(session, code="E01", name="王建国")
        engineer = reference.engineer_by_code(session, "E01")
        request = service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="onsite",
            fault_reported="打印机卡纸", requested_at=start, contact_name="孙丽", now=start)
        slip_number = slips.start_slip(session, request, engineer, now=start).number
    print(f"slip {slip_number}", flush=True)
    i = 0
    while True:
        i += 1
        with store.write() as session:
            slip = slips.get_slip(session, slip_number)
            slips.update_slip(session, slip, {"handling": f"第 {i} 次保存" + "。" * (i % 50)},
                              now=start + timedelta(days=1))
            service_requests.take_request(
                session, operator_code="C02", customer=slip.request.customer,
                channel="phone", fault_reported=f"save {i}", requested_at=start,
                contact_name="孙丽", now=start)
        print(f"saved {i}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
