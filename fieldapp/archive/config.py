"""Server settings, from the environment (FIELDAPP_ARCHIVE_*) or the command line."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from fieldapp.base.i18n import Language, pick
from fieldapp.base.paths import data_dir
from fieldapp.base.settings import identity_missing


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
    # docs/reports.md). Unset, the documents say so (（公司名称未设置）…), as the laptop's
    # do; `serve` and `init` warn in one line (identity_warning).
    company_name: str = ""
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
    # Tasks' e-mail (docs/archive.md, "Tasks"): no host, no e-mail (the tasks are made all
    # the same). The account managers' addresses by name, as JSON: {"赵敏": "zhao@…"}; a
    # task for someone not in it, or for the centre, goes to task_centre_email.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = ""
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 20
    task_centre_email: str = ""
    task_manager_emails: dict[str, str] = {}
    # Attachment files (photos; docs/archive.md, "Files"): a folder by default, or
    # S3-compatible object storage (needs boto3: pip install fieldapp[s3]). Uploads in
    # progress are kept in files_dir's .uploads either way.
    files_backend: str = "folder"  # folder / s3
    files_dir: str = ""  # empty: archive/files in the data folder
    files_max_mb: int = 25  # per file
    files_s3_endpoint: str = ""  # empty: AWS; MinIO: http://minio:9000
    files_s3_bucket: str = ""
    files_s3_region: str = ""
    files_s3_prefix: str = ""  # e.g. "fieldapp/"
    files_s3_access_key: str = ""
    files_s3_secret_key: str = ""

    def identity_missing(self) -> tuple[str, ...]:
        """The company settings not set (base.settings.IDENTITY_KEYS, the laptop's rules: a
        complaint hotline stands in for the hotline)."""
        return identity_missing({"company_name": self.company_name,
                                 "company_address": self.company_address,
                                 "company_hotline": self.company_hotline,
                                 "complaint_hotline": self.complaint_hotline,
                                 "verify_url": self.verify_url})

    def identity_warning(self, language: Language | None = None) -> str:
        """One line naming the environment variables still to set (empty: all set)."""
        missing = self.identity_missing()
        if not missing:
            return ""
        names = ", ".join(f"FIELDAPP_ARCHIVE_{key.upper()}" for key in missing)
        return pick(f"注意：公司信息未设置（{names}），门户的单据将注明“未设置”。",
                    f"Note: the company is not set up ({names}); the portal's documents "
                    "will say so.", language)

    @property
    def files_path(self) -> Path:
        return Path(self.files_dir).expanduser() if self.files_dir else (
            data_dir() / "archive" / "files")

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
