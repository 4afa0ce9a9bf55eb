"""One check for a resident record, whichever door it comes through (import row, API, form).

Values arrive as text (a SIAK export, a form) or already typed (the API); the result is
the record in our vocabulary, every error in words, and the NIK mismatch flag.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from smartkampung.population import siak
from smartkampung.population.normalize import PhoneError, name_search_key, normalize_phone
from smartkampung.regions.nik import parse_kk, parse_nik

RESIDENT_FIELDS = (
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "religion",
    "marital_status",
    "family_relation",
    "education",
    "occupation",
    "mother_name",
    "father_name",
    "phone",
    "status",
    "lost_job",
    "informal_income_loss",
    "tourism_worker",
)
HOUSEHOLD_FIELDS = ("address", "rt", "rw", "postal_code")
# What the register stores of a resident besides NIK, household and village: the fields
# above plus the two a check derives (the search key and the NIK mismatch flag).
STORED_RESIDENT_FIELDS = ("name", "name_search", *RESIDENT_FIELDS[1:], "nik_mismatch")
_CHOICES = {
    "sex": siak.IMPORT_SEX,
    "religion": siak.IMPORT_RELIGION,
    "marital_status": siak.IMPORT_MARITAL,
    "family_relation": siak.IMPORT_RELATION,
    "education": siak.IMPORT_EDUCATION,
    "status": siak.IMPORT_STATUS,
}
_FLAGS = ("lost_job", "informal_income_loss", "tourism_worker")
_MAX = {"name": 150, "birth_place": 100, "occupation": 100, "mother_name": 150, "father_name": 150, "address": 255}


@dataclass
class CheckedRecord:
    """A record after checking: `resident` and `household` hold clean values for the fields given."""

    nik: str = ""
    kk_number: str = ""
    village_code: str = ""
    resident: dict[str, Any] = field(default_factory=dict)
    household: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    mismatch: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_texts(self) -> list[str]:
        return [f"{name}: {message}" if name else message for name, message in self.errors]


def parse_date(value: Any) -> dt.date | None:
    """A date from a cell or a form: DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY, DDMMYYYY (8 digits: a phone's
    numeric keypad has no dash), YYYY-MM-DD, or a spreadsheet date. None for anything else, and for a
    day the calendar does not have (31022020): `no_such_day` says which it was."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if len(text) >= 10 and text[4] == "-" and text[:4].isdigit():
        year, month, day = text[:4], text[5:7], text[8:10]
    elif len(text) == 10 and text[2] in "-/." and text[5] == text[2]:
        day, month, year = text[:2], text[3:5], text[6:10]
    elif len(text) == 8 and text.isascii() and text.isdigit():
        day, month, year = text[:2], text[2:4], text[4:]
    else:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


# What parse_date reads as a day, month and year (before asking the calendar).
_DATE_SHAPE = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|\d{2}([-/.])\d{2}\1\d{4}|\d{8})$", re.ASCII)


def no_such_day(value: Any) -> str:
    """For a value written like a date that names no day of the calendar (31-02-2020, 31022020), the
    words to say so; "" for anything else (a real date, or text that is not a date at all)."""
    text = str(value if value is not None else "").strip()
    if not _DATE_SHAPE.match(text) or parse_date(text) is not None:
        return ""
    return _("“%(value)s” is not a day of the calendar: check the day and the month.") % {"value": text}


def _text(value: Any) -> str:
    if type(value) is str:
        # The common case (a CSV cell): no whitespace to fold, nothing to convert.
        text = value.strip()
        if "  " in text or "\t" in text or "\n" in text or "\r" in text:
            text = " ".join(text.split())
        return text
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _digits_code(value: Any, width: int) -> str:
    text = _text(value)
    return text.zfill(width) if text.isdigit() and len(text) <= width else text


_parse_kk = lru_cache(maxsize=65536)(parse_kk)  # members of one family share their KK number

# Field checkers: (record, raw value, fail) -> None; each puts its clean value in place or fails.
Fail = Callable[[str, str], None]


def _check_birth_date(rec: "CheckedRecord", raw: Any, fail: Fail, today: dt.date) -> None:
    if raw is None or raw == "":
        return
    parsed = parse_date(raw)
    if parsed is None:
        fail(
            "birth_date", no_such_day(raw) or _("“%(value)s” is not a date (write DD-MM-YYYY).") % {"value": _text(raw)}
        )
    elif parsed > today or parsed.year < 1880:
        fail("birth_date", _("%(date)s is not a possible date of birth.") % {"date": parsed.isoformat()})
    else:
        rec.resident["birth_date"] = parsed


def _choice_checker(name: str, table: dict[str, str]):
    def check(rec: "CheckedRecord", raw: Any, fail: Fail, today: dt.date) -> None:
        text = raw if type(raw) is str and raw.strip() == raw else _text(raw)
        ours = siak.lookup(table, text)
        if ours is None:
            fail(name, _("“%(value)s” is not a known value.") % {"value": text})
        elif ours or name != "status":
            rec.resident[name] = ours

    return check


def _flag_checker(name: str):
    def check(rec: "CheckedRecord", raw: Any, fail: Fail, today: dt.date) -> None:
        if isinstance(raw, bool):
            rec.resident[name] = raw
            return
        flag = siak.IMPORT_FLAG.get(_text(raw).upper())
        if flag is None:
            fail(name, _("“%(value)s” must be Y or N.") % {"value": _text(raw)})
        else:
            rec.resident[name] = flag

    return check


