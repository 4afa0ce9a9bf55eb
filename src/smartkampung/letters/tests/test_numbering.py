"""Numbering patterns: what an administrator may write, and the numbers they make."""

import datetime as dt

import pytest
from django.utils import translation

from smartkampung.letters.models import DEFAULT_NUMBER_PATTERN, LetterType
from smartkampung.letters.numbering import format_number, pattern_problems


@pytest.fixture(autouse=True)
def in_english():
    # The messages are checked in their English source words (the product speaks Indonesian by default).
    with translation.override("en"):
        yield


def test_the_default_pattern_makes_the_usual_indonesian_number(db):
    sktm = LetterType.objects.get(code="sktm")

    number = format_number(
        DEFAULT_NUMBER_PATTERN, letter_type=sktm, village_code="3510151002", sequence=7, day=dt.date(2026, 12, 3)
    )

    assert number == "400.12/007/3510151002/XII/2026"


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("{classification}/{year}", "must contain {sequence}"),
        ("{sequence:03}/{nama}", "Unknown placeholder {nama}"),
        ("{sequence:03}/{year:04}", "Only {sequence} takes a width"),
        ("{sequence:abc}", "Write the sequence as"),
        ("{sequence/", "unmatched"),
        ("{sequence:03}/{village_code}", "must contain {year}"),
        ("{sequence!r}/{year}", "without “!”"),
        ("{sequence:9}/{year}", "Write the sequence as"),
    ],
)
def test_a_pattern_that_cannot_number_letters_is_refused_in_words(pattern, words):
    assert any(words in problem for problem in pattern_problems(pattern))


def test_a_good_pattern_has_no_problems():
    assert pattern_problems(DEFAULT_NUMBER_PATTERN) == []
    assert pattern_problems("470/{sequence}/{district_code}/{month}/{year}") == []
