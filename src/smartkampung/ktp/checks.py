"""Settling what the OCR read off a KTP into a reading that is correct, not just read.

The card repeats itself, and the repetitions check each other: the NIK carries the kecamatan code, the birth
date (DDMMYY) and the sex (day + 40 for women), which the card also prints in words (ktp/nikcheck.py). Region
names are matched against the official names, narrowed to the NIK's (or the printed) kecamatan; religion,
marital status, occupation and nationality against the words a card prints (ktp/vocab.py). What was settled,
corrected or doubted is said in the reading's checks, in words.

Pure: reads the packaged code lists (regions/codes.py), never the database.
"""

from __future__ import annotations

import re
import string
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from smartkampung.ktp import normalise as norm
from smartkampung.ktp.nikcheck import UNSURE, NikSettlement, district_near, nik_digits, settle_nik
from smartkampung.ktp.normalise import Printed
from smartkampung.ktp.reading import Reading, check
from smartkampung.ktp.vocab import FIELDS, MARITAL_STATUSES, NATIONALITIES, OCCUPATIONS, RELIGIONS, SEXES
from smartkampung.regions.codes import code_lists, village_rows

__all__ = ["Raw", "compare_with_register", "settle"]

Raw = dict[str, tuple[str, float]]

# Below these scores (RapidFuzz 0..100 on the compared keys) a fuzzy match is not trusted.
_REGION_MIN = 80.0  # a region name among a kecamatan's or a regency's
_REGION_WIDE = 90.0  # a village among a whole regency's, when the kecamatan is unknown
_WORD_MIN = 75.0  # a vocabulary word
_NAME_CLOSE = 95.0  # a register name that differs only by an OCR slip


def _raw(raw: Raw, name: str) -> tuple[str, float] | None:
    """(text, confidence clamped to 0..1) of a field, or None when it was not read."""
    value = raw.get(name)
    if isinstance(value, str):  # text without a confidence: read, but not vouched for
        value = (value, 0.5)
    if not value or not str(value[0] or "").strip():
        return None
    try:
        confidence = max(0.0, min(1.0, float(value[1])))
    except (TypeError, ValueError, IndexError):
        confidence = 0.5
    return str(value[0]), confidence


# --- regions -------------------------------------------------------------------------------------------------

_REGION_PREFIXES = ("KABUPATEN ", "KAB. ", "KAB ", "KOTA ", "KECAMATAN ", "KEC. ", "KEC ", "DESA ", "KELURAHAN ")


def _region_key(name: str) -> str:
    value = norm.words(name)
    for prefix in _REGION_PREFIXES:
        value = value.removeprefix(prefix)
    return re.sub(r"[^A-Z0-9]", "", value)


@cache
def _districts_of(regency_code: str) -> dict[str, str]:
    """{kecamatan code: comparable key} of a regency."""
    lists = code_lists()
    return {code: _region_key(name) for code, (regency, name) in lists.districts.items() if regency == regency_code}


@cache
def _villages_of(regency_code: str) -> dict[str, tuple[str, str, str]]:
    """{village code: (kecamatan code, official name, comparable key)} of a regency, as the package ships them."""
    return {row.code: (row.district_code, row.name, _region_key(row.name)) for row in village_rows(regency_code)}


@cache
def _regency_keys() -> dict[str, str]:
    return {code: _region_key(name) for code, (_province, name) in code_lists().regencies.items()}


def _regency_of_text(text: str | None) -> str | None:
    """The regency the card's header prints ("KABUPATEN BANYUWANGI"), when it matches one clearly."""
    hit = norm.best(_region_key(text), _regency_keys(), _REGION_WIDE) if text else None
    return hit[0] if hit else None


def _match_district(text: str | None, regency_code: str, prefer: str | None) -> tuple[str, float] | None:
    """(kecamatan code, score) of the printed kecamatan among a regency's; the NIK's own wins a near-tie."""
    choices = _districts_of(regency_code)
    hit = norm.best(_region_key(text), choices, _REGION_MIN) if text else None
    if hit is None or text is None:
        return None
    if prefer and prefer != hit[0] and prefer in choices:
        own = fuzz.ratio(_region_key(text), choices[prefer])
        if own >= hit[1] - 3:
            return prefer, float(own)
    return hit


def _match_village(text: str | None, regency_code: str, district_code: str | None) -> tuple[str, float] | None:
    """(village code, score) of the printed village, among the kecamatan's villages when it is known."""
    if not text:
        return None
    choices = {
        code: key
        for code, (district, _name, key) in _villages_of(regency_code).items()
        if district_code in (None, district)
    }
    return norm.best(_region_key(text), choices, _REGION_MIN if district_code else _REGION_WIDE)


def _district_name(code: str) -> str:
    return code_lists().districts[code][1]


