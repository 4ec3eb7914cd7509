"""A repair order as plain data for the repair screen, and its steps as background work.

Read and written inside `ops` operations only: widgets get frozen dataclasses, never ORM
rows. Every step calls the core (`fieldapp.repair`, `fieldapp.loaners`), which refuses
what the workflow does not allow, with its own zh/en message.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from fieldapp import loaners, repair
from fieldapp.events import SignatureInput
from fieldapp.i18n import pick
from fieldapp.timeutil import utcnow
from fieldapp.workflow_lists import LoanerChoice, loaners_for_repair


@dataclass(frozen=True)
class RepairData:
    id: uuid.UUID
    number: str
    request_id: uuid.UUID
    request_number: str
    customer_name: str
    company_contact: str
    contact_phone: str
    fault: str
    device: str
    accessories: str
    received_at: datetime
    arrived_at: datetime
    departed_at: datetime
    engineer_signer: str
    seal: str
    state: repair.RepairState
    clock_state: str
    clock_deadline: datetime | None
    clock_explanation: str
    loaner_due: bool
    loaner_entitled: bool
    loaner_reason: str
    proposed_loaner: str
    loaner_choices: tuple[LoanerChoice, ...]

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def lent_loaner(self) -> str:
        return next((c.asset_tag for c in self.loaner_choices if c.lent_for_this_repair), "")


def load_repair(session: Session, repair_id: uuid.UUID, language: str) -> RepairData:
    order = repair.get_repair(session, repair_id)
    now = utcnow()
    overview = repair.repair_overview(session, order, now)
    proposal = loaners.propose_loaner(session, order, now)
    request = order.request
    device = " ".join(p for p in (order.device_type, order.brand, order.model) if p)
    serial = pick("序列号", "S/N", language)  # type: ignore[arg-type]
    ids = " / ".join(p for p in (f"{serial} {order.serial}" if order.serial else "",
                                 order.asset_tag) if p)
    return RepairData(
        id=order.id, number=order.number, request_id=request.id,
        request_number=request.number, customer_name=request.customer.name,
        company_contact=order.company_contact, contact_phone=order.contact_phone,
        fault=order.fault_description, device=f"{device}（{ids}）" if ids else device,
        accessories=order.accessories, received_at=order.received_at,
        arrived_at=order.arrived_at, departed_at=order.departed_at,
        engineer_signer=order.engineer_signer, seal=order.seal, state=overview.state,
        clock_state=str(overview.clock.state), clock_deadline=overview.clock.deadline,
        clock_explanation=overview.clock.explanation(language),  # type: ignore[arg-type]
        loaner_due=proposal.decision.due, loaner_entitled=proposal.decision.entitled,
        loaner_reason=proposal.reason(language),  # type: ignore[arg-type]
        proposed_loaner=proposal.loaner.asset_tag if proposal.loaner else "",
        loaner_choices=tuple(loaners_for_repair(session, order)),
    )


Step = Callable[[Session, object], object]


def step(repair_id: uuid.UUID, language: str, action: Step
         ) -> Callable[[Session], RepairData]:
    """Background work: apply `action(session, order)`, then reload the order."""

    def work(session: Session) -> RepairData:
        action(session, repair.get_repair(session, repair_id))
        session.flush()
        return load_repair(session, repair_id, language)

    return work


def lend(asset_tag: str, engineer: SignatureInput, customer: SignatureInput, actor: str
         ) -> Step:
    def action(session: Session, order: object) -> object:
        return loaners.issue_loaner(session, loaners.get_loaner(session, asset_tag), order,
                                    engineer_signature=engineer, customer_signature=customer,
                                    actor_code=actor, occurred_at=utcnow())  # type: ignore[arg-type]

    return action


def take_back(asset_tag: str, condition: str, engineer: SignatureInput,
              customer: SignatureInput, actor: str) -> Callable[[Session], None]:
    def work(session: Session) -> None:
        loaners.return_loaner(session, loaners.get_loaner(session, asset_tag),
                              condition=condition, engineer_signature=engineer,
                              customer_signature=customer, actor_code=actor,
                              occurred_at=utcnow())

    return work
