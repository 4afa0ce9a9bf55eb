"""Validation of NIK (Nomor Induk Kependudukan) and KK (Kartu Keluarga) numbers.

Pure: reads only the packaged Kemendagri code lists, never the database, so the console
command and the resident import can check numbers before any region is loaded.

A NIK is 16 digits: the 6-digit Kemendagri kecamatan code (province 2 + regency 2 +
kecamatan 2), the birth date as DDMMYY with DD + 40 for women, and a 4-digit serial.
A KK number has the kecamatan code of issue and a serial in the same places, but its
middle six digits are not a reliable date, so they are not checked.

Every problem is reported at once, so a clerk correcting a row sees all of them together.
The importer calls this once per row for ~1.7 million residents, hence the plain string
methods and the absence of per-call set-up on the path of a valid number.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.utils.translation import get_language, gettext

from smartkampung.regions.codes import code_lists

_JAKARTA = ZoneInfo("Asia/Jakarta")

__all__ = [
    "MESSAGES",
    "MESSAGES_ID",
    "LABELS_ID",
    "KkResult",
    "NikError",
    "NikResult",
    "nik_sex_and_birth_date",
    "parse_kk",
    "parse_nik",
]


def gettext_noop(message: str) -> str:
    # Django's own gettext_noop reads the settings, which would make this module
    # unimportable from a bare script; makemessages finds the msgids by this name alone.
    return message


NIK_LENGTH = 16
_FEMALE_OFFSET = 40

# English msgids, marked with gettext_noop so that makemessages extracts them although
# they are translated later, at the moment an error is actually built.
MESSAGES: dict[str, str] = {
    "length": gettext_noop("%(label)s must be exactly 16 digits, got %(count)d."),
    "not_digits": gettext_noop("%(label)s must contain only the digits 0-9; found %(chars)s."),
    "unknown_province": gettext_noop(
        "Unknown province code %(code)s, so the regency and kecamatan codes after it cannot exist either."
    ),
    "unknown_regency": gettext_noop(
        "Unknown regency code %(code)s in %(province)s, so the kecamatan code after it cannot exist either."
    ),
    "unknown_district": gettext_noop("Unknown kecamatan code %(code)s in %(regency)s."),
    "invalid_day": gettext_noop(
        "Impossible birth day %(day)s: it must be 01-31 for a man or 41-71 for a woman (day + 40)."
    ),
    "invalid_month": gettext_noop("Impossible birth month %(month)s: it must be 01-12."),
    "invalid_date": gettext_noop("The birth date %(date)s does not exist."),
    "future_date": gettext_noop("The birth date %(date)s is in the future."),
    "zero_serial": gettext_noop("The serial number (last 4 digits) of %(label)s must not be 0000."),
}

# Indonesian for the translator to copy into the .po file; also used directly while the
# catalogue lacks a message, so that the default language really is Indonesian.
MESSAGES_ID: dict[str, str] = {
    "length": "%(label)s harus tepat 16 digit, tertulis %(count)d.",
    "not_digits": "%(label)s hanya boleh berisi angka 0-9; ditemukan %(chars)s.",
    "unknown_province": (
        "Kode provinsi %(code)s tidak dikenal, sehingga kode kabupaten/kota dan kecamatan "
        "sesudahnya juga tidak mungkin ada."
    ),
    "unknown_regency": (
        "Kode kabupaten/kota %(code)s tidak dikenal di %(province)s, sehingga kode kecamatan "
        "sesudahnya juga tidak mungkin ada."
    ),
    "unknown_district": "Kode kecamatan %(code)s tidak dikenal di %(regency)s.",
    "invalid_day": (
        "Tanggal lahir %(day)s tidak mungkin: harus 01-31 untuk laki-laki atau 41-71 untuk perempuan (tanggal + 40)."
    ),
    "invalid_month": "Bulan lahir %(month)s tidak mungkin: harus 01-12.",
    "invalid_date": "Tanggal lahir %(date)s tidak ada.",
    "future_date": "Tanggal lahir %(date)s ada di masa depan.",
    "zero_serial": "Nomor urut (4 digit terakhir) %(label)s tidak boleh 0000.",
}

# The %(label)s of the messages above.
_LABEL_NIK = gettext_noop("NIK")
_LABEL_KK = gettext_noop("KK number")
LABELS_ID: dict[str, str] = {"NIK": "NIK", "KK number": "Nomor KK"}


@dataclass(frozen=True, slots=True)
class NikError:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class NikResult:
    nik: str
    valid: bool
    errors: list[NikError]
    province_code: str | None
    regency_code: str | None
    district_code: str | None
    province: str | None
    regency: str | None
    district: str | None
    birth_date: datetime.date | None
    sex: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "nik": self.nik,
            "valid": self.valid,
            "errors": [e.message for e in self.errors],
            "province_code": self.province_code,
            "regency_code": self.regency_code,
            "district_code": self.district_code,
            "province": self.province,
            "regency": self.regency,
            "district": self.district,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
        }


@dataclass(frozen=True, slots=True)
class KkResult:
    kk: str
    valid: bool
    errors: list[NikError]
    province_code: str | None
    regency_code: str | None
    district_code: str | None
    province: str | None
    regency: str | None
    district: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "kk": self.kk,
            "valid": self.valid,
            "errors": [e.message for e in self.errors],
            "province_code": self.province_code,
            "regency_code": self.regency_code,
            "district_code": self.district_code,
            "province": self.province,
            "regency": self.regency,
            "district": self.district,
        }


def _translate(msgid: str, fallback_id: str) -> str:
    # Without a configured Django (a bare script) there is no catalogue to ask: English.
    if not settings.configured or not apps.ready:
        return msgid
    text = gettext(msgid)
    if text == msgid and (get_language() or "").startswith("id"):
        return fallback_id
    return text


def _error(code: str, /, **params: Any) -> NikError:
    label = params.get("label")
    if label is not None:
        params["label"] = _translate(label, LABELS_ID[label])
    return NikError(code, _translate(MESSAGES[code], MESSAGES_ID[code]) % params)


def _is_digits(s: str) -> bool:
    # str.isdigit alone accepts "²" and Arabic-Indic digits; a NIK is ASCII only.
    return s.isdigit() and s.isascii()


def _check_shape(s: str, label: str, errors: list[NikError]) -> bool:
    """Length and character checks; returns whether s is all ASCII digits."""
    digits = _is_digits(s)
    if len(s) != NIK_LENGTH:
        errors.append(_error("length", label=label, count=len(s)))
    if s and not digits:
        bad = dict.fromkeys(c for c in s if not ("0" <= c <= "9"))
        errors.append(_error("not_digits", label=label, chars=", ".join(repr(c) for c in bad)))
    return digits


_Region = tuple[str | None, str | None, str | None, str | None, str | None, str | None]
_NO_REGION: _Region = (None, None, None, None, None, None)


@cache
def _known_districts() -> dict[str, _Region]:
    """Every kecamatan code with its whole region part, so a valid code costs one lookup."""
    lists = code_lists()
    known: dict[str, _Region] = {}
    for code, (_regency_code, name) in lists.districts.items():
        province = lists.provinces.get(code[:2])
        regency = lists.regencies.get(code[:4])
        # The NIK is positional: a row whose parents are not its leading digits (a data
        # error; none in the shipped lists) cannot be what a NIK means, so it counts as unknown.
        if province is not None and regency is not None and regency[0] == code[:2]:
            known[code] = (code[:2], code[:4], code, province, regency[1], name)
    return known


def _check_region(s: str, digits: bool, errors: list[NikError]) -> _Region:
    """Region part: (province_code, regency_code, district_code, province, regency, district).

    Only the most specific error is reported: once a level is unknown, the codes below it
    are necessarily unknown too, and listing them would only repeat the same mistake.
    A value too short or with non-digits is still checked as far as its leading digits go.
    """
    hit = _known_districts().get(s[:6])
    if hit is not None:
        return hit
    lists = code_lists()
    p = s[:2]
    if len(p) < 2 or not (digits or _is_digits(p)):
        return _NO_REGION
    province = lists.provinces.get(p)
    if province is None:
        errors.append(_error("unknown_province", code=p))
        return _NO_REGION
    r = s[:4]
    if len(r) < 4 or not (digits or _is_digits(r)):
        return p, None, None, province, None, None
    regency_row = lists.regencies.get(r)
    if regency_row is None:
        errors.append(_error("unknown_regency", code=r, province=province))
        return p, None, None, province, None, None
    d = s[:6]
    if len(d) < 6 or not (digits or _is_digits(d)):
        return p, r, None, province, regency_row[1], None
    errors.append(_error("unknown_district", code=d, regency=regency_row[1]))
    return p, r, None, province, regency_row[1], None


def _check_serial(s: str, label: str, digits: bool, errors: list[NikError]) -> None:
    # Only where the length is right: in a 15- or 17-digit value nobody knows which four
    # digits were meant as the serial.
    if digits and len(s) == NIK_LENGTH and s.endswith("0000"):
        errors.append(_error("zero_serial", label=label))


# (POSIX time of the next midnight in Jakarta, today's date there): asking the time zone
# on every call would cost more than the rest of a parse.
_today_cache: tuple[float, datetime.date] = (0.0, datetime.date.min)


def _today() -> datetime.date:
    global _today_cache
    now = time.time()
    until, today = _today_cache
    if now < until:
        return today
    today = datetime.datetime.fromtimestamp(now, _JAKARTA).date()
    midnight = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(), _JAKARTA)
    _today_cache = (midnight.timestamp(), today)
    return today


# "00".."99" -> int: a dict lookup is cheaper than int() on the hot path.
_TWO_DIGITS = {f"{i:02d}": i for i in range(100)}


def _birth(
    part: str, today: datetime.date | None, errors: list[NikError] | None
) -> tuple[str | None, datetime.date | None]:
    """(sex, birth date) from the six DDMMYY digits; appends to errors when given."""
    day = _TWO_DIGITS[part[0:2]]
    month = _TWO_DIGITS[part[2:4]]
    yy = _TWO_DIGITS[part[4:6]]
    if 1 <= day <= 31:
        sex: str | None = "male"
    elif 41 <= day <= 71:
        sex = "female"
        day -= _FEMALE_OFFSET
    else:
        sex = None
        if errors is not None:
            errors.append(_error("invalid_day", day=part[0:2]))
    if not 1 <= month <= 12:
        if errors is not None:
            errors.append(_error("invalid_month", month=part[2:4]))
        return sex, None
    if sex is None:
        return None, None
    if today is None:
        today = _today()
    # Two-digit year: the latest century that does not put the birth in the future. The
    # comparison is on numbers, so it is defined even for a date that does not exist
    # (29-02-00 before 29-02-2000 falls to 1900, where it does not exist).
    year = 2000 + yy
    if year > today.year or (year == today.year and (month, day) > (today.month, today.day)):
        year -= 100
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        if errors is not None:
            errors.append(_error("invalid_date", date=f"{day:02d}-{month:02d}-{year}"))
        return sex, None
    if born > today:
        # Only reachable with a `today` before 2000 (tests, historical checks): any
        # two-digit year otherwise fits in the past of one of the two centuries.
        if errors is not None:
            errors.append(_error("future_date", date=f"{day:02d}-{month:02d}-{year}"))
        return sex, None
    return sex, born


def parse_nik(value: str, *, today: datetime.date | None = None) -> NikResult:
    """Check a NIK and decode it; every problem found is listed in the result's errors.

    `today` (default: today in Asia/Jakarta) decides the century of the birth year.
    """
    nik = value.strip()
    errors: list[NikError] = []
    digits = _check_shape(nik, _LABEL_NIK, errors)
    region = _check_region(nik, digits, errors)
    sex: str | None = None
    born: datetime.date | None = None
    # The date is read only when everything before it is digits too: after a stray
    # character the positions have shifted and its "date" would be noise.
    if len(nik) >= 12 and (digits or _is_digits(nik[:12])):
        sex, born = _birth(nik[6:12], today, errors)
    _check_serial(nik, _LABEL_NIK, digits, errors)
    return NikResult(nik, not errors, errors, *region, born, sex)


def parse_kk(value: str) -> KkResult:
    """Check a KK (family card) number: length, digits, kecamatan of issue and serial."""
    kk = value.strip()
    errors: list[NikError] = []
    digits = _check_shape(kk, _LABEL_KK, errors)
    region = _check_region(kk, digits, errors)
    _check_serial(kk, _LABEL_KK, digits, errors)
    return KkResult(kk, not errors, errors, *region)


def nik_sex_and_birth_date(nik: str, *, today: datetime.date | None = None) -> tuple[str | None, datetime.date | None]:
    """(sex, birth date) of a NIK already known to be valid, without the other checks.

    Either is None when its digits are impossible; nothing is raised.
    """
    part = nik[6:12]
    if len(part) != 6 or not _is_digits(part):
        return None, None
    return _birth(part, today, None)
