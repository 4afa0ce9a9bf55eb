"""Who is on a family card: weighted draws, names, and the composition of households.

_Table and _triangular are the drawing primitives, _Person a member while the card is
assembled and _Village what a village contributes. _Families draws the names and the
members of one card (head, spouse, children, parents, grandchildren) with their ages,
relations and marital status; generator._Generator extends it with the records.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from smartkampung.population.demo.vocabulary import (
    _CHILD,
    _CHILD_IN_LAW,
    _CHINESE,
    _CHINESE_FEMALE,
    _CHINESE_MALE,
    _CHINESE_REST,
    _CHRISTIAN,
    _CHRISTIAN_FEMALE,
    _CHRISTIAN_MALE,
    _DIVORCED,
    _ETHNIC_GROUPS,
    _F,
    _FAKER_FEMALE,
    _FAKER_LAST_FEMALE,
    _FAKER_LAST_MALE,
    _FAKER_MALE,
    _GRANDCHILD,
    _HEAD,
    _HINDU,
    _HINDU_FEMALE,
    _HINDU_MALE,
    _HINDU_REST_FEMALE,
    _HINDU_REST_MALE,
    _HOUSEHOLD_HELP,
    _ISLAM,
    _M,
    _MARRIED,
    _MODERN_FEMALE_FIRST,
    _MODERN_FEMALE_REST,
    _MODERN_MALE_FIRST,
    _MODERN_MALE_REST,
    _OLD_FEMALE,
    _OLD_MALE,
    _OTHER_FAMILY,
    _PARENT,
    _PARENT_IN_LAW,
    _SINGLE,
    _SPOUSE,
    _WIDOWED,
)

# Ages are capped below 95 so that the NIK's two-digit year decodes to the right century
# until 2030.
MAX_AGE = 94.5

# --- helpers ------------------------------------------------------------------------------


class _Table:
    """A weighted choice: one random() and a bisect per draw, far cheaper than random.choices."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, weights: dict[Any, float]) -> None:
        self.items = list(weights)
        self.cum = list(accumulate(weights.values()))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _triangular(u: float, low: float, mode: float, high: float) -> float:
    """Inverse CDF of the triangular distribution: a cheap stand-in for skewed age curves."""
    span = high - low
    if u < (mode - low) / span:
        return low + math.sqrt(u * span * (mode - low))
    return high - math.sqrt((1.0 - u) * span * (high - mode))


class _Person:
    """A household member while the household is being assembled."""

    __slots__ = ("age", "ethnic", "father", "marital", "mother", "name", "relation", "sex")

    def __init__(self, relation: str, sex: str, age: float, marital: str, name: str, ethnic: str) -> None:
        self.relation = relation
        self.sex = sex
        self.age = age
        self.marital = marital
        self.name = name
        self.ethnic = ethnic  # for the names of parents who are not on the card
        self.father = ""
        self.mother = ""


@dataclass(slots=True)
class _Village:
    code: str
    district_code: str
    district_name: str
    kelurahan: bool
    suffix: str
    ethnic: _Table
    religion: _Table
    places: list[tuple[str, int, bool]]  # (dusun, street or lingkungan; its RW; whether a street)
    tourism: float


