"""The archive's findings on a staff laptop, as a service: newest first, paged."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import insert

from fieldapp.services import findings
from fieldapp.store.finding_models import Finding
from tests.core.conftest import NOW


def _pulled(store, customer_id, found_on: date, rule: str) -> None:  # type: ignore[no-untyped-def]
    """As a pull writes it: a Core insert, not queued for pushing."""
    with store.write() as session:
        session.execute(insert(Finding.__table__).values(
            id=uuid.uuid4(), key=f"{rule}:{found_on}", customer_id=customer_id, rule=rule,
            found_on=found_on, window_start=date(2026, 9, 1), window_end=found_on,
            summary_zh="同一设备 90 天内故障 3 次", summary_en="Failed 3 times in 90 days",
            evidence="R-C01-20261101-001,R-C01-20261015-002,", detected_at=NOW,
            created_at=NOW, updated_at=NOW))


def test_findings_are_listed_newest_first_with_their_evidence(store, world):  # type: ignore[no-untyped-def]
    _pulled(store, world.customer_id, date(2026, 11, 20), "repeat_device")
    _pulled(store, world.customer_id, date(2026, 11, 22), "same_fault")
    rows = findings.page(store)
    assert [(r.found_on, r.rule) for r in rows] == [(date(2026, 11, 22), "same_fault"),
                                                    (date(2026, 11, 20), "repeat_device")]
    assert rows[0].customer_name == "天津港信息中心"
    assert rows[0].evidence == ("R-C01-20261101-001", "R-C01-20261015-002")
    assert [r.rule for r in findings.page(store, offset=1, limit=5)] == ["repeat_device"]
