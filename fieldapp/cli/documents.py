"""`fieldapp pdf` and `fieldapp print`: the customer copy (客户联) of a slip; `pdf` also
writes the workflow documents (repair intake/return, complaint report, loaner record)."""

from __future__ import annotations

from pathlib import Path

import click

from fieldapp.cli.context import AppContext, PathParam, fail_on_errors, pass_app, t
from fieldapp.documents.workflow_copies import KINDS, is_workflow_key
from fieldapp.services import documents, workflow_documents
from fieldapp.services.setup import identity_warning

LAYOUT = click.option("--layout", type=click.Choice(["a4", "receipt"]), default=None,
                      help="A4 page or 80 mm receipt roll (default: from settings).")
COPY = click.option("--copy", "copy_kind", type=click.Choice(["customer", "company"]),
                    default="customer", show_default=True,
                    help="客户联 (customer copy) or 存根联 (company copy).")


def warn_if_unconfigured(app: AppContext) -> None:
    """One line on stderr while the company the documents speak for is not set up."""
    warning = identity_warning(app.settings)
    if warning:
        click.echo(warning, err=True)


@click.command("pdf")
@click.argument("number")
@click.option("-o", "--output", type=PathParam(dir_okay=False), required=True,
              help="PDF file to write.")
@LAYOUT
@COPY
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="For a repair order (P-…): the intake copy (default), the return copy "
                   "or the estimate (维修报价单).")
@click.option("--repair", "repair_number", default=None,
              help="For a loaner asset tag: the repair (P-…) whose loan to print.")
@pass_app
def pdf_command(app: AppContext, number: str, output: str, layout: str | None,
                copy_kind: str, kind: str | None, repair_number: str | None) -> None:
    """Write a document as PDF. NUMBER is a slip (S-…), a repair order (P-…, --kind
    intake|return|estimate), a complaint (C-…, its feedback report) or a loaner: its asset tag
    (with --repair P-…) or the id of its loaner.issued event."""
    chosen = layout or str(app.settings.get("default_layout"))
    with fail_on_errors():
        if is_workflow_key(number):
            if chosen == "receipt" and (number.upper().startswith("C-") or kind == "return"):
                chosen = "a4"  # the return copy and the complaint report are A4 only
            pdf = workflow_documents.document(app.store, number, app.settings, kind=kind,
                                              repair=repair_number, layout=chosen,
                                              copy=copy_kind)
            documents.save_document(pdf, Path(output))
        else:
            documents.save_copy(app.store, number, app.settings, Path(output), layout=chosen,
                                copy=copy_kind)
    warn_if_unconfigured(app)  # about what was written; a refusal stays one line
    click.echo(t(f"已保存 {output}", f"Saved {output}"))


@click.command("print")
@click.argument("number")
@click.option("--printer", default=None, help="Printer name (default: settings, then system).")
@click.option("--copies", default=1, show_default=True, type=click.IntRange(1, 20))
@LAYOUT
@COPY
@pass_app
def print_command(app: AppContext, number: str, printer: str | None, copies: int,
                  layout: str | None, copy_kind: str) -> None:
    """Print the copy of slip NUMBER on a system printer (CUPS / Windows spooler)."""
    with fail_on_errors():
        job = documents.print_copy(app.store, number, app.settings, printer=printer,
                                   copies=copies, copy=copy_kind,
                                   layout=layout or str(app.settings.get("default_layout")))
    warn_if_unconfigured(app)
    click.echo(t(f"已发送打印任务 {job}", f"Sent print job {job}"))
