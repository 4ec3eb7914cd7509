"""`fieldapp-archive dossier`: the service centre reviews what engineers submitted to a
group customer's dossier (R2.5, issue 20 item 6): `pending` lists the records waiting,
`review REF --by NAME` accepts their waiting submissions as facts the customer sees, and
`--return COMMENT` sends them back to the engineer, who reads the comment after a pull."""

from __future__ import annotations

import click

from fieldapp.archive import dossier_review
from fieldapp.archive.cli_options import Fail, db_option
from fieldapp.archive.tasks_cli import _database
from fieldapp.base.errors import FieldappError
from fieldapp.base.i18n import pick
from fieldapp.base.timeutil import format_local, utcnow
from fieldapp.services import dossier as service
from fieldapp.workflows.dossier import Review


@click.group()
def dossier() -> None:
    """Review group customers' dossier submissions (R2.5)."""


@dossier.command("pending")
@db_option
@click.pass_context
def pending_command(ctx: click.Context) -> None:
    """One line per record awaiting review, oldest first: reference, kind, customer, by,
    when, waiting submissions, text."""
    with _database(ctx) as db:
        found = service.pending(db)
    for p in found:
        click.echo(f"{p.reference}  {pick(*p.kind)}  {p.customer_code}  {p.by}  "
                   f"{format_local(p.at)}  {pick('待审核', 'waiting')} {p.waiting}  {p.text}")
    if not found:
        click.echo(pick("没有待审核的客户档案记录。", "Nothing awaits review."))


@dossier.command("review")
@click.argument("reference")
@click.option("--by", "reviewer", required=True, help="Who reviewed it.")
@click.option("--return", "comment", default=None,
              help="Send it back to the engineer with this comment instead of accepting it.")
@db_option
@click.pass_context
def review_command(ctx: click.Context, reference: str, reviewer: str, comment: str | None
                   ) -> None:
    """Accept (or, with --return, send back) every waiting submission of REFERENCE: a
    problem set's or suggestion's number, or a tracking note's id."""
    verdict = Review.RETURNED if comment is not None else Review.REVIEWED
    now = utcnow()
    try:
        with _database(ctx) as db:
            count = dossier_review.review(db, reference, verdict=verdict, reviewer=reviewer,
                                          comment=comment or "",
                                          actor_code=service.CENTRE_CODE, now=now)
    except FieldappError as exc:
        raise Fail(exc.message()) from exc
    if verdict == Review.RETURNED:
        click.echo(pick(f"{reference}：{count} 条提交已退回工程师。",
                        f"{reference}: {count} submission(s) returned to the engineer."))
    else:
        click.echo(pick(f"{reference}：{count} 条提交已审核，客户可在门户查看。",
                        f"{reference}: {count} submission(s) reviewed; the customer sees them."))
