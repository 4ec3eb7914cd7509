"""Slip search, randomized: the index finds exactly what LIKE over the columns finds.

Hypothesis writes random texts (Chinese, Latin in both cases, digits, serial-number
hyphens, ``%``/``_``/``\\``, umlauts, full-width letters) into draft slips and device
serials, then searches random terms of one to five characters — some made up, most cut
out of what it wrote — through the index (the bigrams, the trigrams, both of the list's
plans) and through the LIKE path the archive uses; both must equal
the brute-force specification of tests/core/test_search.py. No timings.
"""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from fieldapp.reads.queries import SlipFilter, count_slips, list_slips
from fieldapp.records import reference, slips
from fieldapp.store import open_store, search
from fieldapp.store.models import Device, ServiceRequest

from .test_search import DEMO_NOW, brute_force, found

ALPHABET = "蓝屏打印机卡纸鼓包服务器aAbBxX09-_%\\ Ää　ＡＢｂ"
SLIPS = 24
DEVICES = 4

texts = st.text(alphabet=ALPHABET, max_size=24)
serials = st.text(alphabet="ABCXabcx0179-", min_size=1, max_size=14)


@pytest.fixture(scope="module")
def crosscheck_store(tmp_path_factory):
    """A small demo store plus SLIPS drafts, on DEVICES devices, whose texts the tests set."""
    from fieldapp.tools.demo import fill_demo

    store = open_store(tmp_path_factory.mktemp("crosscheck"))
    fill_demo(store, requests=24, now=DEMO_NOW)
    with store.write() as session:
        engineer = reference.engineer_by_code(session, "E01")
        requests = list(session.scalars(select(ServiceRequest).where(
            ServiceRequest.device_id.is_not(None)).limit(DEVICES)))
        draft_ids = [slips.start_slip(session, requests[i % len(requests)], engineer,
                                      now=DEMO_NOW).id for i in range(SLIPS)]
        device_ids = [r.device_id for r in requests]
    yield store, draft_ids, device_ids
    store.close()


def write(store, draft_ids, device_ids, slip_texts, device_serials) -> None:
    """Plain UPDATEs, as a hand edit would: the triggers must keep the index right."""
    with store.write() as session:
        for slip_id, (fault_found, handling) in zip(draft_ids, slip_texts, strict=False):
            session.execute(text("UPDATE slips SET fault_found = :f, handling = :h"
                                 " WHERE id = :id"),
                            {"f": fault_found, "h": handling, "id": slip_id.hex})
        for device_id, (serial, asset_tag) in zip(device_ids, device_serials, strict=False):
            device = session.get(Device, device_id)
            device.serial, device.asset_tag = serial, asset_tag


@st.composite
def cases(draw):
    slip_texts = draw(st.lists(st.tuples(texts, texts), min_size=SLIPS, max_size=SLIPS))
    device_serials = draw(st.lists(st.tuples(serials, serials), min_size=DEVICES,
                                   max_size=DEVICES))
    pool = [t for pair in slip_texts + device_serials for t in pair if t.strip()]
    cut = st.sampled_from(pool).flatmap(
        lambda t: st.integers(0, len(t) - 1).flatmap(
            lambda i: st.integers(i + 1, min(len(t), i + 5)).map(lambda j: t[i:j])))
    made_up = st.text(alphabet=ALPHABET, min_size=1, max_size=5)
    terms = draw(st.lists(cut | made_up if pool else made_up, min_size=1, max_size=6))
    return slip_texts, device_serials, terms


def like_path(session, term: str) -> set:
    with mock.patch.object(search, "index_kind", lambda _session: None):
        return found(session, term)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(case=cases())
def test_index_equals_like_on_random_texts_and_terms(crosscheck_store, case):
    store, draft_ids, device_ids = crosscheck_store
    slip_texts, device_serials, terms = case
    write(store, draft_ids, device_ids, slip_texts, device_serials)
    with store.read() as session:
        for term in terms:
            if not term.strip():
                continue  # the list strips the term; blank means no search
            term = term.strip()
            expected = brute_force(session, term)
            assert like_path(session, term) == expected, term
            for plan in ("sort", "walk"):  # each way the list can take
                with mock.patch.object(search, "plan", lambda _s, _t, p=plan: p):
                    assert found(session, term) == expected, (term, plan)
                    assert count_slips(session, SlipFilter(search=term)) == len(expected)
                    page = list_slips(session, SlipFilter(search=term), limit=5)
                    assert [r.id for r in page] == [r.id for r in list_slips(
                        session, SlipFilter(search=term), limit=10**6)][:5], (term, plan)
