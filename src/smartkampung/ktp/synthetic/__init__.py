"""Synthetic e-KTP photos with their truth, for the reader's tests (a few cards) and benchmark (hundreds).

A made-up person (`make_person`) or one from the register (`person_from_resident`) is drawn as a flat e-KTP
(`draw_card`, 1011x638 px: 85.6x54 mm at ~300 dpi) and then "photographed" (`photograph`): laid on a table,
cloth or screen, tilted in 3-D and turned, lit unevenly, blurred, noised and saved as a JPEG. `sample` does
both and returns the truth in the reading's own keys and value forms (`truth_of`).

Everything here is made up. Real KTP photos are personal data: they must never enter the repository, not as
test data, not as benchmark data, not as fixtures. The person's photograph on the card is a drawn silhouette,
never a face.

Everything is drawn from the `random.Random` passed in, so the same seed gives the same bytes (on a machine
with the same fonts: see card.py).

- people: make_person, person_from_resident, truth_of;
- card: card_fields, draw_card (fonts);
- photo: photograph, photograph_with_corners.
"""

from __future__ import annotations

import random
from typing import Any

from smartkampung.ktp.synthetic.card import CARD_SIZE, card_fields, draw_card
from smartkampung.ktp.synthetic.people import REFERENCE_DATE, make_person, person_from_resident, truth_of
from smartkampung.ktp.synthetic.photo import DIFFICULTIES, PHOTO_SIZES, photograph, photograph_with_corners

__all__ = [
    "CARD_SIZE",
    "DIFFICULTIES",
    "PHOTO_SIZES",
    "REFERENCE_DATE",
    "card_fields",
    "draw_card",
    "make_person",
    "person_from_resident",
    "photograph",
    "photograph_with_corners",
    "sample",
    "truth_of",
]


def sample(
    rng: random.Random, *, difficulty: str = "easy", person: dict[str, Any] | None = None
) -> tuple[bytes, dict[str, Any]]:
    """(JPEG bytes, truth) of one made-up card (or of `person`), photographed at the given difficulty."""
    person = person or make_person(rng)
    jpeg = photograph(draw_card(person), rng=rng, difficulty=difficulty)
    return jpeg, truth_of(person)
