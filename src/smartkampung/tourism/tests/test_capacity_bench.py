"""The tourism benchmark's judge of capacity: replaying visits' times finds the most people ever inside a place
(so a place overfilled for a moment is caught even after everyone left), and the command refuses sizes it cannot
run with."""

import datetime as dt
import secrets

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from smartkampung.bench.tourism import most_inside
from smartkampung.tourism.models import Visit
from smartkampung.tourism.tests import factories as f

pytestmark = pytest.mark.usefixtures("regions")

T0 = timezone.now().replace(microsecond=0)


def visit(place, *, came: int, left: int | None, party: int = 1, stay: int = 3600) -> Visit:
    at = T0 + dt.timedelta(seconds=came)
    return Visit.objects.create(
        place=place, token=secrets.token_urlsafe(32), party=party, channel="scan", checked_in_at=at,
        counts_until=at + dt.timedelta(seconds=stay),
        checked_out_at=T0 + dt.timedelta(seconds=left) if left is not None else None,
    )  # fmt: skip


def test_the_peak_is_the_most_people_inside_at_one_moment_even_after_they_left():
    place = f.place(capacity=2)
    visit(place, came=0, left=10, party=2)
    visit(place, came=5, left=6)  # inside with the first party: 3 at once, though nobody is inside now

    assert most_inside([place.pk], since=T0) == {place.pk: 3}


def test_a_departure_at_the_moment_of_an_arrival_frees_the_place_first():
    place = f.place(capacity=1)
    visit(place, came=0, left=10)
    visit(place, came=10, left=None)
    visit(place, came=20, left=None, stay=5)  # the second one's stay has not ended: two inside from 20 to 25

    assert most_inside([place.pk], since=T0) == {place.pk: 2}


def test_a_stay_that_ended_no_longer_counts_in_the_replay():
    place = f.place(capacity=1)
    visit(place, came=0, left=None, stay=10)
    visit(place, came=10, left=None, stay=10)

    assert most_inside([place.pk], since=T0) == {place.pk: 1}


def test_visits_before_the_run_are_not_replayed():
    place = f.place(capacity=1)
    visit(place, came=-100, left=-50, party=5)

    assert most_inside([place.pk], since=T0) == {place.pk: 0}


def test_the_bench_command_refuses_too_few_places(db):
    with pytest.raises(CommandError, match="--places must be at least"):
        call_command("bench", "tourism", "--places", "10")
