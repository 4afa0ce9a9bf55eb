"""What the entry rules decide, and how a change of rules applies."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from smartkampung.checkpoints import rules
from smartkampung.checkpoints.models import Outcome
from smartkampung.health.models import EntryRule

RULE = EntryRule(
    banned_origins=["51"],  # Bali
    high_risk_origins=["3578"],  # Kota Surabaya
    temperature_threshold=Decimal("37.5"),
    referral_symptoms=["fever", "cough", "breathless"],
    isolation_days=14,
)


@pytest.mark.parametrize(
    "traveller, outcome, reason",
    [
        (rules.Traveller(origin_regency="3509", temperature=Decimal("36.5")), Outcome.ALLOWED, "clear"),
        (rules.Traveller(origin_regency="5171", temperature=Decimal("36.5")), Outcome.REFUSED, "banned_origin"),
        (
            rules.Traveller(origin_regency="5171", is_resident=True, temperature=Decimal("36.5")),
            Outcome.ODR,
            "resident_from_banned",
        ),
        (rules.Traveller(origin_regency="3509", temperature=Decimal("37.5")), Outcome.REFERRED, "temperature"),
        (rules.Traveller(origin_regency="3509", symptoms=("cough",)), Outcome.REFERRED, "symptoms"),
        (rules.Traveller(origin_regency="3509", symptoms=("headache",)), Outcome.ALLOWED, "clear"),
        (rules.Traveller(origin_regency="3578"), Outcome.ODR, "high_risk_origin"),
        (rules.Traveller(origin_regency="3509", contact_with_case=True), Outcome.ODR, "contact"),
        (rules.Traveller(found_wandering=True), Outcome.TO_ISOLATION, "found_wandering"),
    ],
)
def test_the_rules_decide_each_case_with_a_reason(traveller, outcome, reason):
    decision = rules.decide(RULE, traveller)
    assert decision.outcome == outcome
    assert reason in [r[0] for r in decision.reasons]
    assert (decision.monitoring_days == 14) == (outcome in {Outcome.ODR, Outcome.REFERRED, Outcome.TO_ISOLATION})


def test_a_refused_traveller_from_bali_is_told_why_in_words(settings):
    settings.LANGUAGE_CODE = "en"
    decision = rules.decide(RULE, rules.Traveller(origin_regency="5171"))
    assert rules.explain(decision.reasons[0]) == "Comes from Bali, where entry is banned."


def test_a_fever_reason_names_the_measured_and_the_limit_temperature():
    decision = rules.decide(RULE, rules.Traveller(origin_regency="3509", temperature=Decimal("38.2")))
    text = rules.explain(decision.reasons[0])
    assert "38.2" in text and "37.5" in text


def test_monitoring_ends_after_the_rule_length():
    decision = rules.decide(RULE, rules.Traveller(origin_regency="3578"))
    assert decision.monitoring_until(dt.date(2026, 11, 22)) == dt.date(2026, 12, 6)


@pytest.mark.django_db
def test_the_rule_in_force_is_the_latest_that_has_started():
    from smartkampung.health.selectors import rule_in_force

    now = timezone.now()
    old = EntryRule.objects.create(effective_from=now - dt.timedelta(days=30))
    new = EntryRule.objects.create(effective_from=now - dt.timedelta(days=1), isolation_days=10)
    EntryRule.objects.create(effective_from=now + dt.timedelta(days=1), isolation_days=7)
    assert rule_in_force("3510", now) == new
    assert rule_in_force("3510", now - dt.timedelta(days=10)) == old
