"""The repair quotation's view (维修报价单) from a stored repair order and its events.

The estimate in force (the latest `repair.estimated` the fold accepted) and the answer to
it, if any; an order not estimated yet has no quotation (NotFound, in both languages).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from fieldapp.base.errors import NotFound
from fieldapp.base.timeutil import DEFAULT_TIMEZONE, utcnow
from fieldapp.documents.estimate_model import RepairEstimateDocument
from fieldapp.documents.model import DeviceView, FeeLineView
from fieldapp.documents.workflow_model import RepairDeviceView
from fieldapp.documents.workflow_views import signature_from_payload
from fieldapp.records.events import EventKind, events_for
from fieldapp.store.workflow_models import RepairOrder
from fieldapp.workflows.repair import repair_state

# An estimate recorded as one amount (before lines existed) prints as one line of it.
LUMP_SUM = "other"


def repair_estimate_document(session: Session, order: RepairOrder, *,
                             now: datetime | None = None,
                             timezone: str = DEFAULT_TIMEZONE) -> RepairEstimateDocument:
    state = repair_state(session, order)
    if state.estimate_id is None or state.estimated_at is None or state.estimate_fen is None:
        raise NotFound(f"送修单 {order.number} 尚未报价，没有报价单。",
                       f"Repair {order.number} has no estimate yet, so no quotation.")
    events = events_for(session, order)
    answer = next((e for e in reversed(events) if e.kind == EventKind.REPAIR_CONFIRMED
                   and e.id not in {c.event_id for c in state.conflicts}), None)
    if state.decision is None:
        answer = None
    lines = tuple(FeeLineView(kind=line.kind, description=line.description,
                              quantity=Decimal(line.quantity_milli) / 1000,
                              unit_price_fen=line.unit_price_fen, amount_fen=line.amount_fen)
                  for line in state.estimate_lines)
    if not lines:
        lines = (FeeLineView(LUMP_SUM, state.estimate_note, Decimal(1), state.estimate_fen,
                             state.estimate_fen),)
    signature = None
    if answer is not None and isinstance(answer.payload.get("signature"), dict):
        signature = signature_from_payload("customer", answer.payload["signature"],
                                           answer.occurred_at)
    moment = now or utcnow()
    request = order.request
    return RepairEstimateDocument(
        repair_number=order.number, request_number=request.number,
        customer_name=request.customer.name, company_contact=order.company_contact,
        contact_phone=order.contact_phone,
        device=RepairDeviceView(DeviceView(order.device_type, order.brand, order.model,
                                           order.serial, order.asset_tag),
                                device_class=order.device_class, grade=order.device_grade,
                                accessories=order.accessories),
        fault_description=order.fault_description, lines=lines,
        total_fen=state.estimate_fen, estimated_by=state.estimated_by,
        estimated_at=state.estimated_at, expected_ready_at=state.expected_ready_at,
        valid_until=state.valid_until, note=state.estimate_note if state.estimate_lines else "",
        lapsed=(state.decision is None and state.valid_until is not None
                and moment > state.valid_until),
        decision=state.decision, confirmation_method=state.confirmation_method,
        confirmed_by=state.confirmed_by,
        confirmation_phone=answer.text("phone") if answer is not None else "",
        confirmed_at=state.confirmed_at, confirmation_signature=signature, timezone=timezone)


__all__ = ["repair_estimate_document"]
