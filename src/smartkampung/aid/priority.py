"""Who comes first for recovery programs: a transparent score. Each factor is a plain fact about the person
or their household (laid off, months affected, no aid yet, dependants, …); its points are `weight × value`,
and the weights are the regency's to set (PriorityWeight, changed by the agency and audited). Every person's
score is shown with the factors that made it, so a village can explain a ranking to anyone who asks."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartkampung.aid.models import AffectedResident, Impact, PriorityWeight, Recipient, Sector
from smartkampung.population.models import FamilyRelation, Resident, ResidentStatus, Sex


@dataclass(frozen=True)
class Facts:
    """What the factors read about one affected resident (gathered for a whole page at once)."""

    person: AffectedResident
    today: dt.date
    listed: bool
    dependants: int


@dataclass(frozen=True)
class Factor:
    code: str
    label: str
    unit: str | None  # None: a yes-or-no factor
    value: Callable[[Facts], float]
    default: Decimal


def _months(facts: Facts) -> float:
    since = facts.person.since
    months = (facts.today.year - since.year) * 12 + facts.today.month - since.month - (facts.today.day < since.day)
    return float(min(12, max(0, months)))


FACTORS = [
    Factor("laid_off", gettext_lazy("laid off"), None,
           lambda f: float(f.person.impact == Impact.LAID_OFF), Decimal(30)),
    Factor("no_income", gettext_lazy("no income now (sent home, business closed, informal work gone)"),
           None,
           lambda f: float(f.person.impact in (Impact.FURLOUGHED, Impact.BUSINESS_CLOSED, Impact.INCOME_LOST)),
           Decimal(20)),
    Factor("income_lost", gettext_lazy("income lost per month"), gettext_lazy("per Rp 1 million, at most 5"),
           lambda f: min(5.0, float(f.person.income_lost or 0) / 1_000_000), Decimal(5)),
    Factor("months", gettext_lazy("months affected"), gettext_lazy("per month, at most 12"), _months, Decimal(2)),
    Factor("no_aid", gettext_lazy("household on no current aid list"), None,
           lambda f: float(not f.listed), Decimal(25)),
    Factor("dependants", gettext_lazy("children and elderly in the household"),
           gettext_lazy("per person under 18 or 60 and over"), lambda f: float(f.dependants), Decimal(4)),
    Factor("tourism", gettext_lazy("works in tourism, food and drink (the regency's recovery sectors)"),
           None, lambda f: float(f.person.sector in (Sector.TOURISM, Sector.FOOD)), Decimal(10)),
    Factor("female_head", gettext_lazy("woman who heads her household"), None,
           lambda f: float(f.person.resident.sex == Sex.FEMALE
                           and f.person.resident.family_relation == FamilyRelation.HEAD), Decimal(10)),
]  # fmt: skip
FACTOR_CODES = [f.code for f in FACTORS]


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier (28 February for a 29 February that year lacks): born after it, one is
    younger than `years`."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def weights() -> dict[str, Decimal]:
    """The weights in force: the regency's where set, the defaults otherwise."""
    chosen = dict(PriorityWeight.objects.values_list("factor", "weight"))
    return {f.code: chosen.get(f.code, f.default) for f in FACTORS}


@dataclass
class Ranked:
    person: AffectedResident
    score: float
    reasons: list[tuple[str, str, str, float]]  # (factor code, factor in words, the value in words, points)
    rank: int = 0


def _value_words(factor: Factor, value: float, facts: Facts) -> str:
    if factor.unit is None:
        return _("yes")
    if factor.code == "income_lost":  # the amount itself reads better than "2.5 millions"
        return "Rp" + f"{int(facts.person.income_lost or 0):,}".replace(",", ".")
    return f"{value:g}"


def rank(people: list[AffectedResident], *, today: dt.date | None = None) -> list[Ranked]:
    """Score and order `people` (highest first; ties by the longest affected, then the name). Two queries for
    the facts of the whole lot, whatever its size."""
    today = today or timezone.localdate()
    households = sorted({p.household_id for p in people})
    young, old = _years_before(today, 18), _years_before(today, 60)
    listed: set[int] = set()
    dependants: dict[int, int] = {}
    # In chunks: SQLite takes at most 32,766 values in one IN (...).
    for start in range(0, len(households), 10_000):
        chunk = households[start : start + 10_000]
        listed.update(
            Recipient.objects.filter(household_id__in=chunk, source__current=True, withdrawn=False)
            .values_list("household_id", flat=True)
            .distinct()
        )
        dependants.update(
            Resident.objects.filter(household_id__in=chunk, status=ResidentStatus.LIVING)
            .filter(Q(birth_date__gt=young) | Q(birth_date__lte=old))
            .values("household_id")
            .annotate(n=Count("id"))
            .values_list("household_id", "n")
        )
    chosen = weights()
    ranked = []
    for person in people:
        facts = Facts(person, today, person.household_id in listed, dependants.get(person.household_id, 0))
        reasons, score = [], 0.0
        for factor in FACTORS:
            value = factor.value(facts)
            if not value or not chosen[factor.code]:
                continue
            points = round(float(chosen[factor.code]) * value, 1)
            score += points
            reasons.append((factor.code, str(factor.label), _value_words(factor, value, facts), points))
        ranked.append(Ranked(person, round(score, 1), reasons))
    ranked.sort(key=lambda r: (-r.score, r.person.since, r.person.resident.name))
    for number, item in enumerate(ranked, start=1):
        item.rank = number
    return ranked
