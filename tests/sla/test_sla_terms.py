"""SlaTerms: the seed's service levels (R1) as defaults, per-contract overrides, storage."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from fieldapp.sla import SlaTerms


def test_defaults_are_the_published_service_levels():
    terms = SlaTerms()
    assert terms.phone_answer == timedelta(minutes=5)  # R1.1
    assert terms.onsite_target == timedelta(hours=2)  # R1.2
    assert terms.onsite_cap == timedelta(hours=3)  # R1.2
    assert terms.remote_resolution == timedelta(minutes=30)  # R1.3
    assert terms.repair_resolution == timedelta(hours=4)  # R1.4
    assert terms.letter_answer == timedelta(hours=12)  # R1.5
    assert terms.at_risk_fraction == 0.25
    assert terms.loaner_entitled is None  # default rule: group customers


def test_terms_are_stored_as_whole_minutes():
    assert SlaTerms().to_dict() == {
        "phone_answer_minutes": 5,
        "onsite_target_minutes": 120,
        "onsite_cap_minutes": 180,
        "remote_resolution_minutes": 30,
        "repair_resolution_minutes": 240,
        "letter_answer_minutes": 720,
        "at_risk_fraction": 0.25,
        "loaner_entitled": None,
    }


@pytest.mark.parametrize("entitled", [None, True, False])
def test_terms_survive_a_json_round_trip(entitled):
    terms = SlaTerms(
        onsite_target=timedelta(minutes=90),
        repair_resolution=timedelta(hours=8),
        at_risk_fraction=0.5,
        loaner_entitled=entitled,
    )
    assert SlaTerms.from_dict(json.loads(json.dumps(terms.to_dict()))) == terms


def test_missing_keys_take_the_defaults():
    assert SlaTerms.from_dict({}) == SlaTerms()
    assert SlaTerms.from_dict({"letter_answer_minutes": 1440}) == SlaTerms(
        letter_answer=timedelta(hours=24)
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"phone_answer": timedelta(0)},
        {"remote_resolution": timedelta(minutes=-30)},
        {"letter_answer": timedelta(minutes=5, seconds=30)},
        {"onsite_target": timedelta(hours=3), "onsite_cap": timedelta(hours=2)},
        {"at_risk_fraction": 1.0},
        {"at_risk_fraction": -0.1},
    ],
    ids=["zero", "negative", "not-whole-minutes", "cap-before-target", "fraction-1", "fraction<0"],
)
def test_impossible_terms_are_refused(kwargs):
    with pytest.raises(ValueError):
        SlaTerms(**kwargs)


def test_cap_equal_to_target_means_no_tolerance_band():
    terms = SlaTerms(onsite_target=timedelta(hours=2), onsite_cap=timedelta(hours=2))
    assert terms.onsite_cap == terms.onsite_target
