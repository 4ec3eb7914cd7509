"""A group customer's dossier on the portal site (R2.5): what the dossier tests and the
screenshot look at. Made by the core as an engineer's laptop and the centre would, at
`now` minus a few hours; returns the words that must and must not show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from fieldapp.records.events import EventKind
from fieldapp.store.models import Customer, Device, Slip
from fieldapp.workflows import dossier, group_archive
from tests.portal.site import CUSTOMER_A, Site

PROBLEM = "打印服务器频繁重启"
PROBLEM_NOTE = "已更换电源模块，观察一周"
PENDING_PROBLEM = "机房温度偏高（待审核）"
RETURNED_SUGGESTION = "建议全部换成新电脑（已退回）"
SUGGESTION = "建议为机房配备备用硒鼓"
NOTE = "核心交换机运行正常，风扇噪音偏大"
PENDING_NOTE = "打印机搓纸轮磨损（待审核）"


@dataclass(frozen=True)
class Seeded:
    device_id: object
    problem_number: str
    request_id: object  # the raising visit's, linked to the problem


def seed_dossier(site: Site, now: datetime) -> Seeded:
    t0 = now - timedelta(hours=5)

    def at(minutes: int) -> datetime:
        return t0 + timedelta(minutes=minutes)

    def ok(session, record, verdict="reviewed", comment="", minutes=200):  # type: ignore[no-untyped-def]
        for step in dossier.state_of(session, record).steps:
            if step.verdict.review == "submitted":
                dossier.review(session, record, step.submission_id, verdict=verdict,
                               reviewer="王芳", comment=comment, actor_code="CENTRE",
                               occurred_at=at(minutes), now=now)

    with site.archive.db.write() as session:
        customer = session.scalar(select(Customer).where(Customer.code == CUSTOMER_A))
        assert customer is not None
        slip = session.scalars(select(Slip).join(Slip.request).where(
            Slip.request.has(customer_id=customer.id))).first()
        device = session.scalars(select(Device).where(Device.customer_id == customer.id)
                                 .order_by(Device.device_type, Device.id)).first()
        assert slip is not None and device is not None
        problem = dossier.raise_problem(
            session, customer=customer, title=PROBLEM, description="每天两三次，日志显示掉电。",
            raised_by="E07", raised_at=at(0), slip=slip, device=device, now=now)
        dossier.problem_step(session, problem, kind=EventKind.PROBLEM_TRACKING,
                             note=PROBLEM_NOTE, actor_code="E07", occurred_at=at(30), now=now)
        ok(session, problem)
        dossier.problem_step(session, problem, kind=EventKind.PROBLEM_SOLVED,
                             note="一周未再重启", actor_code="E07", occurred_at=at(230), now=now)
        pending = dossier.raise_problem(
            session, customer=customer, title=PENDING_PROBLEM, description=PENDING_PROBLEM,
            raised_by="E07", raised_at=at(40), slip=slip, now=now)
        suggestion = dossier.propose_suggestion(
            session, customer=customer, suggestion=SUGGESTION, proposed_by="E07",
            proposed_at=at(50), slip=slip, now=now)
        dossier.suggestion_step(session, suggestion, kind=EventKind.SUGGESTION_ACCEPTED,
                                customer_name="孙丽", note="下月采购", actor_code="E07",
                                occurred_at=at(60), now=now)
        ok(session, suggestion)
        returned = dossier.propose_suggestion(
            session, customer=customer, suggestion=RETURNED_SUGGESTION, proposed_by="E07",
            proposed_at=at(55), slip=slip, now=now)
        ok(session, returned, "returned", "理由不充分，请补充。")
        note = group_archive.add_archive_entry(
            session, customer=customer, kind="device_tracking", text=NOTE, author_code="E07",
            noted_at=at(70), device=device, slip=slip, now=now)
        ok(session, note)
        group_archive.add_archive_entry(
            session, customer=customer, kind="device_tracking", text=PENDING_NOTE,
            author_code="E07", noted_at=at(80), device=device, slip=slip, now=now)
        assert pending.number
        return Seeded(device.id, problem.number, slip.request_id)
