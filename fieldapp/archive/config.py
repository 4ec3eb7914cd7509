"""Server settings, from the environment (FIELDAPP_ARCHIVE_*) or the command line."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from fieldapp.base.paths import data_dir


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'archive' / 'archive.db'}"


class ArchiveSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FIELDAPP_ARCHIVE_", extra="ignore")

    db: str = ""  # SQLAlchemy URL; empty: SQLite in the data folder
    host: str = "127.0.0.1"
    port: int = 8800
    page_size: int = 200  # records per pull page (the client may ask for fewer)
    max_batch: int = 500  # records per push
    clock_skew_seconds: int = 300  # laptop clocks further off than this are flagged
    log_level: str = "INFO"
    # The company, on portal pages, customer copies and analysis reports (docs/portal.md,
    # docs/reports.md)
    company_name: str = "fieldapp"
    company_hotline: str = ""
    company_address: str = ""
    complaint_hotline: str = ""
    verify_url: str = ""  # public address of /portal/verify, printed in the copies' QR code
    pdf_font: str = ""  # a Chinese font file for copies; empty: the renderer's search
    portal_cookie_secure: str = "auto"  # auto (when served over https) / always / never
    portal_session_minutes: int = 480  # a login lasts this long (absolute)
    portal_lockout_failures: int = 5  # wrong passwords in a row before an account locks
    portal_lockout_minutes: int = 15
    portal_ip_failures: int = 20  # wrong passwords from one address before it is locked
    portal_verify_per_minute: int = 30  # verify-page checks per address a minute (0: no limit)
    # The archive's Ed25519 key that signs receipts (docs/seal.md): a PEM file, made 0600
    # on first use; empty: kept in the database (archive_signing_keys)
    receipt_key_file: str = ""

    @property
    def db_url(self) -> str:
        return normalise_url(self.db or default_db_url())


def normalise_url(url: str) -> str:
    """Accept postgresql:// and plain paths; use psycopg 3 for PostgreSQL."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url
