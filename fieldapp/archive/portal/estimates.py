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

from sqlalchemy.orm import Session

from fieldapp.archive.db import Database
from fieldapp.archive.models import User
from fieldapp.archive.portal.submissions import publish
from fieldapp.services import portal
from fieldapp.services.portal import EstimateAnswer
from fieldapp.store.workflow_models import RepairOrder
from fieldapp.workflows.repair import RepairState, RepairStatus, repair_state


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
    return portal.customer_repair(session, customer_id, repair_id)


def estimate_view(session: Session, order: RepairOrder, now: datetime) -> EstimateView:
    state = repair_state(session, order)
    lapsed = state.valid_until is not None and now > state.valid_until
    return EstimateView(order, state, lapsed)


def answer_estimate(db: Database, *, user: User, customer_id: uuid.UUID,
                    repair_id: uuid.UUID, decision: str, confirmed_by: str,
                    estimate_id: str, now: datetime) -> None:
    """The customer's 同意 / 不同意, recorded by the core (services.portal) and put on the
    change feed in the same transaction."""
    portal.answer_estimate(
        db, customer_id, repair_id,
        EstimateAnswer(decision, confirmed_by, estimate_id, account=user.name), now=now,
        then=lambda session, event_id: publish(session, table="events", record_id=event_id,
                                                user=user, now=now))
