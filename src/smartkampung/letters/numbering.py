"""Letter numbers: the pattern a village uses, and the next number of a year, given under a locked counter row so
two letters signed at the same moment never share a number and no number is skipped."""

import datetime as dt
import re
import string

from django.db.models import Q
from django.utils.translation import gettext as _

from smartkampung.letters.models import LetterType, NumberCounter, NumberingRule

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
# What a pattern may use, with an example of each (the editor shows them).
PLACEHOLDERS = {
    "classification": "400.12",
    "sequence": "7",
    "village_code": "3510151002",
    "district_code": "351015",
    "month": "12",
    "month_roman": "XII",
    "year": "2026",
    "type_code": "sktm",
}
_SEQUENCE_FORMAT = re.compile(r"^0[1-9]d?$|^d?$")


def pattern_problems(pattern: str, *, village_wide: bool = False) -> list[str]:
    """What is wrong with a numbering pattern, in words (empty when it is usable). Numbers must never repeat: the
    sequence restarts each year, so the year must be in the number; a village's one pattern for all its letters
    (`village_wide`) runs one sequence for them all."""
    problems: list[str] = []
    try:
        fields = list(string.Formatter().parse(pattern))
    except ValueError:
        return [_("The pattern has an unmatched { or }. Write placeholders as {sequence:03}.")]
    names = []
    for _text, name, spec, conversion in fields:
        if name is None:
            continue
        names.append(name)
        if name not in PLACEHOLDERS:
            problems.append(_("Unknown placeholder {%(name)s}.") % {"name": name})
        elif conversion is not None:
            problems.append(_("Write placeholders without “!”, e.g. {%(name)s}.") % {"name": name})
        elif name == "sequence" and spec and not _SEQUENCE_FORMAT.match(spec):
            problems.append(_("Write the sequence as {sequence} or with its width, e.g. {sequence:03}."))
        elif name != "sequence" and spec:
            problems.append(_("Only {sequence} takes a width."))
    if "sequence" not in names:
        problems.append(_("The pattern must contain {sequence}: without it two letters would share a number."))
    if "year" not in names:
        problems.append(_("The pattern must contain {year}: the sequence starts again each year."))
    if len(pattern) > 120:
        problems.append(_("The pattern is longer than 120 characters."))
    if not problems:
        try:
            pattern.format(**{key: value for key, value in PLACEHOLDERS.items() if key != "sequence"}, sequence=7)
        except (ValueError, KeyError, IndexError, AttributeError):
            problems.append(_("This pattern cannot make a number. Use only the placeholders listed."))
    return problems


def format_number(pattern: str, *, letter_type: LetterType, village_code: str, sequence: int, day: dt.date) -> str:
    return pattern.format(
        classification=letter_type.classification_code,
        sequence=sequence,
        village_code=village_code,
        district_code=village_code[:6],
        month=f"{day.month:02}",
        month_roman=ROMAN_MONTHS[day.month - 1],
        year=day.year,
        type_code=letter_type.code,
    )


def pattern_for(*, letter_type: LetterType, village_code: str) -> tuple[str, bool]:
    """The pattern the village numbers this type with, and whether it is the village's one pattern for all its
    letters (then one sequence runs for them all): its own pattern for the type, else its pattern for every
    type, else the type's."""
    rules = dict(
        NumberingRule.objects.filter(village_id=village_code)
        .filter(Q(letter_type=letter_type) | Q(letter_type__isnull=True))
        .values_list("letter_type_id", "pattern")
    )
    if letter_type.pk in rules:
        return rules[letter_type.pk], False
    if None in rules:
        return rules[None], True
    return letter_type.number_pattern, False


def take_number(*, letter_type: LetterType, village_code: str, day: dt.date) -> tuple[int, str]:
    """The next sequence of the village's letters of this type (or of all its letters, under a village-wide
    pattern) in `day`'s year, and the number it makes. Call it inside the transaction that marks the letter
    signed: the counter row stays locked until that transaction ends, and a rollback gives the number back (so
    there are no gaps)."""
    pattern, shared = pattern_for(letter_type=letter_type, village_code=village_code)
    counted = None if shared else letter_type
    NumberCounter.objects.get_or_create(village_id=village_code, letter_type=counted, year=day.year)
    counter = NumberCounter.objects.select_for_update().get(village_id=village_code, letter_type=counted, year=day.year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, format_number(
        pattern, letter_type=letter_type, village_code=village_code, sequence=counter.last, day=day
    )