def _check_phone(rec: "CheckedRecord", raw: Any, fail: Fail, today: dt.date) -> None:
    text = _text(raw)
    try:
        rec.resident["phone"] = normalize_phone(text) if text else ""
    except PhoneError:
        fail("phone", _("“%(value)s” is not a valid Indonesian phone number.") % {"value": text})


def _number_checker(name: str):
    def check(rec: "CheckedRecord", raw: Any, fail: Fail, today: dt.date) -> None:
        code = _digits_code(raw, 3)
        if code and not (len(code) == 3 and code.isdigit()):
            fail(name, _("“%(value)s” must be a number of at most 3 digits.") % {"value": code})
        else:
            rec.household[name] = code

    return check


def _check_postal_code(rec: "CheckedRecord", raw: Any, fail: Fail, today: dt.date) -> None:
    code = _text(raw)
    if code and not (code.isdigit() and len(code) == 5):
        fail("postal_code", _("“%(value)s” must be 5 digits.") % {"value": code})
    else:
        rec.household["postal_code"] = code


def _text_checker(name: str, upper: bool):
    limit = _MAX.get(name, 255)
    target = "household" if name in HOUSEHOLD_FIELDS else "resident"

    def check(rec: "CheckedRecord", raw: Any, fail: Fail, today: dt.date) -> None:
        text = _text(raw)
        if upper:
            text = text.upper()
        if len(text) > limit:
            fail(name, _("is longer than %(max)d characters.") % {"max": limit})
        else:
            getattr(rec, target)[name] = text

    return check


_CHECKERS: dict[str, Callable[..., None]] = {
    "birth_date": _check_birth_date,
    "phone": _check_phone,
    "postal_code": _check_postal_code,
}
_CHECKERS.update({name: _choice_checker(name, table) for name, table in _CHOICES.items()})
_CHECKERS.update({name: _flag_checker(name) for name in _FLAGS})
_CHECKERS.update({name: _number_checker(name) for name in ("rt", "rw")})
for _name in ("name", "mother_name", "father_name", "birth_place", "occupation", "address"):
    _CHECKERS[_name] = _text_checker(_name, upper=_name != "address")


def check_record(values: dict[str, Any], *, partial: bool = False, today: dt.date | None = None) -> CheckedRecord:
    """Check and normalise one record. `values` maps our field names to raw values.

    With `partial`, only the fields present are checked (an update); otherwise the
    required fields must be there. Birth date and sex are compared with the NIK when both
    are known; a disagreement is a flag, not an error. This runs once per imported row,
    so the path of a good row is kept short.
    """
    rec = CheckedRecord()
    failed: set[str] = set()

    def fail(name: str, message: str) -> None:
        failed.add(name)
        rec.errors.append((name_label(name), message))

    nik_result = None
    if not partial or "nik" in values:
        nik_result = parse_nik(_text(values.get("nik")), today=today)
        rec.nik = nik_result.nik
        for error in nik_result.errors:
            fail("nik", error.message)
    if not partial or "kk_number" in values:
        kk_result = _parse_kk(_text(values.get("kk_number")))
        rec.kk_number = kk_result.kk
        for error in kk_result.errors:
            fail("kk_number", error.message)

    today = today or dt.date.today()
    for name, raw in values.items():
        checker = _CHECKERS.get(name)
        if checker is not None:
            checker(rec, raw, fail, today)

    resident = rec.resident
    if "name" in resident and not name_search_key(resident["name"]):
        fail("name", _("A name is required."))
    if not partial:
        for name in ("name", "birth_date", "sex"):
            if not resident.get(name) and name not in failed:
                fail(name, _("This field is required."))
        resident.setdefault("status", "living")
    if "name" in resident:
        resident["name_search"] = name_search_key(resident["name"])

    village = _village_code(values)
    if village:
        rec.village_code = village

    if nik_result is not None and nik_result.valid:
        rec.mismatch = nik_mismatch(nik_result, resident.get("birth_date"), resident.get("sex"))
    return rec


def nik_mismatch(nik_result, birth_date: dt.date | None, sex: str | None) -> str:
    """Words for what the NIK says that the record does not, or ""."""
    problems = []
    if (
        birth_date
        and nik_result.birth_date
        and (birth_date.day, birth_date.month, birth_date.year % 100)
        != (nik_result.birth_date.day, nik_result.birth_date.month, nik_result.birth_date.year % 100)
    ):
        problems.append(
            _("date of birth (the NIK says %(date)s)") % {"date": nik_result.birth_date.strftime("%d-%m-%Y")}
        )
    if sex and nik_result.sex and sex != nik_result.sex:
        problems.append(
            _("sex (the NIK says %(sex)s)") % {"sex": _("female") if nik_result.sex == "female" else _("male")}
        )
    return "; ".join(problems)


def _village_code(values: dict[str, Any]) -> str:
    if "village_code" in values:
        code = _text(values["village_code"])
        if code:
            return code.replace(".", "")
    if "village_no" not in values:
        return ""
    parts = [values.get("province_no"), values.get("regency_no"), values.get("district_no"), values.get("village_no")]
    if all(_text(p) for p in parts):
        widths = (2, 2, 2, 4)
        return "".join(_digits_code(part, width) for part, width in zip(parts, widths, strict=True))
    return ""


def name_label(name: str) -> str:
    """The field's name in the user's language, as the forms show it."""
    from smartkampung.population.models import Household, Resident

    if name == "kk_number":
        return str(Household._meta.get_field("kk_number").verbose_name)
    for model in (Resident, Household):
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return name