def _address_evidence(raw: Raw, regencies: list[str]) -> tuple[set[str], str | None]:
    """Kecamatan codes the printed address supports, and the printed kecamatan's code when it reads clearly."""
    district_raw, village_raw = _raw(raw, "district"), _raw(raw, "village")
    evidence: set[str] = set()
    clear: str | None = None
    for regency_code in regencies:
        district = _match_district(district_raw[0] if district_raw else None, regency_code, None)
        if district is not None:
            evidence.add(district[0])
            village = _match_village(village_raw[0] if village_raw else None, regency_code, district[0])
            if clear is None and district[1] >= _REGION_WIDE and (village_raw is None or village is not None):
                clear = district[0]
        elif village_raw is not None:
            village = _match_village(village_raw[0], regency_code, None)
            if village is not None:
                evidence.add(_villages_of(regency_code)[village[0]][0])
    return evidence, clear


def _settle_regions(reading: Reading, raw: Raw, regency_code: str, nik_district: str | None) -> None:
    """The official kecamatan and village names (and codes), or the text read when none matches."""
    fields, confidence = reading.fields, reading.confidence
    district_raw, village_raw = _raw(raw, "district"), _raw(raw, "village")
    district = _match_district(district_raw[0] if district_raw else None, regency_code, nik_district)
    village = _match_village(village_raw[0] if village_raw else None, regency_code, district[0] if district else None)
    if district is None and village is not None:
        # The kecamatan was not readable but the village is unambiguous in the regency: it names its kecamatan.
        district = (_villages_of(regency_code)[village[0]][0], min(village[1], _REGION_WIDE))
    if district is not None:
        fields["district"], reading.district_code = _district_name(district[0]), district[0]
        confidence["district"] = district[1] / 100
    elif district_raw is not None:
        fields["district"], confidence["district"] = norm.words(district_raw[0]) or None, district_raw[1] * 0.5
        reading.add_check(
            "district_unmatched", "district", False, _("The kecamatan read matches no official kecamatan: check it.")
        )
    if village is not None:
        fields["village"], reading.village_code = _villages_of(regency_code)[village[0]][1], village[0]
        confidence["village"] = village[1] / 100
    elif village_raw is not None:
        # Where the package ships no villages for the regency there is nothing to match: unverified, not wrong.
        known = bool(_villages_of(regency_code))
        # Written as the official names are ("Genteng Wetan", not as printed in capitals), whichever way it came.
        fields["village"] = string.capwords(norm.person_name(village_raw[0])) or None
        confidence["village"] = village_raw[1] * (0.5 if known else 0.8)
        if known:
            reading.add_check(
                "village_unmatched", "village", False, _("The village read matches no official village: check it.")
            )
    if nik_district and reading.district_code and reading.district_code != nik_district:
        # Normal after a move (the NIK keeps the kecamatan where it was issued), so only said.
        reading.add_check(
            "district_differs_from_nik",
            "district",
            True,
            _("The NIK was issued in kecamatan %(issued)s; the card's address is in %(address)s (normal after a move).")
            % {"issued": _district_name(nik_district), "address": _district_name(reading.district_code)},
        )


def _confirm_region(reading: Reading, nik_district: str | None) -> None:
    """The NIK's kecamatan digits are confirmed only by the card's printed kecamatan; otherwise only their
    existence vouches for them, and one misread digit there is often another kecamatan that exists. So: one digit
    away from the printed kecamatan is said (a misread or, rarely, a move next door), and an unconfirmed NIK
    stays below what the desk highlights."""
    if reading.nik is None or nik_district is None or reading.district_code == nik_district:
        return
    reading.confidence["nik"] = min(reading.confidence["nik"], UNSURE)
    near = reading.district_code and norm.hamming(nik_district, reading.district_code) == 1
    if near and not any(c["code"] == "nik_district_near" for c in reading.checks):
        reading.confidence["nik"] = min(reading.confidence["nik"], 0.6)
        reading.checks.append(district_near(nik_district, reading.district_code))


# --- vocabularies --------------------------------------------------------------------------------------------


@cache
def _vocabulary(name: str) -> dict[str, str]:
    """{comparable key of a printed word: the value the reading answers} of a field's vocabulary."""
    coded: dict[str, tuple[str, ...]] | None = {
        "religion": RELIGIONS,
        "marital_status": MARITAL_STATUSES,
        "sex": SEXES,
    }.get(name)
    if coded is None:
        coded = {word: (word,) for word in (OCCUPATIONS if name == "occupation" else NATIONALITIES)}
    return {norm.key(word): str(code) for code, printed in coded.items() for word in printed}


