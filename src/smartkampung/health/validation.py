"""One check of what a Puskesmas nurse or a village operator submits about an isolation case, for pages
and API alike, and the checks of a person (NIK, name, phone, temperature) the checkpoints share.
Messages are in words, in the user's language."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from smartkampung.health.models import CaseOutcome, FollowUpStatus, IsolationPlace, Symptom
from smartkampung.population.normalize import PhoneError, clean_name, normalize_phone
from smartkampung.population.validation import no_such_day, parse_date
from smartkampung.regions.nik import parse_nik
from smartkampung.regions.selectors import served_village


@dataclass
class Checked:
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field name, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(values: dict, name: str, limit: int) -> str:
    return " ".join(str(values.get(name) or "").split())[:limit]


def check_identity(values: dict, out: Checked, *, nik_required: bool = True) -> None:
    nik = _text(values, "nik", 32)
    if nik:
        parsed = parse_nik(nik)
        if parsed.valid:
            out.values.update(nik=nik, nik_regency=parsed.regency_code, nik_sex=parsed.sex, nik_birth=parsed.birth_date)
        else:
            out.errors.append(("nik", parsed.errors[0].message))
    elif nik_required:
        out.errors.append(("nik", _("Enter the NIK from the KTP.")))
    out.values.setdefault("nik", "")
    name = clean_name(_text(values, "name", 100))
    out.values["name"] = name


def check_phone(values: dict, out: Checked, *, required: bool = True) -> None:
    raw = _text(values, "phone", 40)
    if not raw:
        if required:
            out.errors.append(("phone", _("Enter a phone number the village can reach.")))
        out.values["phone"] = ""
        return
    try:
        out.values["phone"] = normalize_phone(raw)
    except PhoneError:
        out.errors.append(("phone", _("“%(value)s” is not a valid Indonesian phone number.") % {"value": raw}))


def check_temperature(values: dict, out: Checked, *, required: bool) -> None:
    """A body temperature in °C (a comma as decimal mark too); shared with the Puskesmas's follow-ups."""
    raw = str(values.get("temperature") or "").strip().replace(",", ".")
    temperature = None
    if raw:
        try:
            temperature = Decimal(raw).quantize(Decimal("0.1"))
        except InvalidOperation:
            temperature = None
        if temperature is None or not Decimal("34") <= temperature <= Decimal("43"):
            out.errors.append(
                ("temperature", _("“%(value)s” is not a body temperature (34–43 °C).") % {"value": raw[:10]})
            )
            temperature = None
    elif required:
        out.errors.append(("temperature", _("Measure and enter the temperature.")))
    out.values["temperature"] = temperature


# How far back a case may be opened or a follow-up recorded: a nurse catching up after a weekend, not history.
MAX_DAYS_BACK = 14


def _day(values: dict, out: Checked, name: str, today: dt.date, *, default: dt.date | None) -> dt.date | None:
    """A day as typed on the pages (DD-MM-YYYY, or 8 digits from a phone keypad) or sent to the API (YYYY-MM-DD):
    population.validation.parse_date reads them all. Never after today, nor long before it."""
    raw = values.get(name)
    day = parse_date(raw) if raw not in (None, "") else default
    if day is None:
        out.errors.append((name, no_such_day(raw) or _("Write the date as DD-MM-YYYY, e.g. 17-08-1985.")))
    elif not today - dt.timedelta(days=MAX_DAYS_BACK) <= day <= today:
        out.errors.append((name, _("The date must be between %(days)s days ago and today.") % {"days": MAX_DAYS_BACK}))
        day = None
    out.values[name] = day
    return day


def check_symptoms(values: dict, out: Checked) -> None:
    symptoms = values.get("symptoms") or []
    if isinstance(symptoms, str):
        symptoms = symptoms.replace(",", " ").split()
    unknown = [str(s) for s in symptoms if s not in Symptom.values]
    if unknown:
        out.errors.append(("symptoms", _("Unknown symptom: %(value)s.") % {"value": ", ".join(unknown)[:60]}))
    out.values["symptoms"] = sorted({s for s in symptoms if s in Symptom.values})


def check_case(values: dict[str, Any], *, today: dt.date) -> Checked:
    """A case opened by hand: who (NIK, or a name for someone without one), where they isolate, from when."""
    out = Checked()
    check_identity(values, out, nik_required=False)
    if not out.values["nik"] and not out.values["name"]:
        out.errors.append(("name", _("Enter the NIK, or the name of someone who has none.")))
    check_phone(values, out, required=False)
    village = _text(values, "village", 10)
    if not village:
        out.errors.append(("village", _("Choose the village where the person isolates.")))
    elif served_village(village) is None:
        out.errors.append(("village", _("Village %(code)s is not in this regency.") % {"code": village}))
    out.values["village"] = village
    out.values["address"] = _text(values, "address", 200)
    place = _text(values, "place", 10) or IsolationPlace.HOME
    if place not in IsolationPlace.values:
        out.errors.append(("place", _("Choose one of the offered values.")))
        place = IsolationPlace.HOME
    out.values["place"] = place
    house = _text(values, "house", 12)
    if place != IsolationPlace.HOME and not house.isdigit():
        out.errors.append(("house", _("Choose the isolation house.")))
    out.values["house"] = int(house) if house.isdigit() and place != IsolationPlace.HOME else None
    _day(values, out, "start_date", today, default=today)
    days = _text(values, "days", 3)
    if days and not (days.isdigit() and 1 <= int(days) <= 60):
        out.errors.append(("days", _("The isolation length must be between 1 and 60 days.")))
    out.values["days"] = int(days) if days.isdigit() and 1 <= int(days) <= 60 else None
    out.values["note"] = _text(values, "note", 300)
    return out


def check_follow_up(values: dict[str, Any], *, today: dt.date) -> Checked:
    out = Checked()
    status = _text(values, "status", 12)
    if status not in FollowUpStatus.values:
        out.errors.append(("status", _("Choose the result of today's check.")))
    out.values["status"] = status
    seen = status in (FollowUpStatus.WELL, FollowUpStatus.UNWELL)
    check_temperature(values, out, required=False)
    check_symptoms(values, out)
    if not seen and (out.values["temperature"] is not None or out.values["symptoms"]):
        out.errors.append(("status", _("A person not seen has no temperature or symptoms to record.")))
    _day(values, out, "day", today, default=today)
    out.values["note"] = _text(values, "note", 300)
    return out


def check_closing(values: dict[str, Any], *, today: dt.date) -> Checked:
    out = Checked()
    outcome = _text(values, "outcome", 10)
    if outcome not in CaseOutcome.values:
        out.errors.append(("outcome", _("Choose how the case ends.")))
    out.values["outcome"] = outcome
    _day(values, out, "closed_on", today, default=today)
    out.values["note"] = _text(values, "note", 300)
    return out
