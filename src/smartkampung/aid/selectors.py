"""Reads of social aid and who may see and decide which listings (the rule itself: accounts.selectors)."""

import polars as pl
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import aid_agency, aid_read_scope, aid_write_scope
from smartkampung.aid.links import conflict_url, conflicts_url  # noqa: F401 - the dashboard's panel links here
from smartkampung.aid.models import (
    AffectedResident,
    AidReport,
    Conflict,
    ConflictKind,
    Program,
    Recipient,
    RecipientList,
)
from smartkampung.population.models import Resident, ResidentStatus


def may_import(user) -> bool:
    """Lists come from the ministries and the province through the social affairs agency (of its regency: a
    list's rows are then read by the villages they belong to)."""
    return not aid_agency(user).nothing


def import_regencies(user) -> tuple[str, ...]:
    """The served regencies whose lists the user imports (in the deployment's order): the social affairs agency's
    own, every one for the province administrator and for the command line (`user` None)."""
    if user is None:
        return tuple(settings.SMARTKAMPUNG_REGENCIES)
    return aid_agency(user).whole_regencies()


def sees_aid(user) -> bool:
    return not aid_read_scope(user).nothing


def lists_visible_to(user) -> QuerySet[RecipientList]:
    """Uploads (their counts, not their rows): every aid reader sees which lists of their regency exist (and the
    enrolments' lists, whose rows are each in their village)."""
    scope = aid_read_scope(user)
    if scope.nothing:
        return RecipientList.objects.none()
    lists = RecipientList.objects.select_related("program", "created_by", "regency")
    if scope.everything:
        return lists
    return lists.filter(Q(regency__isnull=True) | Q(regency_id__in=sorted(scope.regencies_touched)))


def recipients_visible_to(user) -> QuerySet[Recipient]:
    """Listed rows of the user's villages; rows placed in no village: the agency of the list's regency only."""
    scope = aid_read_scope(user)
    rows = Recipient.objects.select_related("program", "source")
    if scope.everything:  # (an empty Q would swallow the other side of the "or")
        return rows
    return rows.filter(scope.q("village") | (Q(village__isnull=True) & scope.regency_q("source__regency_id")))


def review_queue(user) -> QuerySet[Recipient]:
    return (
        recipients_visible_to(user)
        .filter(status="review", decided=False, source__current=True)
        .select_related("candidate", "village", "village__district")
        .order_by("village_id", "name", "id")
    )


def conflicts_visible_to(user) -> QuerySet[Conflict]:
    return Conflict.objects.filter(aid_read_scope(user).q("village")).select_related(
        "village", "village__district", "resident", "first_program", "second_program", "first", "second",
        "first__resident", "second__resident", "resolved_by",
    )  # fmt: skip


def open_conflict_count(user, village_code: str = "") -> int:
    """How many conflicts wait for a decision in the user's villages (or in one of them): the aid alarm."""
    if not sees_aid(user):
        return 0
    conflicts = Conflict.objects.filter(aid_read_scope(user).q("village"), status=Conflict.Status.OPEN)
    if village_code:
        conflicts = conflicts.filter(village_id=village_code)
    return conflicts.count()


def may_decide(user, recipient: Recipient) -> bool:
    """The row's village's deciders, of the list's regency; a row no village places: the agency of that regency."""
    scope = aid_write_scope(user)
    regency = recipient.source.regency_id
    if regency and not (scope.everything or regency in scope.regencies_touched):
        return False
    if recipient.village_id is None:
        return scope.covers_regency(regency)
    return scope.covers(recipient.village_id)


def may_resolve(user, conflict: Conflict) -> bool:
    return aid_write_scope(user).covers(conflict.village_id)


def residents_for_review(user) -> QuerySet[Resident]:
    """Whom a reviewer may link a row to: residents of the villages they decide for."""
    return Resident.objects.filter(aid_write_scope(user).q("village"))


def resolutions_for(conflict: Conflict) -> list[str]:
    """What may settle a conflict of its kind. Two programs: one keeps the recipient, or both (the rule does not
    apply). Listed twice in one program: one of the two rows is withdrawn (which one: `row`), or both stay (not the
    same person). Died or moved away: the one listing is withdrawn, or it stays (the register is out of date);
    "keep both" is no choice where there is one listing."""
    R = Conflict.Resolution
    if conflict.kind in (ConflictKind.EXCLUSIVE, ConflictKind.HOUSEHOLD):
        return [R.KEEP_FIRST, R.KEEP_SECOND, R.KEEP_BOTH]
    if conflict.kind == ConflictKind.DUPLICATE:
        return [R.WITHDRAW, R.KEEP_BOTH]
    return [R.WITHDRAW, R.KEEP_LISTED]


# ---------------------------------------------------------------- citizens (public, masked)


def aid_listings_for(*, nik: str, kk_number: str):
    """A citizen's own check: (the resident, or None when NIK and KK number do not belong together; one answer
    for both), and the current listings of them or their household, as (program, period, listed member, is_self)."""
    resident = (
        Resident.objects.select_related("village", "village__district")
        .filter(nik=nik, household__kk_number=kk_number)
        .first()
    )
    if resident is None:
        return None, []
    rows = (
        Recipient.objects.filter(source__current=True, withdrawn=False, household_id=resident.household_id)
        .select_related("program", "source", "resident")
        .order_by("program__level", "program__code", "source__period")
    )
    listed = [(r.program, r.source.period, r.resident, r.resident_id == resident.pk) for r in rows]
    return resident, listed


