"""One check of what a Puskesmas nurse or a village operator submits about an isolation case, for pages
and API alike. Messages are in words, in the user's language."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from smartkampung.checkpoints.models import IsolationPlace, Symptom
from smartkampung.checkpoints.validation import Checked, _text, check_identity, check_phone, check_temperature
from smartkampung.health.models import CaseOutcome, FollowUpStatus
from smartkampung.population.validation import parse_date
from smartkampung.regions.selectors import served_village

# How far back a case may be opened or a follow-up recorded: a nurse catching up after a weekend, not history.
MAX_DAYS_BACK = 14


def _day(values: dict, out: Checked, name: str, today: dt.date, *, default: dt.date | None) -> dt.date | None:
    raw = values.get(name)
    day = parse_date(raw) if raw not in (None, "") else default
    if day is None:
        out.errors.append((name, _("Enter a date as YYYY-MM-DD.")))
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
