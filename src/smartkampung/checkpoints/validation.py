"""One check of what an officer, a citizen or another system submits about a traveller, whatever
the door (page, API). Messages are in words, in the user's language."""

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from smartkampung.checkpoints.models import TravelMode
from smartkampung.health.models import IsolationPlace, Symptom
from smartkampung.health.validation import Checked, _text, check_identity, check_phone, check_temperature
from smartkampung.population.models import Sex
from smartkampung.population.validation import parse_date
from smartkampung.regions.codes import code_lists
from smartkampung.regions.selectors import served_village

_PLATE = re.compile(r"^[A-Z]{1,2} ?\d{1,4} ?[A-Z]{0,3}$")


def check_destination(values: dict, out: Checked, *, address_required: bool = True) -> None:
    village = _text(values, "destination_village", 10)
    if not village:
        out.errors.append(("destination_village", _("Choose the destination village.")))
    elif served_village(village) is None:
        out.errors.append(("destination_village", _("Village %(code)s is not in this regency.") % {"code": village}))
    out.values["destination_village"] = village
    address = _text(values, "destination_address", 200)
    if address_required and not address:
        out.errors.append(("destination_address", _("Enter the address where the traveller will stay.")))
    out.values["destination_address"] = address


def check_origin(values: dict, out: Checked) -> None:
    """Where the trip comes from, as the officer asked it: never taken from the NIK or the home address (a
    resident coming home from Bali comes from Bali, and the entry rules must judge Bali)."""
    origin = _text(values, "origin_regency", 4)
    if not origin:
        out.errors.append(("origin_regency", _("Choose the regency or city the traveller comes from.")))
    elif origin not in code_lists().regencies:
        out.errors.append(("origin_regency", _("%(code)s is not a regency or city code.") % {"code": origin}))
    out.values["origin_regency"] = origin
    out.values["origin_address"] = _text(values, "origin_address", 200)


def check_health(values: dict, out: Checked) -> None:
    check_temperature(values, out, required=True)
    symptoms = values.get("symptoms") or []
    if isinstance(symptoms, str):
        symptoms = [symptoms]
    unknown = [s for s in symptoms if s not in Symptom.values]
    if unknown:
        out.errors.append(("symptoms", _("Unknown symptom: %(value)s.") % {"value": ", ".join(map(str, unknown))[:60]}))
    out.values["symptoms"] = sorted({s for s in symptoms if s in Symptom.values})
    out.values["contact_with_case"] = str(values.get("contact_with_case", "")).lower() in {"1", "true", "on", "yes"}


def _choice(values: dict, out: Checked, name: str, choices, default: str = "") -> None:
    value = _text(values, name, 20) or default
    if value and value not in choices.values:
        out.errors.append((name, _("Choose one of the offered values.")))
        value = default
    out.values[name] = value


def check_arrival(values: dict[str, Any]) -> Checked:
    """Everything an officer records at the checkpoint, cleaned, or the problems in words."""
    out = Checked()
    check_identity(values, out)
    check_phone(values, out)
    check_origin(values, out)
    check_destination(values, out)
    check_health(values, out)
    if not out.values["name"]:
        out.errors.append(("name", _("Enter the traveller's name as on the KTP.")))
    sex = _text(values, "sex", 6) or out.values.get("nik_sex") or ""
    if sex not in Sex.values:
        out.errors.append(("sex", _("Choose the sex.")))
    out.values["sex"] = sex if sex in Sex.values else ""
    birth_raw = values.get("birth_date")
    birth = parse_date(birth_raw) if birth_raw else out.values.get("nik_birth")
    if birth_raw and birth is None:
        out.errors.append(("birth_date", _("Write the date of birth as DD-MM-YYYY.")))
    out.values["birth_date"] = birth
    for name, limit in (("host_name", 100), ("purpose", 200)):
        out.values[name] = _text(values, name, limit)
    _choice(values, out, "travel_mode", TravelMode)
    _choice(values, out, "isolation_place", IsolationPlace, IsolationPlace.HOME)
    plate = _text(values, "vehicle_plate", 20).upper()
    if plate and not _PLATE.match(plate):
        out.errors.append(
            ("vehicle_plate", _("“%(value)s” is not a vehicle plate (e.g. P 1234 AB).") % {"value": plate})
        )
    out.values["vehicle_plate"] = plate
    out.values["preregistration_code"] = _text(values, "preregistration_code", 10).upper()
    return out


def check_preregistration(values: dict[str, Any], *, today: dt.date) -> Checked:
    """What a traveller (or their family) announces before the trip."""
    out = Checked()
    check_identity(values, out)
    if not out.values["name"]:
        out.errors.append(("name", _("Enter the traveller's name as on the KTP.")))
    check_phone(values, out)
    check_destination(values, out)
    # Only what the traveller states: the NIK's regency is where they live, not where the trip starts.
    origin = _text(values, "origin_regency", 4)
    out.values["origin_regency"] = origin if origin in code_lists().regencies else ""
    expected = parse_date(values.get("expected_arrival"))
    horizon = settings.PREREGISTRATION_MAX_DAYS_AHEAD
    if expected is None:
        out.errors.append(("expected_arrival", _("Enter the expected arrival date as DD-MM-YYYY.")))
    elif not today <= expected <= today + dt.timedelta(days=horizon):
        out.errors.append(
            (
                "expected_arrival",
                _("The arrival date must be between today and %(days)s days from now.") % {"days": horizon},
            )
        )
    out.values["expected_arrival"] = expected
    return out


def check_found(values: dict[str, Any]) -> Checked:
    """A newcomer a village operator found who passed no checkpoint: a NIK, or a description."""
    out = Checked()
    check_identity(values, out, nik_required=False)
    out.values["description"] = _text(values, "description", 300)
    if not (out.values["nik"] or out.values["name"] or out.values["description"]):
        out.errors.append(("description", _("Enter the NIK, the name, or a description of the person.")))
    check_phone(values, out, required=False)
    check_destination(values, out, address_required=False)
    out.values["found_at"] = _text(values, "found_at", 200)
    if not out.values["found_at"]:
        out.errors.append(("found_at", _("Say where the person was found.")))
    origin = _text(values, "origin_regency", 4)  # if known; never the NIK's (home) regency
    out.values["origin_regency"] = origin if origin in code_lists().regencies else ""
    return out
