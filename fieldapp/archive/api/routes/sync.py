from __future__ import annotations

import logging
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from fieldapp.archive.check import CheckResult, check_all, check_page
from fieldapp.archive.collector import collector_paused
from fieldapp.archive.deps import CurrentActor, SessionDep, SettingsDep
from fieldapp.archive.errors import Forbidden
from fieldapp.archive.feed import pull_page
from fieldapp.archive.ingest import ingest_batch
from fieldapp.archive.models import Role
from fieldapp.archive.receipts import receipts_for, stored_receipts
from fieldapp.archive.schemas import (
    CheckIn,
    CheckOut,
    CheckPageIn,
    ErrorOut,
    PullOut,
    PushIn,
    PushOut,
    ReceiptOut,
    RecordOut,
    RecordRef,
    RecordResult,
    ShownDifferently,
    TableCheckOut,
    TamperedIn,
)
from fieldapp.base.timeutil import utcnow
from fieldapp.seal.receipts import Receipt

router = APIRouter(prefix="/sync", tags=["sync"])
audit = logging.getLogger("fieldapp.archive.audit")
ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}}


def _refuse_customers(actor: CurrentActor) -> None:
    if actor.user.role == Role.CUSTOMER:
        raise Forbidden("客户账号请使用客户门户。", "Customer accounts use the customer portal.")


@router.post("/push", response_model=PushOut, responses=ERRORS)
def push(body: PushIn, actor: CurrentActor, session: SessionDep,
         settings: SettingsDep) -> PushOut:
    """Store a batch of records; every record is answered: accepted, duplicate or refused."""
    _refuse_customers(actor)
    with collector_paused():  # ~10^5 short-lived lists a batch (fieldapp/archive/collector.py)
        return _push(body, actor, session, settings)


def _push(body: PushIn, actor: CurrentActor, session: SessionDep,
          settings: SettingsDep) -> PushOut:
    now = utcnow()
    records = [r.model_dump(exclude_unset=True) for r in body.records]
    outcomes = ingest_batch(session, actor=actor, records=records, client_time=body.client_time,
                            now=now)
    skew = int((body.client_time - now).total_seconds()) if body.client_time else 0
    actor.device.clock_skew_seconds = skew
    receipts = receipts_for(session, settings, [
        uuid.UUID(o.id) for o in outcomes
        if o.table == "slips" and o.status in ("accepted", "duplicate")], now)
    # Commit here, on this worker thread, not in the session dependency's teardown: the
    # batch holds the change-log lock until it commits, and with every worker thread
    # busy in other pushes waiting for that lock, a teardown queued for a thread never
    # ran (50 laptops at once stalled for good). Nothing of the ORM is read after this.
    session.commit()
    return PushOut(
        server_time=now, clock_skew_seconds=skew,
        clock_skew_flagged=abs(skew) > settings.clock_skew_seconds,
        results=[RecordResult(table=o.table, id=o.id, status=o.status, hash=o.hash, code=o.code,
                              reason_zh=o.zh, reason_en=o.en,
                              receipt=_receipt_out(receipts, o.table, o.id))
                 for o in outcomes],
    )


def _receipt_out(receipts: dict[uuid.UUID, Receipt], table: str,
                 record_id: str) -> ReceiptOut | None:
    receipt = receipts.get(uuid.UUID(record_id)) if table == "slips" else None
    return None if receipt is None else ReceiptOut(**receipt.as_wire())


@router.post("/tampered", status_code=204, responses=ERRORS)
def tampered(body: TamperedIn, actor: CurrentActor) -> None:
    """A laptop's report of sealed slips that fail their seal check there (changed after
    the archive received them, or never received): one audit line each (docs/seal.md)."""
    _refuse_customers(actor)
    for report in body.reports:
        audit.warning("tampered slip reported by device %s (%s): %s: %s", actor.device.id,
                      actor.user.name, report.number, "; ".join(report.problems)[:1000])


@router.get("/pull", response_model=PullOut, responses=ERRORS)
def pull(actor: CurrentActor, session: SessionDep, settings: SettingsDep,
         cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
         limit: Annotated[int, Query(ge=1, le=1000)] = 200, own: bool = False) -> PullOut:
    """Records changed after `cursor` that this user may see, parents first; then `cursor`.
    What this device pushed itself is left out, unless `own` (a full re-sync)."""
    _refuse_customers(actor)
    page = pull_page(session, actor=actor, cursor=cursor, limit=min(limit, settings.page_size),
                     own=own)
    actor.device.last_cursor = page.cursor
    # a sealed slip travels with the archive's receipt: the laptops that pull it trust
    # its seal by that (docs/seal.md), not by knowing the key of the laptop that sealed it
    receipts = stored_receipts(session, [uuid.UUID(r["id"]) for r in page.records
                                         if r["table"] == "slips"])
    return PullOut(server_time=utcnow(), cursor=page.cursor, more=page.more,
                   records=[RecordOut(**r, receipt=_receipt_out(receipts, r["table"], r["id"]))
                            for r in page.records],
                   number_block=actor.device.number_block)


@router.post("/check", response_model=CheckOut, responses=ERRORS)
def check(body: CheckIn, actor: CurrentActor, session: SessionDep) -> CheckOut:
    """A whole check in one request, as laptops before the paged check send it: compare
    the laptop's records (table, id, hash) with the archive's within this user's scope,
    and how the laptop shows each request (status, assignee) with how the archive would.
    Within this endpoint's 4 MiB cap; newer laptops send `/sync/check/page`."""
    _refuse_customers(actor)
    result = check_all(session, actor=actor,
                       records=[(r.table, r.id, r.hash) for r in body.records],
                       views=[(v.id, v.status, v.assignee) for v in body.requests])
    return _check_out(result)


@router.post("/check/page", response_model=CheckOut, responses=ERRORS)
def check_one_page(body: CheckPageIn, actor: CurrentActor, session: SessionDep) -> CheckOut:
    """One page of a laptop's check: its records of `table` with `after` < id <= `through`
    (id, hash) compared with the archive's in this user's scope — counts, matches and the
    records that disagree — and how the laptop shows each request there (status,
    assignee) with how the archive would. `through` of the answer is where the archive
    stopped (None: the table's end); the laptop's next page starts after it."""
    _refuse_customers(actor)
    return _check_out(check_page(session, actor=actor, table=body.table, after=body.after,
                                 through=body.through, records=body.records,
                                 views=body.requests, complete=body.complete))


def _check_out(result: CheckResult) -> CheckOut:
    return CheckOut(
        server_time=utcnow(), agree=result.disagreements == 0,
        disagreements=result.disagreements, through=result.through,
        tables=[TableCheckOut(**vars(t)) for t in result.tables],
        different=[RecordRef(**r) for r in result.different],
        not_in_archive=[RecordRef(**r) for r in result.not_in_archive],
        not_on_laptop=[RecordRef(**r) for r in result.not_on_laptop],
        shown_differently=[ShownDifferently(**r) for r in result.shown_differently])
