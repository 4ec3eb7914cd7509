"""The archive's store of made reports (migrations a002, a008).

A report is one row per customer, kind and period (`archive_reports`, so it is never made
twice) and a living document: each time late data changes its figures a new version is
added (`archive_report_versions`, 1, 2, …, each with what changed), the old ones kept.
`Report.figures` and `Report.version` are the latest version's, so whatever reads a
report reads its newest state. A periodic report whose period has too little data yet is
not made: `archive_report_skips` keeps that outcome (数据不足 / not enough data) with the
numbers that decided it. The figures are rendered to PDF and CSV on export, in the
language asked for."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.archive.models import ArchiveBase, SeqInt
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
    figures: Mapped[str] = mapped_column(Text)  # the latest version's Figures.to_json()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # version 1
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # the archive's change-log position when the figures were last compared with the data:
    # nothing reached the archive since, so there is nothing to re-check
    checked_seq: Mapped[int] = mapped_column(SeqInt, default=0, server_default="0")


class ReportVersion(ArchiveBase):
    """One issued state of a report; version 1 is the report as first made."""

    __tablename__ = "archive_report_versions"

    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("archive_reports.id"),
                                                 primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    figures: Mapped[str] = mapped_column(Text)
    change_zh: Mapped[str] = mapped_column(Text, default="")  # "服务请求 12→14；…"
    change_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportSkip(ArchiveBase):
    """A periodic report not made (yet) for want of data, and the numbers that decided it;
    removed when the report is made after all (late data)."""

    __tablename__ = "archive_report_skips"
    __table_args__ = (UniqueConstraint("customer_id", "kind", "period_start", "period_end",
                                       name="uq_archive_report_skips_key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    covered_days: Mapped[int] = mapped_column(Integer)  # of the period, under a contract
    period_days: Mapped[int] = mapped_column(Integer)
    requests: Mapped[int] = mapped_column(Integer)
    min_coverage_percent: Mapped[int] = mapped_column(Integer)  # the schedule's, as applied
    min_requests: Mapped[int] = mapped_column(Integer)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportSchedule(ArchiveBase):
    """Which reports a service contract (agreement) promises, to whom, and from how much
    data; a contract without a row gets the defaults (reports/schedules.py)."""

    __tablename__ = "archive_report_schedules"

    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # contracts.id
    kinds: Mapped[str] = mapped_column(String(100))  # "quarterly,yearly,contract_end"
    recipients: Mapped[str] = mapped_column(Text, default="")  # one per line
    min_coverage_percent: Mapped[int] = mapped_column(Integer)
    min_requests: Mapped[int] = mapped_column(Integer)
    contract_end_days: Mapped[int] = mapped_column(Integer)
    # made reports e-mailed to the recipients (a009); off: on the portal only
    mail: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportDelivery(ArchiveBase):
    """One version of a report e-mailed to one recipient (migration a009, reports/mailing.py):
    "pending" until the SMTP server took it, then "sent"; "superseded" when a newer version
    came before it went. Made only while e-mail is configured."""

    __tablename__ = "archive_report_deliveries"
    __table_args__ = (UniqueConstraint("report_id", "version", "address",
                                       name="uq_archive_report_deliveries_key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("archive_reports.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(254))  # personal data: never in a log line
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
