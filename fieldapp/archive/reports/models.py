"""The archive's store of made reports (migration a002): one row per customer, kind and
period, so a report is never made twice. The figures are kept as made; the PDF and CSV
are rendered from them on export, in the language asked for."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.archive.models import ArchiveBase
from fieldapp.base.ids import new_uuid
from fieldapp.base.timeutil import utcnow
from fieldapp.store.types import UTCDateTime

KINDS = ("quarterly", "half_yearly", "yearly", "requested", "contract_end", "proactive")


class Report(ArchiveBase):
    __tablename__ = "archive_reports"
    __table_args__ = (UniqueConstraint("customer_id", "kind", "period_start", "period_end",
                                       name="uq_archive_reports_key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)  # customers.id
    kind: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)  # inclusive
    requested_by: Mapped[str] = mapped_column(String(100), default="")
    reason_zh: Mapped[str] = mapped_column(Text, default="")
    reason_en: Mapped[str] = mapped_column(Text, default="")
    figures: Mapped[str] = mapped_column(Text)  # Figures.to_json()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
