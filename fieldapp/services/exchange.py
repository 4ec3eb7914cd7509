"""Slips to and from an export file (format `fieldapp-slips`, docs/json-format.md), as
services: `fieldapp slips export` and `fieldapp slips import` call them.

The format and its checks are `fieldapp.tools.exchange`; the package that carries the
attached files beside the JSON is `fieldapp.tools.exchange_package`. Here each call owns
its transaction, so an import is stored whole or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.timeutil import utcnow
from fieldapp.records.slips import get_slip
from fieldapp.store import Store
from fieldapp.store.blobs import blobs_beside
from fieldapp.store.models import Slip
from fieldapp.tools import exchange, exchange_package
from fieldapp.tools.exchange import ImportReport

__all__ = ["Exported", "ImportReport", "export_package", "export_slips", "import_file",
           "import_slips"]


@dataclass(frozen=True)
class Exported:
    count: int  # slips chosen
    text: str  # the export's JSON (a package holds it as slips.json)
    files: int  # attached files the rows name
    files_carried: int = 0  # of those, in the package
    files_missing: tuple[str, ...] = ()  # not on this laptop, so not in the package


def _chosen(session: Session, numbers: Sequence[str]) -> list[Slip]:
    return ([get_slip(session, n) for n in numbers] if numbers
            else list(session.scalars(select(Slip).order_by(Slip.created_at))))


def export_slips(store: Store, numbers: Sequence[str] = ()) -> Exported:
    """The slips named (all, oldest first, when none is) as the export's JSON text: the
    attachment rows without their files (`export_package` carries them)."""
    with store.read() as session:
        chosen = _chosen(session, numbers)
        data = exchange.export_slips(session, chosen)
    return Exported(len(chosen), exchange.dumps(data),
                    len(exchange_package.named_files(data)))


def export_package(store: Store, numbers: Sequence[str], path: Path) -> Exported:
    """The export written to `path` as a package: the JSON and the attached files."""
    with store.read() as session:
        chosen = _chosen(session, numbers)
        data = exchange.export_slips(session, chosen)
    text = exchange.dumps(data)
    written = exchange_package.write_package(path, data, text, blobs_beside(store.path))
    return Exported(len(chosen), text, len(exchange_package.named_files(data)),
                    written.files, written.missing)


def import_slips(store: Store, data: Any) -> ImportReport:
    """Import a parsed export: every row checked by its record rule, records already
    here skipped; a refusal (ValidationError naming the row) stores nothing."""
    with store.write() as session:
        return exchange.import_slips(session, data, now=utcnow())


def import_file(store: Store, path: Path) -> ImportReport:
    """Import an export file, JSON or package. A package's files are checked (SHA-256 and
    size) before anything is written, and stored with the rows, all or nothing."""
    blobs = blobs_beside(store.path)
    with exchange_package.open_export(path) as export:
        export.check_files()
        with store.write() as session:
            report = exchange.import_slips(session, export.data, now=utcnow())
            report.files = export.store_files(blobs)
        named = exchange_package.named_files(export.data)
    report.files_missing = sum(
        1 for sha in named if sha not in export.checked
        and (blobs is None or not blobs.has(sha)))
    return report
