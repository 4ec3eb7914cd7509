"""A customer's answer to a repair quotation (维修报价单, R3.2) on the portal.

The answer is the core's `repair.confirmed` event with method `portal`, recorded as `WEB`
(the portal's operator code) by the same fold that records a signature on a laptop — so
an answer to an estimate that changed meanwhile, an approval after the offer lapsed or a
second answer are refused with the core's message. It is then put on the change feed
like the portal's requests and complaints, and the service centre's laptops pull it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.archive.models import User
from fieldapp.archive.portal.submissions import PORTAL_OPERATOR, publish
from fieldapp.base.errors import FieldIssue, ValidationError
from fieldapp.records.events import DECISIONS, ConfirmationMethod, Decision
from fieldapp.store.models import ServiceRequest
from fieldapp.store.workflow_models import RepairOrder
from fieldapp.workflows.repair import RepairState, RepairStatus, confirm_repair, repair_state


@dataclass(frozen=True)
class EstimateView:
    """One repair and its estimate as the customer's page shows them."""

    order: RepairOrder
    state: RepairState
    lapsed: bool

    @property
    def quantities(self) -> list[str]:
        """Each line's quantity as typed (1.5, 2), never as 1.500."""
        return [f"{(Decimal(line.quantity_milli) / 1000).normalize():f}"
                for line in self.state.estimate_lines]

    @property
    def awaiting_answer(self) -> bool:
        return self.state.status == RepairStatus.ESTIMATED and not self.lapsed


def repair_of(session: Session, customer_id: uuid.UUID, repair_id: uuid.UUID
              ) -> RepairOrder | None:
    """The repair order if it is this customer's (else None: the same 404 as a typo)."""
    return session.scalar(select(RepairOrder).join(
        ServiceRequest, RepairOrder.request_id == ServiceRequest.id).where(
        RepairOrder.id == repair_id, ServiceRequest.customer_id == customer_id))


def estimate_view(session: Session, order: RepairOrder, now: datetime) -> EstimateView:
    state = repair_state(session, order)
    lapsed = state.valid_until is not None and now > state.valid_until
    return EstimateView(order, state, lapsed)


def answer_estimate(session: Session, *, user: User, order: RepairOrder, decision: str,
                    confirmed_by: str, estimate_id: str, now: datetime) -> None:
    """Record the customer's 同意 / 不同意 of the estimate they were shown: the person's
    typed name is who confirmed; the portal account is kept in the event's note."""
    if decision not in DECISIONS:
        raise ValidationError([FieldIssue("decision", "invalid_choice",
                                          "请选择同意维修或不同意维修。",
                                          "Choose to approve or to decline the repair.")])
    try:
        shown = uuid.UUID(estimate_id)
    except ValueError:
        raise ValidationError([FieldIssue("estimate_id", "unknown", "报价单已更新，请刷新页面。",
                                          "The quotation has changed; reload the page.")]
                              ) from None
    event = confirm_repair(session, order, approved=decision == Decision.APPROVED,
                           method=ConfirmationMethod.PORTAL,
                           confirmed_by=confirmed_by.strip(),
                           actor_code=PORTAL_OPERATOR, occurred_at=now, estimate_id=shown,
                           note=f"客户门户账号 / portal account {user.name}", now=now)
    publish(session, table="events", record_id=event.id, user=user, now=now)
