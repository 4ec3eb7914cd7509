"""Documents for the desktop's preview: the customer copy made, printed, saved, counted.

Rendering reads the store and draws with ReportLab, and printing waits on `lp` (up to
its 30 s timeout): the desktop runs both off the GUI thread (`ui.kit.ops.Ops.call` /
`Ops.run`); saving writes the file the user just chose. A copy handed out — printed
or saved — is counted in the slip's print log (`count_copy`), as the command line does
(`fieldapp.documents.copies`). ReportLab and the printing code load on first use, not
with the app (docs/performance.md, "Start-up").
"""

from __future__ import annotations

import uuid
from pathlib import Path

from fieldapp.base.files import write_file
from fieldapp.base.i18n import Language
from fieldapp.base.settings import Settings
from fieldapp.records import slips
from fieldapp.store import Store

__all__ = ["count_copy", "customer_copy", "print_document", "save_document"]


def customer_copy(store: Store, slip_id: uuid.UUID | str, settings: Settings, *,
                  language: Language | None = None) -> bytes:
    """The slip's customer copy (客户联) as PDF, in the settings' layout and the customer's
    language (not the screen's) unless `language`."""
    from fieldapp.documents.copies import render_copy

    # render_copy names its key `number`; get_slip takes the id as well
    return render_copy(store, slip_id, settings,  # type: ignore[arg-type]
                       layout=str(settings.get("default_layout")), language=language)


def count_copy(store: Store, slip_id: uuid.UUID | str, *, copies: int, layout: str,
               destination: str) -> None:
    """Copies of the customer copy handed out: printed (the printer) or saved (the file)."""
    with store.write() as session:
        slips.record_print(session, slips.get_slip(session, slip_id), copies=copies,
                           copy_kind="customer", layout=layout, destination=destination)


def print_document(pdf: bytes, *, printer: str | None, copies: int, title: str) -> str:
    """Send the PDF to the printer (None: the default one); the print job's id. A
    printer that is missing, refuses or does not answer is a PrintError, in zh and en."""
    from fieldapp.documents.printing import print_pdf

    return print_pdf(pdf, printer=printer, copies=copies, title=title)


def save_document(pdf: bytes, path: Path) -> None:
    """Write the PDF whole or not at all; a refused folder or full disk is a PathError."""
    write_file(path, pdf)
