"""The archive's one way to send an e-mail through the configured SMTP server (settings
`smtp_*`, docs/archive.md): tasks' mails (tasks_mail.py) and made reports' mails
(reports/mailing.py). No host or no sender address configured: no e-mail at all."""

from __future__ import annotations

import logging
import smtplib
import ssl
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from fieldapp.archive.config import ArchiveSettings

# what a send can fail with: the caller keeps its mail pending and logs only the kind
SEND_ERRORS = (OSError, smtplib.SMTPException)


def mail_configured(settings: ArchiveSettings) -> bool:
    return bool(settings.smtp_host.strip() and settings.smtp_from.strip())


def send_message(settings: ArchiveSettings, msg: EmailMessage) -> None:
    """One message, one connection; raises one of `SEND_ERRORS` when it did not go."""
    with smtplib.SMTP(settings.smtp_host.strip(), settings.smtp_port,
                      timeout=settings.smtp_timeout_seconds) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(msg)


@contextmanager
def warnings_on_stderr(logger_name: str) -> Iterator[None]:
    """A mail that did not go is one JSON line on standard error (cron mails it, journald
    keeps it), as `serve` logs: what it was about and the failure's kind only."""
    from fieldapp.archive.logs import JsonFormatter

    logger = logging.getLogger(logger_name)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
