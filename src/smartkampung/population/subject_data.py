"""What the register holds about one NIK: the resident, their household (its own record, not its other members),
the moves they or their household were part of, and rejected or flagged import rows that carried the NIK."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartkampung.core.subject_data import fields, named, register, register_home
from smartkampung.population.models import ImportRowIssue, Move, Resident

RESIDENT_FIELDS = (
    "nik", "name", "birth_place", "birth_date", "sex", "religion", "marital_status", "family_relation", "education",
    "occupation", "mother_name", "father_name", "phone", "status", "lost_job", "informal_income_loss",
    "tourism_worker", "nik_mismatch", "created_at", "updated_at",
)  # fmt: skip
HOUSEHOLD_FIELDS = ("kk_number", "address", "rt", "rw", "postal_code", "created_at", "updated_at")
MOVE_FIELDS = ("status", "reason", "requested_at", "decided_at", "decision_note")


def _resident(nik: str):
    return Resident.objects.select_related("household__village", "village").filter(nik=nik).first()


def resident(nik: str) -> list[dict]:
    found = _resident(nik)
    if found is None:
        return []
    return [{**fields(found, RESIDENT_FIELDS), "village": named(found.village), "kk_number": found.household.kk_number}]


def household(nik: str) -> list[dict]:
    found = _resident(nik)
    if found is None:
        return []
    return [{**fields(found.household, HOUSEHOLD_FIELDS), "village": named(found.household.village)}]


def moves(nik: str) -> list[dict]:
    found = _resident(nik)
    if found is None:
        return []
    rows = Move.objects.filter(Q(resident=found) | Q(household_id=found.household_id)).select_related(
        "from_village", "to_village", "to_household"
    )
    return [
        {
            **fields(move, MOVE_FIELDS),
            "whole_household": move.household_id is not None,
            "from_village": named(move.from_village),
            "to_village": named(move.to_village),
            "to_kk_number": move.to_household.kk_number if move.to_household else "",
        }
        for move in rows.order_by("requested_at", "id")
    ]


def import_issues(nik: str) -> list[dict]:
    rows = ImportRowIssue.objects.filter(nik=nik).select_related("job").order_by("job__created_at", "row_number")
    return [
        {
            **fields(issue, ("row_number", "kind", "errors")),
            "import": issue.job_id,
            "file_name": issue.job.original_name,
            "imported_at": fields(issue.job, ("created_at",))["created_at"],
        }
        for issue in rows
    ]


register("resident", _("Resident (the register)"), resident, order=10)
register("household", _("Household (Kartu Keluarga)"), household, order=11)
register("moves", _("Moves between villages"), moves, order=12)
register("import_issues", _("Import rows that carried the NIK"), import_issues, order=13)


def home_village(nik: str) -> str | None:
    return Resident.objects.filter(nik=nik).values_list("village_id", flat=True).first()


# The regency that answers a person's request is the one they are registered in (privacy.services).
register_home(home_village)
