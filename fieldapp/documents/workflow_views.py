"""Building the workflow documents' view objects from stored records and their events.

Like `views.py`, the one place that knows both the ORM and the document model; the
desktop app, the command line and the archive server call these, then a renderer of
`workflow_pdf.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.errors import NotFound
from fieldapp.base.timeutil import DEFAULT_TIMEZONE, utcnow
from fieldapp.documents.model import ClockView, DeviceView, SignatureView, Stroke
from fieldapp.documents.workflow_model import (
    LoanerDocument,
    LoanView,
    RepairDeviceView,
    RepairIntakeDocument,
    RepairReturnDocument,
)
from fieldapp.records.events import EventKind, EventRecord, event_from_row, events_for, events_of
from fieldapp.seal.signatures import strokes_from_json
from fieldapp.sla import label as sla_label
from fieldapp.store.values import SubjectType
from fieldapp.store.workflow_models import Complaint, Event, Loaner, RepairOrder
from fieldapp.workflows.complaint_model import ComplaintFeedbackReport
from fieldapp.workflows.complaints import complaint_feedback_report
from fieldapp.workflows.loaners import fold_loaner, get_loaner
from fieldapp.workflows.repair import STATUS_LABELS, get_repair, repair_overview


def _strokes(raw: Any) -> tuple[Stroke, ...]:
    """Stored strokes (lists from JSON) as the view's tuples; every point was checked to be
    four integers when the signature was taken (`signatures.stroke_issues`)."""
    return tuple(tuple((int(x), int(y), int(t), int(p)) for x, y, t, p in stroke)
                 for stroke in raw)


def signature_from_payload(role: str, payload: Mapping[str, Any], signed_at: datetime
                           ) -> SignatureView:
    """A signature recorded inside an event (SignatureInput.as_payload) as a view."""
    return SignatureView(role=role, signer_name=str(payload["signer_name"]), signed_at=signed_at,
                         pad_width=int(payload["pad_width"]), pad_height=int(payload["pad_height"]),
                         strokes=_strokes(payload["strokes"]))


def _device(order: RepairOrder) -> RepairDeviceView:
    return RepairDeviceView(
        DeviceView(order.device_type, order.brand, order.model, order.serial, order.asset_tag),
        device_class=order.device_class, grade=order.device_grade, accessories=order.accessories)


def _site(order: RepairOrder) -> str:
    site = order.request.site
    return " ".join(p for p in (site.name, site.address) if p) if site is not None else ""


def repair_intake_document(order: RepairOrder, *, timezone: str = DEFAULT_TIMEZONE
                           ) -> RepairIntakeDocument:
    """The intake copy (送修单, 客户联) of a sealed repair order (R3.1)."""
    request = order.request
    return RepairIntakeDocument(
        repair_number=order.number, request_number=request.number,
        slip_number=order.slip.number if order.slip is not None else None,
        customer_name=request.customer.name, company_contact=order.company_contact,
        contact_phone=order.contact_phone, site=_site(order),
        fault_description=order.fault_description, requested_at=request.requested_at,
        received_at=order.received_at, arrived_at=order.arrived_at,
        departed_at=order.departed_at, device=_device(order), engineer_code=order.engineer.code,
        engineer_name=order.engineer.name,
        engineer_signature=SignatureView(
            role="engineer", signer_name=order.engineer_signer,
            signed_at=order.engineer_signed_at, pad_width=order.pad_width,
            pad_height=order.pad_height,
            strokes=_strokes(strokes_from_json(order.engineer_strokes))),
        seal=order.seal, sealed_at=order.sealed_at, timezone=timezone,
    )


def _last(events: list[EventRecord], kind: str) -> EventRecord | None:
    found = [e for e in events if e.kind == kind]
    return found[-1] if found else None


def _loans_for(session: Session, order: RepairOrder) -> list[tuple[Loaner, EventRecord,
                                                                    EventRecord | None]]:
    """(loaner, issue event, return event or None) of every loan made for this repair."""
    rows = session.scalars(select(Event).where(Event.subject_type == SubjectType.LOANER,
                                               Event.request_id == order.request_id))
    loaner_ids = {row.subject_id for row in rows}
    out = []
    for loaner_id in loaner_ids:
        loaner = session.get(Loaner, loaner_id)
        if loaner is None:
            continue
        events = events_of(session, "loaner", loaner_id)
        out += [(loaner, issue, back) for issue, back in _pairs(events)
                if issue.text("repair_order_id") == str(order.id)]
    return sorted(out, key=lambda item: item[1].sort_key)


def _pairs(events: list[EventRecord]) -> list[tuple[EventRecord, EventRecord | None]]:
    """Each accepted issue with the return that ended it (the fold decides which count)."""
    state = fold_loaner(events)
    refused = {c.event_id for c in state.conflicts}
    pairs: list[tuple[EventRecord, EventRecord | None]] = []
    current: EventRecord | None = None
    for event in events:
        if event.id in refused:
            continue
        if event.kind == EventKind.LOANER_ISSUED:
            current = event
        elif event.kind == EventKind.LOANER_RETURNED and current is not None:
            pairs.append((current, event))
            current = None
    if current is not None:
        pairs.append((current, None))
    return pairs


def repair_return_document(session: Session, order: RepairOrder, *,
                           now: datetime | None = None, timezone: str = DEFAULT_TIMEZONE
                           ) -> RepairReturnDocument:
    """The return copy (送修返还单) of a repair: estimate, confirmation, delivery, fee (R3.3),
    with the 4-hour clock (R1.4) evaluated at the delivery (or `now` while in the workshop)."""
    events = events_for(session, order)
    overview = repair_overview(session, order, now or utcnow())
    state, clock = overview.state, overview.clock
    estimated = _last(events, "repair.estimated")
    confirmed = _last(events, "repair.confirmed")
    finished = _last(events, "repair.finished")
    returned = _last(events, "repair.returned") or _last(events, "repair.closed_refused")
    confirm_sig = None
    if confirmed is not None and isinstance(confirmed.payload.get("signature"), dict):
        confirm_sig = signature_from_payload("customer", confirmed.payload["signature"],
                                             confirmed.occurred_at)
    customer_sig = None
    if returned is not None:
        customer_sig = signature_from_payload("customer", returned.payload["signature"],
                                              returned.occurred_at)
    request = order.request
    zh, en = STATUS_LABELS[state.status]
    return RepairReturnDocument(
        repair_number=order.number, request_number=request.number,
        customer_name=request.customer.name, company_contact=order.company_contact,
        contact_phone=order.contact_phone, device=_device(order),
        fault_description=order.fault_description, engineer_code=order.engineer.code,
        engineer_name=order.engineer.name, status=state.status, status_zh=zh, status_en=en,
        requested_at=request.requested_at, received_at=order.received_at,
        estimate_fen=state.estimate_fen,
        estimated_by=estimated.text("estimated_by") if estimated else "",
        estimated_at=state.estimated_at, expected_ready_at=state.expected_ready_at,
        estimate_note=state.estimate_note, decision=state.decision,
        confirmation_method=state.confirmation_method, confirmed_by=state.confirmed_by,
        confirmation_phone=confirmed.text("phone") if confirmed else "",
        confirmed_at=state.confirmed_at, confirmation_signature=confirm_sig,
        started_at=state.started_at, finished_at=state.finished_at,
        work_done=finished.text("work_done") if finished else "",
        returned_at=state.device_back_at, final_fee_fen=state.final_fee_fen,
        customer_signature=customer_sig,
        clock=ClockView(kind=clock.kind.value, label_zh=sla_label(clock.kind, "zh"),
                        label_en=sla_label(clock.kind, "en"), deadline=clock.deadline,
                        stopped_at=clock.stopped_at, state=clock.state.value),
        loaners=tuple(LoanView(loaner.asset_tag, loaner.description, issue.occurred_at,
                               back.occurred_at if back else None)
                      for loaner, issue, back in _loans_for(session, order)),
        timezone=timezone,
    )


def loaner_document(session: Session, loaner: Loaner, *,
                    repair_number: str | None = None, issue_event_id: uuid.UUID | None = None,
                    timezone: str = DEFAULT_TIMEZONE) -> LoanerDocument:
    """The loaner record (备机借用单) of one loan of `loaner`: the loan for `repair_number`
    (its latest), or the loan that `issue_event_id` opened; with neither, the latest loan."""
    pairs = _pairs(events_of(session, "loaner", loaner.id))
    if issue_event_id is not None:
        pairs = [p for p in pairs if p[0].id == issue_event_id]
    elif repair_number is not None:
        pairs = [p for p in pairs if p[0].text("repair_number") == repair_number]
    if not pairs:
        what = repair_number or (str(issue_event_id) if issue_event_id else "")
        raise NotFound(f"备机 {loaner.asset_tag} 没有借出记录 {what}。".replace(" 。", "。"),
                       f"Loaner {loaner.asset_tag} has no loan {what}".strip() + ".")
    issue, back = pairs[-1]
    order = get_repair(session, uuid.UUID(issue.text("repair_order_id")))
    request = order.request
    p = issue.payload
    return LoanerDocument(
        asset_tag=loaner.asset_tag, device_class=loaner.device_class, grade=loaner.grade,
        description=loaner.description, repair_number=order.number,
        request_number=request.number, customer_name=request.customer.name,
        customer_device=_device(order).device, issued_at=issue.occurred_at,
        goodwill=issue.text("goodwill") == "yes",
        issue_engineer_signature=signature_from_payload("engineer", p["engineer_signature"],
                                                        issue.occurred_at),
        issue_customer_signature=signature_from_payload("customer", p["customer_signature"],
                                                        issue.occurred_at),
        returned_at=back.occurred_at if back else None,
        condition=back.text("condition") if back else "",
        return_note=back.text("note") if back else "",
        return_engineer_signature=signature_from_payload(
            "engineer", back.payload["engineer_signature"], back.occurred_at) if back else None,
        return_customer_signature=signature_from_payload(
            "customer", back.payload["customer_signature"], back.occurred_at) if back else None,
        issue_event_id=str(issue.id), timezone=timezone,
    )


def loaner_document_for(session: Session, key: str, repair_number: str | None = None, *,
                        timezone: str = DEFAULT_TIMEZONE) -> LoanerDocument:
    """By an issue event's id, or by asset tag (+ repair number): what `fieldapp pdf` takes."""
    try:
        event_id = uuid.UUID(key)
    except ValueError:
        return loaner_document(session, get_loaner(session, key), repair_number=repair_number,
                               timezone=timezone)
    row = session.get(Event, event_id)
    if row is None or row.kind != EventKind.LOANER_ISSUED:
        raise NotFound(f"没有借出备机记录 {key}。", f"No loaner issue {key}.")
    loaner = session.get(Loaner, event_from_row(row).subject_id)
    if loaner is None:
        raise NotFound(f"找不到备机 {row.subject_id}。", f"No loaner {row.subject_id}.")
    return loaner_document(session, loaner, issue_event_id=event_id, timezone=timezone)


def complaint_report_document(session: Session, complaint: Complaint, *,
                              timezone: str = DEFAULT_TIMEZONE) -> ComplaintFeedbackReport:
    """The complaint feedback report's view (R5.3); only for a closed complaint."""
    from dataclasses import replace

    return replace(complaint_feedback_report(session, complaint), timezone=timezone)


__all__ = [
    "complaint_report_document",
    "loaner_document",
    "loaner_document_for",
    "repair_intake_document",
    "repair_return_document",
    "signature_from_payload",
]
