"""What social aid holds about one NIK: the rows of recipient lists that carry it or were matched to the person,
the conflicts about those rows, the citizen's own reports ("I received no aid"), the record of their work hit by
the pandemic, and reviewers' match decisions naming them. Rows of other members of the household are not theirs."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartkampung.aid.models import AffectedResident, AidReport, Conflict, MatchDecision, Recipient
from smartkampung.core.subject_data import fields, named, register

RECIPIENT_FIELDS = (
    "row_number", "nik", "kk_number", "name", "birth_date", "address", "village_given", "status", "problems",
    "decided", "withdrawn", "withdrawn_reason",
)  # fmt: skip
CONFLICT_FIELDS = ("kind", "status", "detected_at", "resolution", "reason", "resolved_at")
REPORT_FIELDS = ("code", "phone", "situation", "description", "status", "created_at", "decided_at", "decision_reason")
AFFECTED_FIELDS = (
    "sector", "impact", "since", "income_lost", "employer", "source", "source_name", "note", "active", "created_at",
    "updated_at",
)  # fmt: skip


def _listings(nik: str):
    return Recipient.objects.filter(Q(nik=nik) | Q(resident__nik=nik))


def listings(nik: str) -> list[dict]:
    rows = _listings(nik).select_related("source", "program", "village")
    return [
        {
            **fields(row, RECIPIENT_FIELDS),
            "program": named(row.program),
            "period": row.source.period,
            "list_file": row.source.original_name,
            "list_uploaded_at": fields(row.source, ("created_at",))["created_at"],
            "current_list": row.source.current,
            "village": named(row.village),
        }
        for row in rows.order_by("source__created_at", "row_number")
    ]


def conflicts(nik: str) -> list[dict]:
    rows_ids = _listings(nik).values("pk")
    rows = Conflict.objects.filter(
        Q(resident__nik=nik) | Q(first__in=rows_ids) | Q(second__in=rows_ids)
    ).select_related("first_program", "second_program", "village")
    return [
        {
            **fields(conflict, CONFLICT_FIELDS),
            "first_program": named(conflict.first_program),
            "second_program": named(conflict.second_program),
            "village": named(conflict.village),
        }
        for conflict in rows.order_by("detected_at", "id")
    ]


def reports(nik: str) -> list[dict]:
    rows = AidReport.objects.filter(resident__nik=nik).select_related("village", "program", "household")
    return [
        {
            **fields(report, REPORT_FIELDS),
            "kk_number": report.household.kk_number,
            "village": named(report.village),
            "enrolled_in": named(report.program),
        }
        for report in rows.order_by("created_at", "id")
    ]


def affected(nik: str) -> list[dict]:
    rows = AffectedResident.objects.filter(resident__nik=nik).select_related("village")
    return [{**fields(row, AFFECTED_FIELDS), "village": named(row.village)} for row in rows]


def match_decisions(nik: str) -> list[dict]:
    rows = MatchDecision.objects.filter(resident__nik=nik).select_related("program")
    return [{"program": named(row.program), **fields(row, ("decided_at",))} for row in rows.order_by("decided_at")]


register("aid_listings", _("Social aid: rows of recipient lists"), listings, order=50)
register("aid_conflicts", _("Social aid: conflicts about those rows"), conflicts, order=51)
register("aid_reports", _("Social aid: the citizen's reports"), reports, order=52)
register("aid_affected", _("Social aid: work hit by the pandemic"), affected, order=53)
register("aid_match_decisions", _("Social aid: reviewers' match decisions"), match_decisions, order=54)
