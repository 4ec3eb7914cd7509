"""Realistic Chinese demo data through the real core API (so it is valid by construction).

`fill_demo(store, requests=N)` makes customers (group and ordinary), sites inside and
outside the city, contacts, devices, engineers, contracts, and N requests in every
channel and state: open, assigned, in progress with a draft, solved and sealed with two
drawn signatures, unsolved with a revisit, and an amended slip.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.base.errors import FieldappError, NotFound
from fieldapp.base.timeutil import to_local, utcnow
from fieldapp.records import reference, service_requests, slips
from fieldapp.rules.validation import FeeLineInput
from fieldapp.sla import Channel
from fieldapp.store import Store
from fieldapp.store.models import Customer, Device, Engineer
from fieldapp.store.values import FeeKind, SignerRole, SlipResult

PAD_WIDTH, PAD_HEIGHT = 1000, 400

ENGINEERS = [
    ("E01", "王建国", ["硬件", "打印机"]),
    ("E02", "李明", ["网络", "服务器"]),
    ("E03", "张伟", ["软件", "桌面"]),
    ("E07", "刘洋", ["硬件", "笔记本", "服务器"]),
]

CUSTOMERS = [
    ("TJPORT", "天津港信息中心", True, "陈晓红", "天津市滨海新区新港二号路35号", True),
    ("TJH1", "天津市第一中心医院", True, "赵磊", "天津市南开区复康路24号", True),
    ("HPLAW", "和平区正义律师事务所", False, "陈晓红", "天津市和平区南京路189号", True),
    ("WQMFG", "武清精密制造有限公司", False, "赵磊", "天津市武清区京滨工业园8号", False),
]

DEVICES = [
    ("打印机", "printer", "惠普", "LaserJet M404dn"),
    ("台式机", "desktop", "联想", "ThinkCentre M720"),
    ("笔记本", "laptop", "联想", "ThinkPad T14"),
    ("交换机", "network", "华为", "S5720-28P"),
    ("服务器", "server", "戴尔", "PowerEdge R740"),
    ("台式机", "desktop", "戴尔", "OptiPlex 7090"),
]

FAULTS = {
    "printer": [("打印机卡纸，无法连续打印", "定影组件附近有残纸，搓纸轮磨损",
                 "清除残纸，更换搓纸轮，测试打印50页正常")],
    "desktop": [("开机蓝屏，提示 0x0000007B", "硬盘 SATA 模式被改为 RAID",
                 "恢复 BIOS 中 SATA 模式为 AHCI，系统正常启动"),
                ("电脑运行很慢，经常死机", "内存条接触不良，系统盘剩余空间不足",
                 "重新插拔并清洁内存条，清理系统盘临时文件")],
    "laptop": [("笔记本无法充电", "电源适配器损坏", "更换同型号电源适配器，充电正常")],
    "network": [("财务室网络时断时续", "交换机 12 口与网线水晶头氧化",
                 "重做水晶头，更换跳线，持续 ping 测试 30 分钟无丢包")],
    "server": [("服务器报警灯亮，风扇噪声大", "2 号电源模块故障",
                "更换电源模块，检查 iDRAC 日志无新告警")],
}

GIVEN_NAMES = ["孙丽", "周强", "吴敏", "郑浩", "冯静", "何伟", "高洁"]


def signature_strokes(seed: int) -> list[list[list[int]]]:
    """A plausible handwritten-looking signature: a few looping pen strokes."""
    rng = random.Random(seed)
    strokes = []
    x0 = 80 + rng.randint(0, 60)
    t = 0
    for _ in range(rng.randint(2, 4)):
        points = []
        width = rng.randint(150, 260)
        loops = rng.uniform(1.5, 3.5)
        amp = rng.randint(50, 110)
        for i in range(40):
            f = i / 39
            x = x0 + f * width + 18 * math.sin(f * loops * 2 * math.pi * 1.7)
            y = 200 - amp * math.sin(f * loops * 2 * math.pi) * (1 - 0.4 * f)
            pressure = int(350 + 450 * math.sin(math.pi * f))
            points.append([min(PAD_WIDTH, max(0, int(x))), min(PAD_HEIGHT, max(0, int(y))),
                           t, pressure])
            t += 12
        strokes.append(points)
        x0 += width + rng.randint(20, 50)
        t += 150
    return strokes


# Demo signers reuse a small pool of signatures, so each is drawn (and its PNG rendered) once.
_pooled_strokes = functools.lru_cache(maxsize=64)(signature_strokes)


@dataclass
class DemoWorld:
    engineers: list[Engineer]
    customers: list[Customer]
    devices: list[Device]


class DemoAlreadyLoaded(FieldappError):
    """The store already holds the demo customers: a second run adds nothing."""

    def __init__(self) -> None:
        super().__init__("演示数据已在本地库中，未重复添加。",
                         "The demo data is already in the local store; nothing was added.")


def has_demo_data(session: Session) -> bool:
    codes = [code for code, *_ in CUSTOMERS]
    return session.scalar(select(Customer.id).where(Customer.code.in_(codes)).limit(1)) is not None


def _engineer(session: Session, index: int, code: str, name: str, skills: list[str]
              ) -> Engineer:
    """The demo engineer, or the one already there with that code (the laptop's own
    operator set up as E01, say), so the demo never clashes with a code in use."""
    try:
        return reference.engineer_by_code(session, code)
    except NotFound:
        return reference.create_engineer(session, code=code, name=name,
                                         phone=f"1380022{index:04d}", skills=skills)


def _reference_data(session: Session, first_day: date, today: date) -> DemoWorld:
    """Contracts cover every local day from `first_day` (the oldest request's) to the end of
    `today`'s year, so every demo request has one, in January and on New Year's Eve too."""
    if has_demo_data(session):
        raise DemoAlreadyLoaded
    engineers = [_engineer(session, i, code, name, skills)
                 for i, (code, name, skills) in enumerate(ENGINEERS)]
    customers, devices = [], []
    for ci, (code, name, group, manager, address, in_city) in enumerate(CUSTOMERS):
        customer = reference.create_customer(session, code=code, name=name, is_group=group,
                                             account_manager=manager, phone=f"022-2345{ci:04d}",
                                             address=address)
        site = reference.add_site(session, customer, name=f"{name}本部", address=address,
                                  in_city=in_city)
        reference.add_contact(session, customer, name=GIVEN_NAMES[ci], phone=f"1390022{ci:04d}",
                              title="信息科")
        calendar = '{"always_open": true}' if code == "TJH1" else "{}"
        reference.create_contract(session, customer, number=f"FW-{today.year}-{code}",
                                  starts_on=date(first_day.year, 1, 1),
                                  ends_on=date(today.year, 12, 31), service_calendar=calendar)
        for di, (dtype, dclass, brand, model) in enumerate(DEVICES):
            devices.append(reference.add_device(
                session, customer, device_type=dtype, device_class=dclass, brand=brand,
                model=model, serial=f"SN{ci:02d}{di:02d}{code[:3]}{di * 7919 % 10000:04d}",
                asset_tag=f"ZC-{code}-{di + 1:03d}", site=site))
        customers.append(customer)
    return DemoWorld(engineers, customers, devices)


# The life stages a demo request is left in, cycling so every state is represented.
STAGES = ["sealed", "sealed", "sealed", "draft", "assigned", "open", "unsolved", "amended"]
CHANNEL_CYCLE = [Channel.ONSITE, Channel.PHONE, Channel.REMOTE, Channel.ONSITE, Channel.SENDIN,
                 Channel.LETTER, Channel.ONSITE]
# How each of them came in and what it asks (issue 17), in step with CHANNEL_CYCLE: each
# pair's old channel is the cycle's, so the demo's channels (and seals) stay as they were.
KIND_CYCLE = [("phone", "onsite", False), ("phone", "answer", False),
              ("email", "remote", False), ("letter", "onsite", True),
              ("phone", "sendin", True), ("letter", "answer", False),
              ("walk_in", "onsite", False)]


def _one_request(session: Session, world: DemoWorld, i: int, now: datetime,
                 rng: random.Random, span: timedelta) -> None:
    rotation = i + i // len(STAGES)  # so every customer and engineer sees every stage
    customer = world.customers[rotation % len(world.customers)]
    devices = [d for d in world.devices if d.customer_id == customer.id]
    device = devices[rng.randrange(len(devices))]
    engineer = world.engineers[(rotation + 1) % len(world.engineers)]
    channel = CHANNEL_CYCLE[i % len(CHANNEL_CYCLE)]
    stage = STAGES[i % len(STAGES)]
    if stage in ("open", "assigned", "draft"):
        requested = now - timedelta(minutes=rng.randint(10, 150))
    else:
        requested = now - span * rng.random() - timedelta(hours=6)
    requested = requested.replace(second=0)
    reported, found, handling = rng.choice(FAULTS[device.device_class])
    contact = customer.contacts[0]
    intake, kind, hardware = KIND_CYCLE[i % len(KIND_CYCLE)]
    answered = requested + timedelta(minutes=rng.randint(1, 8)) if channel in (
        Channel.PHONE, Channel.LETTER) and stage != "open" else None
    if kind != "answer" and intake != "walk_in":  # the call or letter that asked was answered
        # within the minutes before now even for the newest request (10 minutes old)
        answered = requested + timedelta(minutes=2 + i % 3 if intake == "phone" else 5 + i % 5)
    request = service_requests.take_request(
        session, operator_code="C01", customer=customer, intake_channel=intake,
        service_kind=kind, hardware_fault=hardware,
        fault_reported=reported, requested_at=requested, contact=contact, device=device,
        answered_at=answered, engineer=None if stage == "open" else engineer,
        now=max(requested, answered or requested))
    if stage in ("open", "assigned"):
        return
    visited = channel in (Channel.ONSITE, Channel.SENDIN)
    arrived = requested + timedelta(minutes=rng.randint(40, 200)) if visited else None
    started = (arrived or requested) + timedelta(minutes=rng.randint(2, 15))
    solved = started + timedelta(minutes=rng.randint(15, 150))
    departed = solved + timedelta(minutes=rng.randint(5, 20)) if visited else None
    slip = slips.start_slip(session, request, engineer, now=started)
    changes: dict[str, object] = {"arrived_at": arrived, "started_at": started}
    if stage == "draft":
        changes = {"arrived_at": min(arrived or now, now), "fault_found": found}
        slips.update_slip(session, slip, changes, now=now)
        return
    result = SlipResult.UNSOLVED if stage == "unsolved" else SlipResult.SOLVED
    changes.update({"solved_at": solved if result == SlipResult.SOLVED else None,
                    "departed_at": departed, "fault_found": found,
                    "handling": (handling if result == SlipResult.SOLVED
                                 else f"{handling}（待备件后再上门）"),
                    "result": result})
    slips.update_slip(session, slip, changes, now=now)
    lines = [FeeLineInput(FeeKind.LABOUR, "上门服务费", Decimal(1),
                          Decimal(rng.choice([80, 120, 150])))]
    if device.device_class in ("printer", "laptop", "server") and result == SlipResult.SOLVED:
        lines.append(FeeLineInput(FeeKind.PARTS, "更换配件", Decimal(1),
                                  Decimal(rng.choice(["45.50", "180.00", "1260.00"]))))
    if visited:
        lines.append(FeeLineInput(FeeKind.TRAVEL, "交通费", Decimal(1), Decimal(30)))
    slips.set_fee_lines(session, slip, lines)
    sign_time = (departed or solved or started) - timedelta(minutes=2)
    slips.sign_slip(session, slip, role=SignerRole.ENGINEER, signer_name=engineer.name,
                    strokes=_pooled_strokes(sum(map(ord, engineer.code))), pad_width=PAD_WIDTH,
                    pad_height=PAD_HEIGHT, signed_at=sign_time, now=now)
    slips.sign_slip(session, slip, role=SignerRole.CUSTOMER, signer_name=contact.name,
                    strokes=_pooled_strokes(1000 + i % 23), pad_width=PAD_WIDTH,
                    pad_height=PAD_HEIGHT, signed_at=sign_time + timedelta(minutes=1),
                    now=sign_time + timedelta(minutes=1))  # sealed as the customer signs
    if stage == "amended":
        slips.amend_slip(session, slip, reason="客户要求更正交通费", engineer=engineer,
                         now=now)


def fill_demo(store: Store, *, requests: int = 40, seed: int = 7,
              now: datetime | None = None, batch: int = 500,
              progress: Callable[[int, int], None] | None = None,
              progress_every: int = 10_000) -> int:
    """Fill the store with demo data; returns the number of requests made.

    Raises `DemoAlreadyLoaded` (and changes nothing) when the demo customers are there.

    `progress(done, total)` is called after every `progress_every` requests (and at the
    end), each time after a committed batch.
    """
    now = now or utcnow()
    rng = random.Random(seed)
    span = timedelta(days=max(30, min(365, requests // 20)))
    with store.write() as session:
        # Local days (Tianjin), as contracts are looked up: at 00:30 on 1 January in Tianjin
        # UTC still says 31 December. The oldest request is `span` and 6 hours ago.
        world = _reference_data(session, to_local(now - span - timedelta(hours=6)).date(),
                                to_local(now).date())
        ids = ([e.id for e in world.engineers], [c.id for c in world.customers],
               [d.id for d in world.devices])
    for start in range(0, requests, batch):
        with store.write() as session:
            world = DemoWorld(
                [session.get_one(Engineer, i) for i in ids[0]],
                [session.get_one(Customer, i) for i in ids[1]],
                [session.get_one(Device, i) for i in ids[2]],
            )
            for i in range(start, min(requests, start + batch)):
                _one_request(session, world, i, now, rng, span)
        done = min(requests, start + batch)
        if progress is not None and (done % progress_every < batch or done == requests):
            progress(done, requests)
    return requests
