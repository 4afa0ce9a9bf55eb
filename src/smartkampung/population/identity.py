"""A citizen who identifies themselves without signing in (an isolation reservation, an aid report): the NIK,
with the KK number as second factor, and a phone number to be reached on. One answer for an unknown NIK and a
wrong KK number, so that the form tells nobody who is on the register."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smartkampung.population.models import Resident
from smartkampung.population.normalize import PhoneError, normalize_phone
from smartkampung.regions.nik import parse_kk, parse_nik

NOT_MATCHED = gettext_lazy(
    "No resident matches this NIK and KK number. Check both numbers, or ask your village office."
)


def checked_identity(values: dict[str, Any], *, phone_hint: str) -> tuple[str, str, str, list[tuple[str, str]]]:
    """(NIK, KK number, phone in E.164, errors as (field, words)) from a citizen's form or API payload."""
    nik, kk = parse_nik(str(values.get("nik") or "")), parse_kk(str(values.get("kk_number") or ""))
    errors = [("nik", e.message) for e in nik.errors] + [("kk_number", e.message) for e in kk.errors]
    phone = ""
    try:
        phone = normalize_phone(str(values.get("phone") or ""))
        if not phone:
            errors.append(("phone", phone_hint))
    except PhoneError:
        errors.append(("phone", _("“%(value)s” is not a valid Indonesian phone number.") % {"value": values["phone"]}))
    return nik.nik, kk.kk, phone, errors


def find_citizen(*, nik: str, kk_number: str, fields: tuple[str, ...] = ()) -> Resident | None:
    """The resident with this NIK in the household of this KK number, or None (one query, one answer)."""
    residents = Resident.objects.filter(nik=nik, household__kk_number=kk_number)
    if fields:
        residents = residents.only(*fields)
    return residents.first()
