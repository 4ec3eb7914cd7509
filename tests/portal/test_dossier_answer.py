"""A group customer accepts or declines a service suggestion on /portal/dossier (R2.5):
a CSRF-protected form under each reviewed, unanswered suggestion, with the person's name
and an optional note. The answer is stored as the engineer's `suggestion.accepted` /
`.declined` event (by the portal's code, on the change feed: the engineer pulls it;
tests/archive/test_dossier_portal_answer.py follows it to the laptop), shown at once as
the suggestion's state; answered twice, it is refused with the core's message. Another
customer's suggestion answers 404 and stores nothing. At phone width (390 px) the form
does not scroll sideways and its fields and buttons are at least 44 px high; the
screenshot is docs/screenshots/portal-dossier-answer-phone-zh.png.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from fieldapp.archive.models import Received
from fieldapp.base.timeutil import utcnow
from fieldapp.store.models import Customer
from fieldapp.store.workflow_models import Event, ServiceSuggestion
from fieldapp.workflows import dossier
from tests.portal.site import (
    CUSTOMER_A,
    CUSTOMER_B,
    Site,
    chromium_path,
    form_token,
    logged_in,
    phone_page,
)

ROOT = Path(__file__).resolve().parents[2]
TO_DECLINE = "建议为机房加装温湿度监控"
TO_ACCEPT = "建议每季度清洁一次打印机"
PHONE = "建议将交换机固件升级到最新版本"
OTHERS = "建议为门诊楼增加一台备用打印机"
REVIEWED = ("suggestion.reviewed", "CENTRE")


@dataclass(frozen=True)
class Seeded:
    ids: dict[str, str]  # the suggestion's text -> its id


@pytest.fixture(scope="module")
def seeded(site: Site) -> Seeded:
    """Reviewed suggestions of A and B, made as the laptop and the centre would."""
    now = utcnow()
    ids = {}
    with site.archive.db.write() as session:
        for code, texts in ((CUSTOMER_A, (TO_DECLINE, TO_ACCEPT, PHONE)),
                            (CUSTOMER_B, (OTHERS,))):
            customer = session.scalar(select(Customer).where(Customer.code == code))
            for text in texts:
                row = dossier.propose_suggestion(
                    session, customer=customer, suggestion=text, proposed_by="E07",
                    proposed_at=now - timedelta(hours=2), now=now)
                dossier.review(session, row, row.id, verdict="reviewed", reviewer="王芳",
                               comment="", actor_code="CENTRE",
                               occurred_at=now - timedelta(hours=1), now=now)
                ids[text] = str(row.id)
    return Seeded(ids)


@pytest.fixture(scope="module")
def port(site: Site, seeded: Seeded) -> Iterator[httpx.Client]:
    client = logged_in(site, "port")
    yield client
    client.close()


def _events(site: Site, suggestion_id: str) -> list[tuple[str, str]]:
    with site.archive.db.read() as session:
        row = session.get(ServiceSuggestion, uuid.UUID(suggestion_id))
        return [(e.kind, e.actor_code) for e in session.scalars(
            select(Event).where(Event.subject_id == row.id).order_by(Event.recorded_at))]


def _post(client: httpx.Client, suggestion_id: str, **data: str) -> httpx.Response:
    token = form_token(client.get("/portal/dossier").text)
    return client.post(f"/portal/dossier/suggestions/{suggestion_id}/answer",
                       data={"csrf": token, **data})


def test_each_unanswered_suggestion_has_a_form_and_a_decline_is_recorded(
        site: Site, port: httpx.Client, seeded: Seeded) -> None:
    target = seeded.ids[TO_DECLINE]
    page = port.get("/portal/dossier").text
    assert f"/portal/dossier/suggestions/{target}/answer" in page
    assert seeded.ids[OTHERS] not in page
    answer = _post(port, target, decision="declined", answered_by="孙丽", note="今年预算已用完")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/portal/dossier?answered=declined#answered"
    page = port.get(answer.headers["location"]).text
    assert "已收到您的答复：不采纳该建议。" in page
    card = page[page.index(TO_DECLINE):][:3000]
    assert "客户未采纳" in card and "今年预算已用完" in card
    assert '<span class="muted small">客户门户</span>' in card  # not the code WEB
    assert f"/portal/dossier/suggestions/{target}/answer" not in page  # answered: no form
    assert _events(site, target)[-1] == ("suggestion.declined", "WEB")
    with site.archive.db.read() as session:  # on the change feed, for the laptops' pull
        assert session.scalar(select(func.count()).select_from(Received).where(
            Received.table_name == "events")) >= 1


def test_an_accept_then_a_second_answer_is_refused_with_the_cores_message(
        site: Site, port: httpx.Client, seeded: Seeded) -> None:
    target = seeded.ids[TO_ACCEPT]
    assert _post(port, target, decision="accepted", answered_by="孙丽").status_code == 303
    # its form is gone; a stale page posting again gets the core's refusal
    again = _post(port, target, decision="declined", answered_by="孙丽")
    assert again.status_code == 422 and "客户已答复过该建议。" in again.text
    assert _events(site, target)[-1] == ("suggestion.accepted", "WEB")
    assert "客户已接受" in port.get("/portal/dossier").text


def test_a_missing_name_or_decision_shows_the_form_again_with_one_clear_line(
        site: Site, port: httpx.Client, seeded: Seeded) -> None:
    target = seeded.ids[PHONE]
    nameless = _post(port, target, decision="accepted", answered_by=" ", note="好")
    assert nameless.status_code == 422
    assert "请填写" in nameless.text and re.search(
        rf'<details class="answer" open>.*?/suggestions/{target}/answer', nameless.text, re.S)
    assert "Traceback" not in nameless.text
    bad = _post(port, target, decision="maybe", answered_by="孙丽")
    assert bad.status_code == 422 and "请选择接受或不采纳该建议。" in bad.text
    assert _events(site, target) == [REVIEWED]  # the centre's review only


def test_another_customers_suggestion_answers_404_and_stores_nothing(
        site: Site, port: httpx.Client, seeded: Seeded) -> None:
    other = seeded.ids[OTHERS]
    answer = _post(port, other, decision="accepted", answered_by="孙丽")
    assert answer.status_code == 404 and OTHERS not in answer.text
    assert _events(site, other) == [REVIEWED]


@pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed")
def test_the_answer_form_fits_a_phone(site: Site, seeded: Seeded, tmp_path: Path) -> None:
    pytest.importorskip("playwright.sync_api")
    shot = tmp_path / "portal-dossier-answer-phone-zh.png"
    with phone_page(site) as page:
        page.goto("/portal/dossier")
        card = page.locator(".card", has_text=PHONE)
        card.locator("details.answer summary").click()  # a tap opens the form
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        heights = card.locator("details.answer").evaluate_all(
            "els => els.flatMap(d => [...d.querySelectorAll('summary, input:not([type=hidden]),"
            " textarea, button')].map(e => e.getBoundingClientRect().height))")
        assert heights and min(heights) >= 44, heights
        card.scroll_into_view_if_needed()
        card.screenshot(path=str(shot))
    assert shot.stat().st_size > 5_000
    if os.environ.get("FIELDAPP_UPDATE_SCREENSHOTS"):  # how the committed one is made
        shutil.copy(shot, ROOT / "docs" / "screenshots" / shot.name)
