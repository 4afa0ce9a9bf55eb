"""Settling the NIK read off a KTP against what the card prints elsewhere.

A NIK is the kecamatan code, the birth date as DDMMYY (day + 40 for women) and a serial. The card prints the
birth date, the sex and the kecamatan in words too, so one misread digit shows as a disagreement, and the side
that makes sense settles it. A NIK is accepted only when its structure holds (regions/nik.py); when it cannot be
settled the reading has no NIK and a check gives the digits read, so an officer types it: the form is never
filled with a wrong NIK silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from smartkampung.ktp.normalise import Printed, digits, hamming, spaces
from smartkampung.ktp.reading import check
from smartkampung.regions.codes import code_lists
from smartkampung.regions.nik import NIK_LENGTH, NikResult, parse_nik

__all__ = ["UNSURE", "NikSettlement", "nik_digits", "settle_nik"]

_NIK_LABEL = re.compile(r"^\s*N\s*[I1l|]\s*K\b\s*[:;.]?", re.IGNORECASE)

# How sure a NIK is after each way of settling it (the OCR's own confidence counts where it is higher).
# The desk highlights what is below 0.85 (checkpoints' ktp-scan.js): whenever the card disagrees with itself,
# whichever side is believed, the NIK stays below it, so the officer compares it with the card: one digit
# believed wrongly is someone else's NIK.
_CROSS_CHECKED = 0.97  # structure, printed date and sex all agree, and the OCR was sure of the line
_SURE_OCR = 0.95  # the serial (last 4 digits) is printed nowhere else: below this OCR score it is not trusted
_UNSURE = 0.8  # the OCR was unsure of a line nothing else checks whole, or the card's kecamatan does not confirm
_STRUCTURE_ONLY = 0.75  # structure holds, nothing printed to confirm the date: the officer confirms it
_DATE_WON = 0.8  # structure holds and the printed date lost a one-digit disagreement (it may have been right)
_OVER_IMPOSSIBLE = 0.9  # ... the printed date lost it by not existing at all, and the OCR was sure of the NIK
_CORRECTED = 0.8  # one digit corrected by the printed date
_CORRECTED_TWICE = 0.7  # two digits corrected, or one by the printed kecamatan
_DOUBTFUL = 0.5  # kept, but something printed disagrees: the officer must look


UNSURE = _UNSURE


@dataclass
class NikSettlement:
    """The accepted NIK (or None), how sure it is, and what was said about it."""

    value: str | None = None
    parsed: NikResult | None = None
    confidence: float = 0.0
    ocr: float = 0.0  # the OCR's own confidence in the NIK's line
    checks: list[dict[str, Any]] = field(default_factory=list)
    # The NIK's date digits and the printed date disagree beyond one digit: neither settles the other.
    conflict: bool = False


def nik_digits(text: str) -> tuple[str, set[int]]:
    """The digits of a NIK as read (its label dropped, lookalike letters read as digits), and which were letters."""
    return digits(_NIK_LABEL.sub("", text))


def _closest_part(nik: str, printed: Printed, printed_sex: str | None) -> tuple[str, int]:
    """The NIK date digits the printed date (and sex) mean, closest to the NIK's, and how many digits differ."""
    sexes = (printed_sex,) if printed_sex else ("male", "female")
    part = min((printed.nik_part(sex) for sex in sexes), key=lambda p: hamming(nik[6:12], p))
    return part, hamming(nik[6:12], part)


_DATE_ERRORS = frozenset({"invalid_day", "invalid_month", "invalid_date", "future_date"})


def _only_region_errors(parsed: NikResult) -> bool:
    return bool(parsed.errors) and all(e.code.startswith("unknown_") for e in parsed.errors)


def _region_fixes(nik: str, evidence: set[str]) -> list[str]:
    """NIKs one digit away in the kecamatan code that name a kecamatan the card's address supports."""
    known = code_lists().districts
    found = []
    for position in range(6):
        for digit in "0123456789":
            code = nik[:position] + digit + nik[position + 1 : 6]
            if digit != nik[position] and code in known and code in evidence:
                found.append(code + nik[6:])
    return found


def _positions(before: str, after: str) -> str:
    return ", ".join(str(i + 1) for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b)