def _match_word(name: str, text: str) -> tuple[str, float] | None:
    """(value, score 0..1) of a word read against its field's vocabulary."""
    vocabulary = _vocabulary(name)
    key = norm.key(text)
    hit = norm.best(key, {k: k for k in vocabulary}, _WORD_MIN)
    if hit is None and name == "nationality" and "INDONESIA" in key:
        return "WNI", 0.9
    return (vocabulary[hit[0]], hit[1] / 100) if hit else None


def _field_label(name: str) -> str:
    labels = {
        "religion": _("religion"),
        "marital_status": _("marital status"),
        "occupation": _("occupation"),
        "nationality": _("nationality"),
    }
    return labels.get(name, name)


def _settle_words(reading: Reading, raw: Raw) -> None:
    for name in ("religion", "marital_status", "occupation", "nationality"):
        got = _raw(raw, name)
        if got is None:
            continue
        hit = _match_word(name, got[0])
        if hit is not None:
            # A word matched takes the match's score: an exact word is right however unsure the OCR was.
            reading.fields[name], reading.confidence[name] = hit
        elif name == "occupation" and norm.words(got[0]):
            # Older cards print occupations outside today's list: keep what was read, flagged.
            reading.fields[name], reading.confidence[name] = norm.words(got[0]), got[1] * 0.5
            reading.add_check(
                "occupation_unlisted", name, False, _("The occupation read is not one of the official words: check it.")
            )
        else:
            reading.add_check(
                f"{name}_unmatched",
                name,
                False,
                _("The %(field)s read (%(text)s) matches no word a card prints: choose it by hand.")
                % {"field": _field_label(name), "text": norm.words(got[0])},
            )


# --- birth date and sex --------------------------------------------------------------------------------------


def _printed_birth(reading: Reading, raw: Raw) -> Printed | None:
    """The printed birth date (and, on the way, the birth place), from one line or two."""
    place = _raw(raw, "birth_place")
    printed: Printed | None = None
    birth = _raw(raw, "birth")
    if birth is not None:
        place_text, printed = norm.split_birth(birth[0], birth[1])
        if place is None and place_text:
            place = (place_text, birth[1])
    date_raw = _raw(raw, "birth_date")
    if date_raw is not None and (printed is None or printed.date is None):
        # The whole line is preferred (it keeps which digits were read off letters); the date alone serves when
        # the line gave none.
        _place, own = norm.split_birth(date_raw[0], date_raw[1])
        printed = own or printed
    if place is not None:
        value = norm.person_name(place[0])
        reading.fields["birth_place"], reading.confidence["birth_place"] = (value, place[1]) if value else (None, 0.0)
    return printed


def _settle_birth_and_sex(
    reading: Reading, nik: NikSettlement, printed: Printed | None, printed_sex: str | None, sex_score: float
) -> None:
    """The birth date and sex: the NIK's when it was accepted (they agree, or the NIK won), else as printed."""
    fields, confidence = reading.fields, reading.confidence
    if nik.parsed is not None and not nik.conflict:
        nik_date, nik_sex = nik.parsed.birth_date, nik.parsed.sex
        fields["birth_date"] = nik_date.isoformat() if nik_date else None
        fields["sex"] = nik_sex
        if printed is None:
            confidence["birth_date"] = min(nik.confidence, 0.8)
            reading.add_check(
                "birth_date_from_nik",
                "birth_date",
                True,
                _("The birth date could not be read on the card; it is taken from the NIK."),
            )
        elif printed.date != nik_date and nik_date is not None:
            confidence["birth_date"] = min(nik.confidence, 0.85)
            reading.add_check(
                "birth_date_corrected",
                "birth_date",
                True,
                _("The printed birth date was read as %(read)s; the NIK's digits settle it as %(date)s.")
                % {"read": printed.text(), "date": nik_date.strftime("%d-%m-%Y")},
            )
        else:
            confidence["birth_date"] = max(nik.confidence, printed.confidence)
        if printed_sex is None:
            confidence["sex"] = min(nik.confidence, 0.85)
        elif printed_sex != nik_sex:
            confidence["sex"] = min(nik.confidence, 0.8)
            reading.add_check(
                "sex_corrected",
                "sex",
                True,
                _("The sex read on the card disagrees with the NIK (day + 40 for women); the NIK settles it."),
            )
        else:
            confidence["sex"] = max(nik.confidence, sex_score)
        return
    if nik.parsed is not None and (printed is None or printed.date is None or nik.ocr > printed.confidence):
        # The NIK and the printed date disagree beyond a digit: the one read more surely gives the date, in doubt.
        nik_date = nik.parsed.birth_date
        fields["birth_date"] = nik_date.isoformat() if nik_date else None
        fields["sex"] = nik.parsed.sex
        confidence["birth_date"] = confidence["sex"] = 0.5
        return
    # No NIK to settle them, or one that disagrees and was read less surely: as printed, less sure.
    doubt = 0.5 if nik.conflict else 0.8
    if printed is not None and printed.date is not None:
        fields["birth_date"], confidence["birth_date"] = printed.date.isoformat(), printed.confidence * doubt
    elif printed is not None:
        reading.add_check(
            "birth_date_invalid",
            "birth_date",
            False,
            _("The birth date read (%(read)s) does not exist: type it from the card.") % {"read": printed.text()},
        )
    if printed_sex is not None:
        fields["sex"], confidence["sex"] = printed_sex, sex_score * doubt


