"""Analysis findings (分析发现) on a staff laptop: what the archive found, as pulled.

The archive makes them (fieldapp/archive/reports/triggers.py); a staff or admin laptop
receives them on its next pull and lists them, newest first. Read-only here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.store.finding_models import Finding
from fieldapp.store.models import Customer

RULE_LABELS = {
    "repeat_device": ("同一设备反复故障", "Same device failing repeatedly"),
    "same_fault": ("多台设备同类故障", "Same fault on many devices"),
    "sla_rising": ("超时次数上升", "SLA breaches rising"),
}


@dataclass(frozen=True)
class FindingRow:
    id: uuid.UUID
    found_on: date
    customer_name: str
    rule: str
    summary_zh: str
    summary_en: str
    evidence: tuple[str, ...]  # request numbers


def list_findings(session: Session, *, limit: int = 200, offset: int = 0) -> list[FindingRow]:
    query = (select(Finding, Customer.name).join(Customer, Customer.id == Finding.customer_id)
             .order_by(Finding.found_on.desc(), Finding.detected_at.desc(), Finding.id)
             .limit(limit).offset(offset))
    return [FindingRow(f.id, f.found_on, name, f.rule, f.summary_zh, f.summary_en,
                       tuple(n for n in f.evidence.split(",") if n))
            for f, name in session.execute(query)]