def public_village_recipients(village_code: str):
    """Who a village's current lists name, for the public list: program and a masked name only."""
    return (
        Recipient.objects.filter(village_id=village_code, source__current=True, withdrawn=False, resident__isnull=False)
        .select_related("program", "resident")
        .order_by("program__level", "program__code", "resident__name_search", "pk")
    )


# ---------------------------------------------------------------- citizens' reports ("I received nothing")


def report_program() -> Program | None:
    """The regency's own program that approved reports enrol households in."""
    return Program.objects.filter(takes_reports=True, active=True).first()


def reports_visible_to(user) -> QuerySet[AidReport]:
    return AidReport.objects.filter(aid_read_scope(user).q("village")).select_related(
        "resident", "household", "village", "program", "decided_by"
    )


def typed_code(code: str) -> str:
    """A report code as people type it back ("kt42-3k87 ") as it was given ("KT423K87")."""
    return (code or "").strip().upper().replace("-", "").replace(" ", "")


def report_by_code(code: str) -> AidReport | None:
    """A citizen following their report: the code is the only key (rate-limited by the caller)."""
    code = typed_code(code)
    if not code.isalnum() or len(code) > 10:
        return None
    return AidReport.objects.select_related("resident", "village", "program").filter(code=code).first()


def may_decide_report(user, report: AidReport) -> bool:
    return aid_write_scope(user).covers(report.village_id)


def household_listings(household_ids: list[int]) -> dict[int, list[Recipient]]:
    """The current, not withdrawn listings of these households, by household."""
    out: dict[int, list[Recipient]] = {pk: [] for pk in household_ids}
    rows = (
        Recipient.objects.filter(household_id__in=household_ids, source__current=True, withdrawn=False)
        .select_related("program", "resident", "source")
        .order_by("program__level", "program__code")
    )
    for row in rows:
        out[row.household_id].append(row)
    return out


def enrolment_obstacles(
    report: AidReport, program: Program | None = None, rules: list[tuple[int, int, str]] | None = None
) -> list[str]:
    """Why the reporting household cannot be enrolled in the reports program now, in words (none: it can).
    The same comparison as the lists' (aid.conflicts.find_conflicts), run on the household's listings with
    the enrolment added as if it were made."""
    from smartkampung.aid.conflicts import find_conflicts, rules_now

    program = program or report_program()
    if program is None:
        return [_("No program takes reports: the social affairs agency must choose one.")]
    rules = rules_now() if rules is None else rules
    partners = {p for rule in rules if program.pk in rule[:2] for p in rule[:2]} | {program.pk}
    rows = list(
        Recipient.objects.filter(source__current=True, withdrawn=False, program_id__in=partners)
        .filter(Q(household_id=report.household_id) | Q(resident_id=report.resident_id))
        .select_related("program", "resident")
    )
    problems = [
        _("%(name)s (same household) is already on %(program)s.") % {"name": r.resident.name, "program": program.code}
        for r in rows
        if r.program_id == program.pk
    ]
    resident = report.resident
    planned = {"id": 0, "program": program.pk, "resident": resident.pk, "household": report.household_id,
               "village": report.village_id, "status": resident.status}  # fmt: skip
    listed = pl.DataFrame(
        [planned] + [
            {"id": r.pk, "program": r.program_id, "resident": r.resident_id, "household": r.household_id,
             "village": r.village_id, "status": r.resident.status}
            for r in rows
        ],  # fmt: skip
        schema={"id": pl.Int64, "program": pl.Int64, "resident": pl.Int64, "household": pl.Int64,
                "village": pl.String, "status": pl.String},
    )  # fmt: skip
    by_id = {r.pk: r for r in rows}
    for found in find_conflicts(listed, rules, program=program.pk).values():
        other = by_id.get(found.second if found.first == 0 else found.first)
        if found.kind in (ConflictKind.DECEASED, ConflictKind.MOVED) and found.first == 0:
            status = ResidentStatus(resident.status).label
            problems.append(
                _("The register records %(name)s as %(status)s.") % {"name": resident.name, "status": status}
            )
        elif other is not None and found.kind in (ConflictKind.EXCLUSIVE, ConflictKind.HOUSEHOLD):
            problems.append(
                _("%(name)s is on %(other)s, which may not be received together with %(program)s.")
                % {"name": other.resident.name, "other": other.program.code, "program": program.code}
            )
    return list(dict.fromkeys(problems))


# ---------------------------------------------------------------- affected residents


def affected_visible_to(user) -> QuerySet[AffectedResident]:
    return AffectedResident.objects.filter(aid_read_scope(user).q("village")).select_related(
        "resident", "village", "village__district"
    )


def may_record_affected(user) -> bool:
    """Villages enter their own people; the agency anyone."""
    return not aid_write_scope(user).nothing
