"""A pulled request or slip whose number a record on this laptop holds under another id.

Numbers are unique without the network (fieldapp.records.numbering), but not absolutely: a laptop
working before its first login, the service centre starting a slip for an engineer, more
laptops of one engineer than there are blocks. When the archive's record arrives with a
number a local record holds, the local record cannot be in the archive (the archive holds
that number under the other id), so it may take another number — unless the number is
under a seal: a sealed slip's own, or a request's that a sealed slip here names. A local
draft slip, or a request none of whose slips here is sealed, therefore takes the next
free number of its day and goes to the archive on the next push, together with what was
refused because it was missing (`give_way`). Otherwise the pulled record is parked
(fieldapp.sync.parking) with `parking_reason`: the service centre sorts it out.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.ids import NUMBER_PATTERN
from fieldapp.base.timeutil import DEFAULT_TIMEZONE, utcnow
from fieldapp.records.numbering import REQUEST, SLIP, next_number
from fieldapp.store import outbox
from fieldapp.store.models import ServiceRequest, Slip
from fieldapp.store.workflow_models import Event, RepairOrder
from fieldapp.sync.clashes import find_clashes
from fieldapp.sync.status import TABLE_LABELS
from fieldapp.sync.wire import Values

log = logging.getLogger("fieldapp.sync")

Numbered = type[Slip] | type[ServiceRequest]
_NUMBERED: dict[str, tuple[Numbered, str]] = {
    "slips": (Slip, SLIP), "service_requests": (ServiceRequest, REQUEST)}


def give_way(session: Session, record: Values) -> str | None:
    """Renumber the local record holding this pulled record's number, where it may
    change; returns its new number (None: nothing held it, or it may not change)."""
    if record.get("table") not in _NUMBERED:
        return None
    model, kind = _NUMBERED[record["table"]]
    number = str((record.get("row") or {}).get("number") or "")
    match = NUMBER_PATTERN.match(number)
    holder = _holder(session, model, number, uuid.UUID(str(record["id"])))
    if match is None or holder is None or _under_seal(session, model, holder):
        return None
    local: Slip | ServiceRequest = (session.get_one(Slip, holder) if model is Slip
                                    else session.get_one(ServiceRequest, holder))
    midday = datetime.strptime(match["day"], "%Y%m%d").replace(
        hour=12, tzinfo=ZoneInfo(DEFAULT_TIMEZONE))  # the number's local day
    local.number = next_number(session, kind, match["code"], midday)
    local.updated_at = utcnow()
    session.flush()  # queued for the archive again by the outbox listener
    if model is ServiceRequest:
        _send_again_what_needed(session, holder)
    log.warning("local %s %s renumbered %s: the archive has %s from another computer",
                record["table"], number, local.number, number)
    return local.number


def _holder(session: Session, model: Numbered, number: str,
            record_id: uuid.UUID) -> uuid.UUID | None:
    """The local record of this kind with this number under another id. A plain indexed
    lookup: this runs for every new request and slip of every page."""
    if model is Slip:
        return session.scalar(select(Slip.id).where(Slip.number == number,
                                                    Slip.id != record_id))
    return session.scalar(select(ServiceRequest.id).where(
        ServiceRequest.number == number, ServiceRequest.id != record_id))


def _under_seal(session: Session, model: Numbered, record_id: uuid.UUID) -> bool:
    if model is Slip:
        return session.scalar(select(Slip.seal).where(Slip.id == record_id)) is not None
    return session.scalar(select(Slip.id).where(Slip.request_id == record_id,
                                                Slip.seal.is_not(None)).limit(1)) is not None


def _send_again_what_needed(session: Session, request_id: uuid.UUID) -> None:
    """The request's slips, repair orders and events the archive refused while it lacked
    the request (it held the number under another id) go again with it."""
    keys = [("slips", i) for i in session.scalars(
        select(Slip.id).where(Slip.request_id == request_id))]
    keys += [("repair_orders", i) for i in session.scalars(
        select(RepairOrder.id).where(RepairOrder.request_id == request_id))]
    keys += [("events", i) for i in session.scalars(
        select(Event.id).where(Event.request_id == request_id))]
    outbox.retry(session, keys)


def parking_reason(session: Session, record: Values) -> tuple[str, str, str]:
    """Why this pulled record could not be stored here, for the user (no personal data)."""
    table = str(record.get("table"))
    zh, en = TABLE_LABELS.get(table, (table, table))
    row = record.get("row") or {}
    name = str(row.get("number") or row.get("code") or f"…{str(record.get('id'))[-6:]}")
    for clash in find_clashes(session, [record]):
        return ("number_clash",
                f"档案中的{zh} {clash.value} 与本机另一条{zh}编号相同（同一编号在两台电脑上使用，"
                "本机的一条已签名，不能改号），暂未存入本机；其余数据照常同步。请联系服务中心。",
                f"The archive's {en.lower()} {clash.value} has the number of another "
                f"{en.lower()} on this laptop (one number used on two computers; the one here "
                "is signed and keeps its number); it is set aside, everything else syncs. "
                "Contact the service centre.")
    return ("not_stored_here",
            f"档案中的{zh} {name} 暂未存入本机（它引用的记录本机还没有）；下次同步时重试，"
            "其余数据照常同步。",
            f"The archive's {en.lower()} {name} is set aside on this laptop (it refers to a "
            "record this laptop does not have yet); it is tried again at the next sync, "
            "everything else syncs.")
