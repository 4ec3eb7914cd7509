"""Server settings, from the environment (FIELDAPP_ARCHIVE_*) or the command line."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from fieldapp.paths import data_dir


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
    # who the service analysis reports come from (docs/reports.md)
    company_name: str = ""
    company_hotline: str = ""
    company_address: str = ""

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
