"""Analysis findings (分析发现): patterns the archive found in a customer's service events.

Made by the archive's report runner (fieldapp/archive/reports/), pulled by staff laptops
(migration 0006). Written once by one writer, the archive; a laptop never creates or
changes one, so it is never pushed back.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.store.models import Customer, Record
from fieldapp.store.types import UTCDateTime


class Finding(Record):
    __tablename__ = "findings"

    # rule + subject + first evidence: the same pattern is never reported twice
    key: Mapped[str] = mapped_column(String(200), unique=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id"), index=True)
    rule: Mapped[str] = mapped_column(String(30))  # repeat_device / same_fault / sla_rising
    found_on: Mapped[date] = mapped_column(Date, index=True)  # the day it was detected
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    summary_zh: Mapped[str] = mapped_column(Text)
    summary_en: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text, default="")  # request numbers, comma-separated
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)

    customer: Mapped[Customer] = relationship()