# --- settle --------------------------------------------------------------------------------------------------


def settle(raw: Raw) -> Reading:
    """The reading of a card from what the OCR read: {field: (text without its label, confidence 0..1)}.

    Keys are among vocab.FIELDS plus "province", "regency", and "birth" (place and date on one line, as printed).
    Missing keys are fields not read; they answer None with confidence 0.
    """
    reading = Reading()
    fields, confidence = reading.fields, reading.confidence
    for name, clean in (("name", norm.person_name), ("address", norm.address), ("rt_rw", norm.rt_rw)):
        got = _raw(raw, name)
        value = clean(got[0]) if got else None
        fields[name], confidence[name] = (value, got[1]) if got and value else (None, 0.0)
    printed = _printed_birth(reading, raw)

    printed_sex, sex_score = None, 0.0
    sex_raw = _raw(raw, "sex")
    hit = _match_word("sex", re.split(r"GOL", sex_raw[0], flags=re.IGNORECASE)[0]) if sex_raw else None
    if sex_raw and hit:
        printed_sex, sex_score = hit[0], hit[1] * max(sex_raw[1], 0.5)

    # The printed address as evidence for the NIK's kecamatan digits, in the regency the card prints (or the
    # NIK's, or the served one).
    nik_raw = _raw(raw, "nik")
    printed_regency = _regency_of_text((_raw(raw, "regency") or ("", 0.0))[0])
    regencies = [printed_regency] if printed_regency else [settings.SMARTKAMPUNG_REGENCY]
    nik_regency = nik_digits(nik_raw[0])[0][:4] if nik_raw else ""
    if not printed_regency and nik_regency in code_lists().regencies and nik_regency not in regencies:
        regencies.append(nik_regency)
    evidence, printed_district = _address_evidence(raw, regencies)
    if not evidence and printed_regency:
        # Weaker, but printed large in the header: any kecamatan of the card's regency (a fix must be unique).
        evidence = set(_districts_of(printed_regency))

    nik = settle_nik(
        nik_raw,
        printed=printed,
        printed_sex=printed_sex,
        sex_confidence=sex_score,
        evidence=evidence,
        printed_district=printed_district,
    )
    reading.checks.extend(nik.checks)
    fields["nik"], confidence["nik"] = nik.value, nik.confidence
    _settle_birth_and_sex(reading, nik, printed, printed_sex, sex_score)

    nik_district = nik.parsed.district_code if nik.parsed else None
    regency_code = printed_regency or (nik_district[:4] if nik_district else settings.SMARTKAMPUNG_REGENCY)
    _settle_regions(reading, raw, regency_code, nik_district)
    _confirm_region(reading, nik_district)
    _settle_words(reading, raw)
    for name in FIELDS:
        confidence[name] = round(confidence[name], 3)
    return reading


# --- the register --------------------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    """A name as compared with the register: letters only, so "H. AHMAD" and "H AHMAD" agree."""
    return re.sub(r"[^A-Z]", "", norm.person_name(name))


def compare_with_register(reading: Reading, resident: Any) -> list[dict[str, Any]]:
    """Whether the card's name and birth date agree with the register's record of the card's NIK.

    The texts never carry the register's values: whoever scans a card learns only that they agree or differ.
    """
    out: list[dict[str, Any]] = []
    name = reading.fields.get("name")
    registered_name = getattr(resident, "name", "") or ""
    if name and registered_name:
        card, register = _name_key(name), _name_key(registered_name)
        if card == register:
            out.append(check("register_name", "name", True, _("The name on the card agrees with the register.")))
        elif fuzz.ratio(card, register) >= _NAME_CLOSE:
            out.append(
                check(
                    "register_name",
                    "name",
                    True,
                    _("The name on the card agrees with the register but for a letter (likely a misread): check it."),
                )
            )
        else:
            out.append(check("register_name", "name", False, _("The name on the card differs from the register.")))
    birth_date = reading.fields.get("birth_date")
    registered_date = getattr(resident, "birth_date", None)
    if birth_date and registered_date is not None:
        same = birth_date == str(getattr(registered_date, "isoformat", lambda: registered_date)())
        text = (
            _("The birth date on the card agrees with the register.")
            if same
            else _("The birth date on the card differs from the register.")
        )
        out.append(check("register_birth_date", "birth_date", same, text))
    return out