def _corrected(before: str, after: str, by: str) -> dict[str, Any]:
    return check(
        "nik_corrected",
        "nik",
        True,
        _("The NIK was read as %(before)s; digit %(positions)s corrected by %(by)s to %(after)s. Confirm it.")
        % {"before": before, "positions": _positions(before, after), "by": by, "after": after},
    )


def _length_repair(run: str, printed: Printed | None, printed_sex: str | None) -> str | None:
    """A 15- or 17-digit reading made whole, when exactly one repair gives a NIK the printed date confirms."""
    if printed is None or printed.date is None or len(run) not in (NIK_LENGTH - 1, NIK_LENGTH + 1):
        return None
    repairs = set()
    for i in range(len(run) + 1):
        if len(run) < NIK_LENGTH:
            options = [run[:i] + d + run[i:] for d in "0123456789"]
        else:
            options = [run[:i] + run[i + 1 :]] if i < len(run) else []
        for option in options:
            if _closest_part(option, printed, printed_sex)[1] == 0 and parse_nik(option).valid:
                repairs.add(option)
    # A digit lost in the serial has ten equally good repairs: only a unique one is taken.
    return repairs.pop() if len(repairs) == 1 else None


def settle_nik(
    raw: tuple[str, float] | None,
    *,
    printed: Printed | None,
    printed_sex: str | None,
    sex_confidence: float,
    evidence: set[str],
    printed_district: str | None,
) -> NikSettlement:
    """Accept, correct or refuse the NIK read.

    `printed`: the printed birth date; `printed_sex`: the sex word's code; `evidence`: kecamatan codes the
    card's address supports (for an unknown kecamatan code); `printed_district`: the printed kecamatan's code
    when it matched clearly.
    """
    out = NikSettlement()
    if raw is None:
        out.checks.append(check("nik_missing", "nik", False, _("The NIK could not be read: type it from the card.")))
        return out
    text, ocr = raw
    out.ocr = ocr
    run, suspect = nik_digits(text)
    nik = run
    if len(run) != NIK_LENGTH:
        nik = _length_repair(run, printed, printed_sex) or ""
        suspect = set()
        if not nik:
            out.checks.append(
                check(
                    "nik_unsettled",
                    "nik",
                    False,
                    _("The NIK read (%(digits)s) is not 16 digits: check it against the card and type it.")
                    % {"digits": run or spaces(text)},
                )
            )
            return out
        out.checks.append(
            check(
                "nik_length_repaired",
                "nik",
                True,
                _("The NIK was read with %(count)d digits (%(digits)s); the printed birth date settles it. Confirm it.")
                % {"count": len(run), "digits": run},
            )
        )
        out.confidence = _CORRECTED_TWICE
    parsed = parse_nik(nik)
    date_won = over_impossible = False

    # 1. The date digits against the printed date and sex.
    if printed is not None and printed.date is not None:
        part, distance = _closest_part(nik, printed, printed_sex)
        fixed = nik[:6] + part + nik[12:]
        fixed_parsed = parse_nik(fixed)
        fixable = distance > 0 and (fixed_parsed.valid or _only_region_errors(fixed_parsed))
        # The NIK's own date digits make a real date (whatever else is wrong): both sides make sense.
        sound = not any(e.code in _DATE_ERRORS for e in parsed.errors)
        if distance == 1 and sound and fixable:
            # They differ in one digit: the side that read it off a letter, or with the clearly lower OCR
            # confidence, misread it; the NIK (printed larger) wins a tie.
            position = next(i for i in range(6) if nik[6 + i] != part[i])
            nik_side = ocr * (0.5 if 6 + position in suspect else 1.0)
            printed_position = position if position < 4 else position + 2
            printed_side = printed.confidence * (0.5 if printed_position in printed.suspect else 1.0)
            if position == 0 and printed_sex:
                printed_side = min(printed_side, sex_confidence)
            if printed_side > nik_side + 0.05:
                out.checks.append(_corrected(nik, fixed, _("the printed birth date and sex")))
                nik, parsed, out.confidence = fixed, fixed_parsed, _CORRECTED
            else:
                date_won = True
        elif distance and sound:
            out.conflict = True
        elif distance and fixable and distance <= 2:
            # The NIK's date digits are impossible and the printed date is one or two digits from them.
            out.checks.append(_corrected(nik, fixed, _("the printed birth date and sex")))
            nik, parsed = fixed, fixed_parsed
            out.confidence = min(out.confidence or 1.0, _CORRECTED if distance == 1 else _CORRECTED_TWICE)
    elif printed is not None and parsed.valid:
        # A printed date that does not exist (a misread day or month): still, if all but one of its digits are the
        # NIK's, it confirms the NIK, which then settles it (the printed side is surely the misread one).
        over_impossible = date_won = _closest_part(nik, printed, printed_sex)[1] <= 1

    # 2. An unknown kecamatan code one digit away from a kecamatan the card's address names.
    if not parsed.valid and _only_region_errors(parsed):
        fixes = _region_fixes(nik, evidence)
        if len(fixes) == 1 and parse_nik(fixes[0]).valid:
            out.checks.append(_corrected(nik, fixes[0], _("the printed kecamatan")))
            nik, parsed = fixes[0], parse_nik(fixes[0])
            out.confidence = min(out.confidence or 1.0, _CORRECTED_TWICE)

    if not parsed.valid:
        out.checks.append(
            check(
                "nik_invalid",
                "nik",
                False,
                _("The NIK read (%(digits)s) cannot be right: %(reasons)s Check it against the card and type it.")
                % {"digits": run, "reasons": " ".join(e.message for e in parsed.errors)},
            )
        )
        return out

    out.value, out.parsed = nik, parsed
    if out.conflict:
        out.confidence = _DOUBTFUL
        out.checks.append(
            check(
                "nik_date_differs",
                "nik",
                False,
                _("The NIK's birth date digits and the printed birth date disagree: check both against the card."),
            )
        )
    elif out.confidence:
        pass  # corrected: said where it was corrected
    elif (printed is None or printed.date is None) and not date_won:
        out.confidence = max(min(ocr, _STRUCTURE_ONLY), _DOUBTFUL)
        out.checks.append(
            check(
                "nik_valid",
                "nik",
                True,
                _("The NIK's structure holds; the printed birth date could not be read to confirm it."),
            )
        )
    elif date_won and over_impossible and ocr >= _SURE_OCR:
        out.confidence = _OVER_IMPOSSIBLE
        out.checks.append(check("nik_valid", "nik", True, _("The NIK's structure holds.")))
    elif date_won:
        out.confidence = _DATE_WON if ocr >= _DOUBTFUL else _DATE_WON - 0.1
        out.checks.append(check("nik_valid", "nik", True, _("The NIK's structure holds.")))
    else:
        out.confidence = max(ocr, _CROSS_CHECKED) if ocr >= _SURE_OCR else min(ocr, _UNSURE)
        out.checks.append(
            check(
                "nik_valid", "nik", True, _("The NIK's structure holds and agrees with the printed birth date and sex.")
            )
        )
    _check_district(out, printed_district, suspect)
    return out


