"""Made reports reach their recipients (issue 20 item 1, "to whom"): each new report and
each new version of a living report is e-mailed, PDF attached, once to every recipient of
its schedule who has an e-mail address, through the archive's SMTP server (archive/mail.py).

`queue` (in `reports run`'s transaction) writes one "pending" delivery per version and
address; `send_pending` (after it) sends them, one short transaction each, so a server that
is down delays only the mail: it stays pending and the next run tries again; a sent one is
never sent again. With no SMTP server configured nothing is queued. Who: the schedule's
recipients with an address ("孙丽 <sunli@example.cn>"); a schedule naming nobody means the
customer's contacts with an address and the account manager (`task_manager_emails`); a
schedule switched off (`schedules set --no-mail`) sends none.
Subject and body in the customer's document language first, the other below; log lines
name the report and version only, never an address.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.archive.config import ArchiveSettings
from fieldapp.archive.db import Database
from fieldapp.archive.files.store import FileStore
from fieldapp.archive.mail import SEND_ERRORS, mail_configured, send_message
from fieldapp.archive.portal.photos import configured_store, report_thumbnails
from fieldapp.archive.reports.export import export_report
from fieldapp.archive.reports.labels import KIND_LABELS
from fieldapp.archive.reports.models import Report, ReportDelivery, ReportVersion
from fieldapp.archive.reports.period import Period
from fieldapp.archive.reports.schedules import coverage
from fieldapp.base.i18n import Language, is_language, pick
from fieldapp.base.timeutil import utcnow
from fieldapp.documents.model import CompanyInfo
from fieldapp.store.models import Contract, Customer

log = logging.getLogger("fieldapp.archive.reports")

PENDING, SENT, SUPERSEDED = "pending", "sent", "superseded"


@dataclass(frozen=True)
class DeliveryResult:
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # still pending after this run (retried on the next)


def _address(entry: str) -> str:
    """The e-mail address in "孙丽 <sunli@example.cn>" or "sunli@example.cn"; "" if none."""
    address = parseaddr(entry)[1].strip()
    return address if "@" in address and " " not in address else ""


def addresses(session: Session, report: Report, settings: ArchiveSettings) -> list[str]:
    """Where the report goes: its schedule's recipients with an address (the schedule of
    the contract covering most of its period), else the defaults; each once."""
    customer = session.get(Customer, report.customer_id)
    if customer is None:
        return []
    contracts = list(session.scalars(select(Contract).where(
        Contract.customer_id == customer.id)))
    schedule = coverage(session, customer.id, Period(report.period_start, report.period_end),
                        contracts).schedule
    if not schedule.mail:
        return []  # the agreement wants its reports on the portal only
    if schedule.recipients:
        found = [_address(r) for r in schedule.recipients]
    else:
        found = [_address(c.email) for c in customer.contacts]
        manager = customer.account_manager.strip()
        if manager:
            found.append(_address(settings.task_manager_emails.get(manager, "")))
    return list(dict.fromkeys(a for a in found if a))


def queue(session: Session, reports: Iterable[Report], settings: ArchiveSettings, *,
          now: datetime | None = None) -> int:
    """A pending delivery of each report's current version to each of its addresses (none
    when e-mail is not configured); an older version not sent yet is superseded. Returns
    how many were queued."""
    if not mail_configured(settings):
        return 0
    now = now or utcnow()
    queued = 0
    for report in reports:
        for older in session.scalars(select(ReportDelivery).where(
                ReportDelivery.report_id == report.id, ReportDelivery.state == PENDING,
                ReportDelivery.version < report.version)):
            older.state = SUPERSEDED  # the recipient gets the newest, not each in between
        known = set(session.scalars(select(ReportDelivery.address).where(
            ReportDelivery.report_id == report.id,
            ReportDelivery.version == report.version)))
        for address in addresses(session, report, settings):
            if address not in known:
                session.add(ReportDelivery(report_id=report.id, version=report.version,
                                           address=address, state=PENDING, created_at=now))
                queued += 1
    session.flush()
    return queued


def _texts(report: Report, version: ReportVersion, customer: Customer, company: str,
           language: Language) -> tuple[str, str]:
    """(subject, body) in one language."""
    kind = pick(*KIND_LABELS[report.kind], language)
    start, end, n = report.period_start, report.period_end, version.version
    if language == "zh":
        subject = f"【服务分析报告】{customer.name} {kind} {start} 至 {end}"
        subject += f"（第 {n} 版）" if n > 1 else ""
        body = (f"您好：\n\n附件为{customer.name}（{customer.code}）的{kind}，"
                f"报告期 {start} 至 {end}（PDF）。\n")
        if n > 1:
            body += (f"本报告为第 {n} 版：后补的服务记录改变了本期数字——{version.change_zh}。"
                     "此前各版保留可查。\n")
        body += f"本报告及其各版也可在客户门户查看。\n\n{company or '服务中心'}\n"
        return subject, body
    subject = f"[Service report] {customer.name} {kind} {start} to {end}"
    subject += f" (version {n})" if n > 1 else ""
    body = (f"Hello,\n\nAttached is the {kind.lower()} for {customer.name} "
            f"({customer.code}), period {start} to {end} (PDF).\n")
    if n > 1:
        body += (f"This is version {n}: records that arrived late changed this period's "
                 f"figures — {version.change_en}. Earlier versions are kept.\n")
    body += (f"The report and its versions are also on the customer portal.\n\n"
             f"{company or 'The service centre'}\n")
    return subject, body


@dataclass(frozen=True)
class _Mail:
    subject: str
    body: str
    pdf: bytes
    filename: str


def _compose(session: Session, report_id: uuid.UUID, number: int, company: CompanyInfo,
             store: FileStore | None = None) -> _Mail | None:
    report = session.get(Report, report_id)
    version = session.get(ReportVersion, (report_id, number))
    customer = session.get(Customer, report.customer_id) if report else None
    if report is None or version is None or customer is None:
        return None
    first: Language = (customer.document_language if is_language(customer.document_language)
                       else "zh")
    second: Language = "en" if first == "zh" else "zh"
    (s1, b1), (s2, b2) = (_texts(report, version, customer, company.name, lang)
                          for lang in (first, second))
    pdf = export_report(report, "pdf", first, company=company, version=version,
                        pictures=report_thumbnails(session, store, report.customer_id)
                        if store is not None else None)
    filename = (f"report-{customer.code}-{report.kind}-{report.period_start}"
                f"-v{number}.pdf").encode("ascii", "replace").decode()
    return _Mail(f"{s1} / {s2}", f"{b1}\n----\n\n{b2}", pdf, filename)


def _message(mail: _Mail, settings: ArchiveSettings, to: str, report_id: uuid.UUID,
             number: int) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = mail.subject
    msg["From"] = settings.smtp_from.strip()
    msg["To"] = to
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(idstring=f"report-{report_id}-v{number}")
    msg.set_content(mail.body, charset="utf-8")
    msg.add_attachment(mail.pdf, maintype="application", subtype="pdf",
                       filename=mail.filename)
    return msg


def send_pending(db: Database, settings: ArchiveSettings, company: CompanyInfo, *,
                 now: datetime | None = None) -> DeliveryResult:
    """Send every pending delivery (the PDF rendered once per version); what fails stays
    pending for the next run."""
    if not mail_configured(settings):
        return DeliveryResult()
    with db.read() as session:
        rows = list(session.execute(select(
            ReportDelivery.id, ReportDelivery.report_id, ReportDelivery.version).where(
            ReportDelivery.state == PENDING).order_by(
            ReportDelivery.created_at, ReportDelivery.report_id, ReportDelivery.version)))
    sent = failed = 0
    store = configured_store(settings) if rows else None  # the findings' pictures, small
    composed: dict[tuple[uuid.UUID, int], _Mail | None] = {}
    for delivery_id, report_id, number in rows:
        if (report_id, number) not in composed:
            with db.read() as session:
                composed[(report_id, number)] = _compose(session, report_id, number, company,
                                                         store)
        mail = composed[(report_id, number)]
        if mail is None:
            continue
        with db.write() as session:
            row = session.get(ReportDelivery, delivery_id)
            if row is None or row.state != PENDING:
                continue  # another run sent it meanwhile
            row.attempts += 1
            try:
                send_message(settings, _message(mail, settings, row.address, report_id, number))
            except SEND_ERRORS as exc:
                failed += 1
                # the kind of failure only: the server's reply may quote the address
                log.warning("report %s version %s: e-mail not sent (%s), tried %d times; "
                            "retried on the next run", report_id, number, type(exc).__name__,
                            row.attempts)
                continue
            row.state, row.sent_at = SENT, now or utcnow()
            sent += 1
    with db.read() as session:
        waiting = int(session.scalar(select(func.count()).select_from(ReportDelivery).where(
            ReportDelivery.state == PENDING)) or 0)
    return DeliveryResult(sent, failed, waiting)
