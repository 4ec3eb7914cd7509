"""Child process for the crash tests: saves drafts and seals slips in a loop, reporting
each save that returned; and a child that only opens (so migrates) a store.

`save_loop(data_dir, report, seed)` appends "saved N" after draft save N returned (the
save stores a request whose fault is "save SEED.N" and numbers its draft's handling) and
"sealed NUMBER" after the transaction that filled in, priced and signed slip NUMBER
returned. The report is a file opened O_APPEND: a line written is in the kernel's page
cache, so a SIGKILL right after cannot lose it. Run as a forkserver child (the crash
test) or as `python -m tests.core.crash_writer DATA_DIR REPORT [SEED]`.
"""

from __future__ import annotations

import os
import random
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from fieldapp.records import reference, service_requests, slips
from fieldapp.rules.validation import FeeLineInput
from fieldapp.store import open_store
from fieldapp.store.models import Customer
from fieldapp.tools.demo import PAD_HEIGHT, PAD_WIDTH, signature_strokes

START = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
NOW = START + timedelta(days=1)
SEALED_FAULT = "崩溃测试：封存单"  # marks the slips the writer seals in one transaction


def _report(fd: int, line: str) -> None:
    os.write(fd, (line + "\n").encode())


def save_loop(data_dir: Path, report: Path, seed: int = 0) -> None:
    rng = random.Random(seed)
    fd = os.open(report, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    store = open_store(data_dir)
    with store.write() as session:
        customer = session.query(Customer).first()
        if customer is None:
            customer = reference.create_customer(session, code="C", name="天津测试公司")
            reference.create_engineer(session, code="E01", name="王建国")
        engineer = reference.engineer_by_code(session, "E01")
        request = service_requests.take_request(
            session, operator_code="C01", customer=customer, channel="onsite",
            fault_reported="打印机卡纸", requested_at=START, contact_name="孙丽", now=START)
        slip_number = slips.start_slip(session, request, engineer, now=START).number
    _report(fd, f"slip {slip_number}")
    i = 0
    while True:
        if rng.random() < 0.25:
            _report(fd, f"sealed {seal_one(store)}")
            continue
        i += 1
        with store.write() as session:
            slip = slips.get_slip(session, slip_number)
            slips.update_slip(session, slip, {"handling": f"第 {i} 次保存" + "。" * (i % 50)},
                              now=NOW)
            service_requests.take_request(
                session, operator_code="C02", customer=slip.request.customer,
                channel="phone", fault_reported=f"save {seed}.{i}", requested_at=START,
                contact_name="孙丽", now=START)
        _report(fd, f"saved {i}")


def seal_one(store) -> str:
    """A whole visit in one transaction: start, fill in, price, both signatures, seal."""
    with store.write() as session:
        customer = session.query(Customer).first()
        engineer = reference.engineer_by_code(session, "E01")
        request = service_requests.take_request(
            session, operator_code="C03", customer=customer, channel="onsite",
            fault_reported="服务器无法开机", requested_at=START, contact_name="孙丽", now=START)
        slip = slips.start_slip(session, request, engineer, now=START)
        slips.update_slip(session, slip, {
            "arrived_at": START + timedelta(minutes=50), "started_at": START + timedelta(hours=1),
            "solved_at": START + timedelta(hours=2), "departed_at": START + timedelta(hours=3),
            "fault_found": SEALED_FAULT, "handling": "更换电源", "result": "solved"}, now=NOW)
        slips.set_fee_lines(session, slip, [
            FeeLineInput("labour", "上门服务费", Decimal(1), Decimal(150)),
            FeeLineInput("parts", "电源", Decimal(1), Decimal("388.80"))])
        for seed, (role, name) in enumerate((("engineer", "王建国"), ("customer", "孙丽"))):
            slips.sign_slip(session, slip, role=role, signer_name=name,
                            strokes=signature_strokes(seed + 1), pad_width=PAD_WIDTH,
                            pad_height=PAD_HEIGHT, signed_at=START + timedelta(hours=3), now=NOW)
        return slip.number


def open_only(data_dir: Path, report: Path | None = None) -> None:
    """Open the store (which upgrades an older schema) and exit: the migration child.
    Writes "opening" to `report` first, so the parent can time its kill from there."""
    if report is not None:
        fd = os.open(report, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        _report(fd, "opening")
    open_store(data_dir).close()


if __name__ == "__main__":
    save_loop(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)
