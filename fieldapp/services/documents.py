"""A slip's copy made, printed, saved, counted: the desktop's preview and the command line.

Rendering reads the store and draws with ReportLab, and printing waits on `lp` (up to
its 30 s timeout): the desktop runs both off the GUI thread (`ui.kit.ops.Ops.call` /
`Ops.run`); saving writes the file the user just chose. A copy handed out — printed
or saved — is counted in the slip's print log (`count_copy`); the command line's
`save_copy` / `print_copy` do all three steps. ReportLab and the printing code load on
first use, not with the app (docs/performance.md, "Start-up").
"""

from __future__ import annotations

import uuid
from pathlib import Path

from fieldapp.base.files import write_file
from fieldapp.base.i18n import Language
from fieldapp.base.settings import Settings
from fieldapp.records import slips
from fieldapp.store import Store

__all__ = ["count_copy", "customer_copy", "identity_notice", "print_copy", "print_document",
           "save_copy", "save_document"]


def identity_notice(settings: Settings) -> tuple[str, str] | None:
    """The one line `pdf` and print say while the company is not set up
    (`setup.identity_warning`), as a (zh, en) pair for a screen that may switch language;
    None when everything is set. Reads the settings in memory only."""
    from fieldapp.services.setup import identity_warning

    zh = identity_warning(settings, "zh")
    return (zh, identity_warning(settings, "en")) if zh else None


def customer_copy(store: Store, slip_id: uuid.UUID | str, settings: Settings, *,
                  language: Language | None = None) -> bytes:
    """The slip's customer copy (客户联) as PDF, in the settings' layout and the customer's
    language (not the screen's) unless `language`."""
    from fieldapp.documents.copies import render_copy

    return render_copy(store, slip_id, settings, layout=str(settings.get("default_layout")),
                       language=language)


def count_copy(store: Store, slip_id: uuid.UUID | str, *, copies: int, layout: str,
               destination: str, copy: str = "customer") -> None:
    """Copies handed out: printed (the printer) or saved (the file)."""
    with store.write() as session:
        slips.record_print(session, slips.get_slip(session, slip_id), copies=copies,
                           copy_kind=copy, layout=layout, destination=destination)


def print_document(pdf: bytes, *, printer: str | None, copies: int, title: str) -> str:
    """Send the PDF to the printer (None: the default one); the print job's id. A
    printer that is missing, refuses or does not answer is a PrintError, in zh and en."""
    from fieldapp.documents.printing import print_pdf

    return print_pdf(pdf, printer=printer, copies=copies, title=title)


def save_document(pdf: bytes, path: Path) -> None:
    """Write the PDF whole or not at all; a refused folder or full disk is a PathError."""
    write_file(path, pdf)


def save_copy(store: Store, number: str, settings: Settings, path: Path, *,
              layout: str = "a4", copy: str = "customer") -> None:
    """Render the slip's copy, write it to `path` and count it (`fieldapp pdf`)."""
    from fieldapp.documents.copies import render_copy

    save_document(render_copy(store, number, settings, layout=layout, copy=copy), path)
    count_copy(store, number, copies=1, layout=layout, destination=path.name, copy=copy)


def print_copy(store: Store, number: str, settings: Settings, *, printer: str | None = None,
               copies: int = 1, layout: str = "a4", copy: str = "customer") -> str:
    """Render the slip's copy, print it (`printer`, else the settings', else the system's
    default) and count it (`fieldapp print`); the print job's id."""
    from fieldapp.documents.copies import render_copy

    pdf = render_copy(store, number, settings, layout=layout, copy=copy)
    chosen = printer or str(settings.get("printer")) or None
    job = print_document(pdf, printer=chosen, copies=copies, title=f"服务单据 {number}")
    count_copy(store, number, copies=copies, layout=layout,
               destination=chosen or "default", copy=copy)
    return job