def district_near(nik_district: str, printed_district: str) -> dict[str, Any]:
    """The check saying that the NIK's kecamatan code is one digit away from the printed kecamatan's, and which."""
    position = next(i for i in range(6) if nik_district[i] != printed_district[i])
    return check(
        "nik_district_near",
        "nik",
        False,
        _(
            "The NIK's kecamatan code is one digit away from the printed kecamatan's: check digit %(position)d "
            "against the card (after a move the NIK keeps the old kecamatan, which is fine)."
        )
        % {"position": position + 1},
    )


def _check_district(out: NikSettlement, printed_district: str | None, suspect: set[int]) -> None:
    """A NIK whose kecamatan code is one digit away from the printed kecamatan: a misread, or a move.

    The NIK keeps the kecamatan where it was issued when its holder moves, so a different kecamatan is normal;
    one digit away is suspicious. Corrected only when that digit was read off a letter, else only said.
    """
    nik = out.value
    if nik is None or printed_district is None or hamming(nik[:6], printed_district) != 1:
        return
    position = next(i for i in range(6) if nik[i] != printed_district[i])
    if position in suspect and parse_nik(printed_district + nik[6:]).valid:
        fixed = printed_district + nik[6:]
        out.checks.append(_corrected(nik, fixed, _("the printed kecamatan")))
        out.value, out.parsed = fixed, parse_nik(fixed)
        out.confidence = min(out.confidence, _CORRECTED_TWICE)
        return
    out.confidence = min(out.confidence, 0.6)
    out.checks.append(district_near(nik[:6], printed_district))
