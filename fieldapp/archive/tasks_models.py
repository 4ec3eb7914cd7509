"""The archive's tasks (migration a007, issue 20 item 5): someone is told. One row per
cause — a proactive finding, a breached SLA clock, a complaint past its promised answer
time — so re-scanning never makes a second task; who it is for, when it was done and by
whom, and whether its e-mail has gone."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.archive.models import ArchiveBase
from fieldapp.base.ids import new_uuid
from fieldapp.base.timeutil import utcnow
from fieldapp.store.types import UTCDateTime


class Task(ArchiveBase):
    __tablename__ = "archive_tasks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    number: Mapped[int] = mapped_column(Integer, unique=True)  # what people type: `tasks done 7`
    key: Mapped[str] = mapped_column(String(200), unique=True)  # the cause, once
    cause: Mapped[str] = mapped_column(String(12))  # a reads.tasks.TaskCause
    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)  # customers.id
    assignee: Mapped[str] = mapped_column(String(100), default="")  # "": the service centre
    reference: Mapped[str] = mapped_column(String(200), default="")  # request/complaint number
    title_zh: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    done_by: Mapped[str] = mapped_column(String(100), default="")
    mail_state: Mapped[str] = mapped_column(String(8), default="off")  # a reads.tasks.MailState
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
