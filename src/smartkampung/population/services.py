"""Hand edits of the population registry: households and residents one at a time. Each function owns
its transaction and its audit entry. File imports live in `imports`, moves between villages in `moves`."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import write_scope
from smartkampung.audit import services as audit
from smartkampung.population.access import RegistryError, RegistryForbidden, require_write, served_villages
from smartkampung.population.bulk import follow_households

# The import's public names, kept here for the callers that knew them as services.*.
from smartkampung.population.imports import (  # noqa: F401
    copy_upload,
    import_file_now,
    run_import,
    start_import,
    start_import_upload,
)
from smartkampung.population.models import Household, Resident
from smartkampung.population.validation import HOUSEHOLD_FIELDS, CheckedRecord, check_record

__all__ = [
    "RegistryError",
    "RegistryForbidden",
    "copy_upload",
    "create_household",
    "create_resident",
    "import_file_now",
    "run_import",
    "start_import",
    "start_import_upload",
    "update_household",
    "update_resident",
]

# ---------------------------------------------------------------- single records


@transaction.atomic
def create_household(*, user, values: dict[str, Any]) -> Household:
    record = check_record({"kk_number": values.get("kk_number"), **_household_part(values)}, partial=True)
    if "kk_number" not in values:
        record.errors.append((_("KK number"), _("This field is required.")))
    village_code = _check_village(record, values.get("village_code"))
    if village_code:
        require_write(user, village_code)
    if record.errors:
        raise RegistryError(record.errors)
    if Household.objects.filter(kk_number=record.kk_number).exists():
        raise RegistryError([(_("KK number"), _("A household with this KK number is already registered."))])
    try:
        with transaction.atomic():
            household = Household.objects.create(
                kk_number=record.kk_number, village_id=village_code, **record.household
            )
    except IntegrityError as exc:  # a concurrent create of the same KK
        raise RegistryError([(_("KK number"), _("A household with this KK number is already registered."))]) from exc
    audit.record(
        action="create",
        object_type="household",
        subject=household.kk_number,
        user=user,
        changes=audit.diff({}, {"village": village_code, **record.household}),
    )
    return household


@transaction.atomic
def update_household(*, user, household: Household, values: dict[str, Any]) -> Household:
    household = Household.objects.select_for_update().get(pk=household.pk)
    require_write(user, household.village_id)
    record = check_record(_household_part(values), partial=True)
    village_code = _check_village(record, values.get("village_code")) if values.get("village_code") else None
    if village_code:
        require_write(user, village_code)
    if record.errors:
        raise RegistryError(record.errors)
    changed = [name for name, value in record.household.items() if getattr(household, name) != value]
    changes = {name: [getattr(household, name), record.household[name]] for name in changed}
    for name in changed:
        setattr(household, name, record.household[name])
    if village_code and village_code != household.village_id:
        changes["village"] = [household.village_id, village_code]
        household.village_id = village_code
        changed.append("village")
        # Residents carry their household's village; keep them in step in the same transaction.
        followed = follow_households({household.kk_number: {"village_id": changes["village"]}}, now=timezone.now())
        audit.record_changes(object_type="resident", changes=followed, detail={"followed_household": True}, user=user)
    if changed:
        household.save(update_fields=[*changed, "updated_at"])
        audit.record(action="update", object_type="household", subject=household.kk_number, user=user, changes=changes)
    return household


@transaction.atomic
def create_resident(*, user, values: dict[str, Any]) -> Resident:
    record = check_record(values)
    household = _household_for(record, user)
    if household is not None:
        require_write(user, household.village_id)
    if record.errors:
        raise RegistryError(record.errors)
    if Resident.objects.filter(nik=record.nik).exists():
        raise RegistryError(
            [
                (
                    "NIK",
                    _(
                        "This NIK is already registered (perhaps in another village): "
                        "a person is moved, not registered twice."
                    ),
                )
            ]
        )
    try:
        with transaction.atomic():
            resident = Resident.objects.create(
                nik=record.nik,
                household=household,
                village_id=household.village_id,
                nik_mismatch=record.mismatch,
                **record.resident,
            )
        audit.record(
            action="create",
            object_type="resident",
            subject=resident.nik,
            user=user,
            changes=audit.diff({}, {"household": household.kk_number, **record.resident}),
        )
        return resident
    except IntegrityError as exc:  # a concurrent create of the same NIK
        raise RegistryError(
            [
                (
                    "NIK",
                    _(
                        "This NIK is already registered (perhaps in another village): "
                        "a person is moved, not registered twice."
                    ),
                )
            ]
        ) from exc


@transaction.atomic
def update_resident(*, user, resident: Resident, values: dict[str, Any]) -> Resident:
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    require_write(user, resident.village_id)
    if "nik" in values and values["nik"] != resident.nik:
        raise RegistryError(
            [
                (
                    "NIK",
                    _(
                        "The NIK of a registered resident cannot be changed; register the person "
                        "under the correct NIK and mark this record as moved away."
                    ),
                )
            ]
        )
    values = {k: v for k, v in values.items() if k != "nik"}
    record = check_record(values, partial=True)
    household = _household_for(record, user) if "kk_number" in values else resident.household
    if household is not None:
        require_write(user, household.village_id)
    if record.errors:
        raise RegistryError(record.errors)
    wanted = {**record.resident, "household_id": household.pk, "village_id": household.village_id}
    from smartkampung.population.validation import nik_mismatch
    from smartkampung.regions.nik import parse_nik

    wanted["nik_mismatch"] = nik_mismatch(
        parse_nik(resident.nik), wanted.get("birth_date", resident.birth_date), wanted.get("sex", resident.sex)
    )
    changed = [name for name, value in wanted.items() if getattr(resident, name) != value]
    changes = {name: [getattr(resident, name), wanted[name]] for name in changed}
    for name in changed:
        setattr(resident, name, wanted[name])
    if changed:
        resident.save(update_fields=[*changed, "updated_at"])
        audit.record(action="update", object_type="resident", subject=resident.nik, user=user, changes=changes)
    return resident


def _household_part(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in HOUSEHOLD_FIELDS if name in values}


def _check_village(record: CheckedRecord, code: Any) -> str | None:
    code = str(code or "").strip()
    if not code:
        record.errors.append((_("village"), _("This field is required.")))
        return None
    if code not in served_villages():
        record.errors.append((_("village"), _("“%(code)s” is not a village of this regency.") % {"code": code}))
        return None
    return code


def _household_for(record: CheckedRecord, user) -> Household | None:
    """The household of the record's KK number among those the user may write to. One answer
    for "no such KK" and "a KK of another village", so the reply tells nothing of other villages."""
    if not record.kk_number or any(label == _("KK number") for label, _m in record.errors):
        return None
    households = Household.objects.all()
    if user is not None:
        scope = write_scope(user)
        households = households.none() if scope.nothing else households.filter(scope.q("village"))
    household = households.filter(kk_number=record.kk_number).first()
    if household is None:
        record.errors.append(
            (
                _("KK number"),
                _("No household with KK number %(kk)s is registered in your area; register the household first.")
                % {"kk": record.kk_number},
            )
        )
    return household