class _Families:
    """Names and the members of one family card; the first half of generator._Generator.

    The state it draws from (rng, its bound random, today) is set up by the generator.
    """

    rng: random.Random
    random: Callable[[], float]
    today: dt.date

    def choice(self, items: tuple[str, ...]) -> str:
        return items[int(self.random() * len(items))]

    # -- names ---------------------------------------------------------------------------

    def name(self, sex: str, birth_year: int, ethnic: str, religion: str) -> str:
        """A name as on the KTP; every pool is upper case already, so no clean-up is needed."""
        random_ = self.random
        choice = self.choice
        male = sex == _M
        if religion != _ISLAM:
            if religion == _HINDU and random_() < 0.6:
                if male:
                    return f"{choice(_HINDU_MALE)} {choice(_HINDU_REST_MALE)}"
                return f"{choice(_HINDU_FEMALE)} {choice(_HINDU_REST_FEMALE)}"
            if religion in _CHRISTIAN and random_() < 0.7:
                first = choice(_CHRISTIAN_MALE if male else _CHRISTIAN_FEMALE)
                if random_() < 0.2:
                    return first
                return f"{first} {choice(_MODERN_MALE_REST if male else _MODERN_FEMALE_REST)}"
            if religion in _CHINESE:
                return f"{choice(_CHINESE_MALE if male else _CHINESE_FEMALE)} {choice(_CHINESE_REST)}"
        # Traditional one-word names: ~90% of those born in 1940, ~5% of those born after 2000.
        if random_() < min(0.92, max(0.05, (1992 - birth_year) / 55)):
            return choice((_OLD_MALE if male else _OLD_FEMALE)[ethnic])
        r = random_()
        if r < 0.3:
            first = choice(_FAKER_MALE if male else _FAKER_FEMALE)
            if r < 0.15:
                return first
            return f"{first} {choice(_FAKER_LAST_MALE if male else _FAKER_LAST_FEMALE)}"
        if male:
            first, rest, extra = choice(_MODERN_MALE_FIRST), choice(_MODERN_MALE_REST), _MODERN_MALE_REST
        else:
            first, rest, extra = choice(_MODERN_FEMALE_FIRST), choice(_MODERN_FEMALE_REST), _MODERN_FEMALE_REST
        if first == rest:
            return first
        if r < 0.85:
            return f"{first} {rest}"
        third = choice(extra)
        return f"{first} {rest} {third}" if third != rest else f"{first} {rest}"

    def person(self, relation: str, sex: str, age: float, marital: str, ethnic: str, religion: str) -> _Person:
        if age > MAX_AGE:
            # Spread, not clamped: a clamp would give hundreds the same birth date and NIK prefix.
            age = MAX_AGE - self.random() * 5
        name = self.name(sex, self.today.year - int(age), ethnic, religion)
        return _Person(relation, sex, age, marital, name, ethnic)

    # -- households ----------------------------------------------------------------------

    def children(self, mother_age: float, ethnic: str, religion: str, *, keep_adults: float = 1.0) -> list[_Person]:
        """The children still on the family card of a mother (or a father treated as one)."""
        random_ = self.random
        born_year = self.today.year - mother_age
        r = random_()
        # Women born before 1960 had four or five children; today's mothers two.
        if born_year < 1960:
            count = 1 + int(r * 5.5)
        elif born_year < 1976:
            count = 1 + int(r * 3.8)
        else:
            count = 1 + int(r**1.6 * 3.8)
        if random_() < 0.06:
            count = 0
        age = mother_age - _triangular(random_(), 18.5, 21.5, 33.0)
        kids = []
        for _ in range(count):
            if age < 0 or mother_age - age > 40:
                break
            if age < 18.0:
                stay = 1.0
            else:
                # Grown children marry and move to a family card of their own.
                stay = keep_adults * (
                    0.85 if age < 21 else 0.6 if age < 25 else 0.32 if age < 30 else 0.12 if age < 40 else 0.04
                )
            if stay >= 1.0 or random_() < stay:
                marital = _DIVORCED if age >= 25 and random_() < 0.08 else _SINGLE
                kids.append(self.person(_CHILD, _M if random_() < 0.51 else _F, age, marital, ethnic, religion))
            age -= _triangular(random_(), 1.3, 3.0, 8.0)
        return kids

    def couple(self, head_age: float, ethnic: str, religion: str) -> tuple[_Person, _Person]:
        random_ = self.random
        wife_age = head_age - self.rng.gauss(4.0, 3.5)
        wife_age = max(17.5 + random_() * 2, min(wife_age, head_age + 6))
        spouse_ethnic = self.spouse_ethnic(ethnic)
        # Now and then the wife heads the card and the husband is listed as SUAMI.
        if random_() < 0.025:
            head = self.person(_HEAD, _F, wife_age, _MARRIED, ethnic, religion)
            return head, self.person(_SPOUSE, _M, head_age, _MARRIED, spouse_ethnic, religion)
        head = self.person(_HEAD, _M, head_age, _MARRIED, ethnic, religion)
        return head, self.person(_SPOUSE, _F, wife_age, _MARRIED, spouse_ethnic, religion)

    def spouse_ethnic(self, ethnic: str) -> str:
        r = self.random()
        return ethnic if r < 0.85 else _ETHNIC_GROUPS[int((r - 0.85) / 0.05)]

    def household(self, village: _Village) -> tuple[list[_Person], str]:
        """The members of one family card, head first, and the family's religion."""
        rng = self.rng
        random_ = self.random
        ethnic = village.ethnic.pick(rng)
        religion = village.religion.pick(rng)
        kind = (self.urban_household_kinds if village.kelurahan else self.household_kinds).pick(rng)
        if kind == "nuclear":
            head, spouse = self.couple(_triangular(random_(), 21.0, 38.0, 78.0), ethnic, religion)
            kids = self.children((spouse if spouse.sex == _F else head).age, ethnic, religion)
            self.link(kids, head, spouse)
            members = [head, spouse, *kids]
            r = random_()
            if r < 0.035:
                # A niece or nephew, often in town for school or work.
                sex = _M if random_() < 0.5 else _F
                members.append(self.person(_OTHER_FAMILY, sex, 6 + random_() * 22, _SINGLE, ethnic, religion))
            elif r < 0.045 and village.kelurahan:
                members.append(self.person(_HOUSEHOLD_HELP, _F, 18 + random_() * 35, _SINGLE, ethnic, religion))
        elif kind == "single":
            r = random_()
            if r < 0.38:
                sex = _M if random_() < 0.65 else _F
                members = [self.person(_HEAD, sex, 19 + random_() * 22, _SINGLE, ethnic, religion)]
            elif r < 0.85:
                sex = _F if random_() < 0.75 else _M
                age = _triangular(random_(), 58.0, 68.0, 94.0)
                members = [self.person(_HEAD, sex, age, _WIDOWED, ethnic, religion)]
            else:
                sex = _M if random_() < 0.5 else _F
                members = [self.person(_HEAD, sex, 28 + random_() * 37, _DIVORCED, ethnic, religion)]
        elif kind == "single_parent":
            sex = _F if random_() < 0.72 else _M
            age = _triangular(random_(), 27.0, 45.0, 80.0)
            marital = _WIDOWED if random_() < 0.55 + max(0.0, age - 45) / 60 else _DIVORCED
            head = self.person(_HEAD, sex, age, marital, ethnic, religion)
            kids = self.children(age if sex == _F else age - 4, ethnic, religion, keep_adults=1.4)
            for kid in kids:
                if sex == _F:
                    kid.mother = head.name
                else:
                    kid.father = head.name
            members = [head, *kids]
        elif kind == "with_parents":
            head, spouse = self.couple(_triangular(random_(), 24.0, 34.0, 60.0), ethnic, religion)
            kids = self.children((spouse if spouse.sex == _F else head).age, ethnic, religion)
            self.link(kids, head, spouse)
            members = [head, spouse, *kids, *self.parents_of(head if random_() < 0.55 else spouse, religion)]
        else:
            members = self.three_generations(ethnic, religion)
        return members, religion

    def link(self, kids: list[_Person], head: _Person, spouse: _Person) -> None:
        father, mother = (head, spouse) if head.sex == _M else (spouse, head)
        for kid in kids:
            kid.father = father.name
            kid.mother = mother.name

    def parents_of(self, child: _Person, religion: str) -> list[_Person]:
        """A widowed parent (or both parents) of the head or of the spouse, living with them."""
        random_ = self.random
        relation = _PARENT if child.relation == _HEAD else _PARENT_IN_LAW
        mother_age = child.age + _triangular(random_(), 19.0, 25.0, 40.0)
        if mother_age > MAX_AGE:
            mother_age = MAX_AGE - random_() * 3
        ethnic = child.ethnic
        r = random_()
        if r < 0.25:
            father_age = mother_age + abs(self.rng.gauss(4.0, 3.0))
            father = self.person(relation, _M, father_age, _MARRIED, ethnic, religion)
            mother = self.person(relation, _F, mother_age, _MARRIED, ethnic, religion)
            child.father, child.mother = father.name, mother.name
            return [father, mother]
        if r < 0.79:
            mother = self.person(relation, _F, mother_age, _WIDOWED, ethnic, religion)
            child.mother = mother.name
            return [mother]
        father = self.person(relation, _M, mother_age + 3, _WIDOWED, ethnic, religion)
        child.father = father.name
        return [father]

    def three_generations(self, ethnic: str, religion: str) -> list[_Person]:
        """An older couple (or widow) with a married child, the in-law and grandchildren."""
        random_ = self.random
        head, spouse_or_none = self.couple(_triangular(random_(), 46.0, 60.0, 84.0), ethnic, religion)
        spouse: _Person | None = spouse_or_none
        if random_() < 0.25:
            spouse = None
            head.marital = _WIDOWED
        if spouse is None:
            mother_age = head.age if head.sex == _F else head.age - 4
        else:
            mother_age = (spouse if spouse.sex == _F else head).age
        members = [head] if spouse is None else [head, spouse]
        child_age = mother_age - _triangular(random_(), 19.0, 24.0, 37.0)
        if child_age < 18.5:
            child_age = 18.5 + random_() * 3
        child_sex = _F if random_() < 0.6 else _M
        child = self.person(_CHILD, child_sex, child_age, _MARRIED, ethnic, religion)
        if spouse is not None:
            self.link([child], head, spouse)
        elif head.sex == _M:
            child.father = head.name
        else:
            child.mother = head.name
        # Younger unmarried brothers and sisters may still live at home.
        younger: list[_Person] = []
        if random_() < 0.35:
            younger = [k for k in self.children(mother_age, ethnic, religion) if k.age < child_age - 1]
            if spouse is not None:
                self.link(younger, head, spouse)
        members.append(child)
        members.extend(younger)
        in_law: _Person | None = None
        if random_() < 0.82:
            gap = abs(self.rng.gauss(4.0, 3.0))
            in_law_age = child_age + gap if child_sex == _F else child_age - gap
            if in_law_age < 18.0:
                in_law_age = 18.0 + random_() * 3
            in_law_sex = _M if child_sex == _F else _F
            in_law = self.person(_CHILD_IN_LAW, in_law_sex, in_law_age, _MARRIED, self.spouse_ethnic(ethnic), religion)
            members.append(in_law)
        else:
            child.marital = _WIDOWED if random_() < 0.4 else _DIVORCED
        if child_sex == _F:
            grandchildren = self.children(child.age, ethnic, religion)
        else:
            grandchildren = self.children(in_law.age if in_law else child.age - 4, ethnic, religion)
        in_law_name = in_law.name if in_law else ""
        for g in grandchildren:
            g.relation = _GRANDCHILD
            if child_sex == _M:
                g.father, g.mother = child.name, in_law_name
            else:
                g.mother, g.father = child.name, in_law_name
        members.extend(grandchildren)
        return members
