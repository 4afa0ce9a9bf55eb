"""Reads of the checkpoint module, scoped to who asks."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts import selectors as scope
from smartkampung.checkpoints.models import Arrival, Checkpoint, PreRegistration
from smartkampung.core.refcache import Cached

# The active checkpoints by code, with their villages: a handful of rows read by every registration.
active_checkpoints: Cached[dict[str, Checkpoint]] = Cached(
    lambda: {c.code: c for c in Checkpoint.objects.filter(active=True).select_related("village")}
)


def checkpoints_for_officer(user) -> QuerySet[Checkpoint]:
    """The checkpoints where the user registers travellers (the administrator: all of their regency's)."""
    active = Checkpoint.objects.filter(active=True).select_related("village")
    stands_in = scope.works_every_checkpoint(user)
    if stands_in.everything:
        return active
    return active.filter(stands_in.q("village") | Q(pk__in=sorted(scope.checkpoints_of(user))))


def officer_checkpoint(user, code: str) -> Checkpoint:
    """The checkpoint with this code where the user registers travellers; PermissionDenied otherwise
    (for pages and API alike: an officer elsewhere learns nothing more than "not yours")."""
    # The rights are the user's, read with the request; the checkpoint comes from the process's cache (read
    # again on a miss: a checkpoint added a moment ago).
    checkpoint = active_checkpoints.get().get(code) or active_checkpoints.fresh().get(code)
    if checkpoint is None or not scope.may_look_up_nik_at(user, checkpoint.pk, village_code=checkpoint.village_id):
        raise PermissionDenied(_("You are not an officer of this checkpoint."))
    return checkpoint


def arrivals_visible_to(user) -> QuerySet[Arrival]:
    """Arrivals bound for the user's jurisdiction, or registered at their checkpoint."""
    arrivals = Arrival.objects.select_related("checkpoint", "destination_village__district", "origin_regency")
    return arrivals.filter(scope.arrivals_q(user))


def arrivals_by_district(start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """{kecamatan code: arrivals registered in [start, end) bound there}: the daily tallies' figure
    (handed to health.tallies at start-up)."""
    arrivals = Arrival.objects.filter(registered_at__gte=start, registered_at__lt=end).order_by()
    return dict(arrivals.values_list("destination_village__district_id").annotate(n=Count("id")))


def may_edit_rules(user, regency: str | None = None) -> bool:
    """Does the user set the entry rules of this regency (without one: of any regency)?"""
    return scope.may_edit_entry_rules(user, regency)


def rule_regencies(user) -> list[str]:
    """The served regencies whose entry rules the user sets or applies (their checkpoints' regencies), in order."""
    setter = scope.entry_rule_regencies(user)
    posts = Checkpoint.objects.filter(pk__in=sorted(scope.checkpoints_of(user))).values_list("village_id", flat=True)
    applied = {village[:4] for village in posts}
    return [code for code in settings.SMARTKAMPUNG_REGENCIES if setter.covers_regency(code) or code in applied]


def rule_regency(user, asked: str | None, *, setting: bool = False) -> str | None:
    """The regency a rule is read or written (`setting`) for: the one asked for (when the user may), else the first
    of theirs (for writing: the first whose rules they set, never one whose rules they only apply)."""
    mine = list(scope.entry_rule_regencies(user).whole_regencies()) if setting else rule_regencies(user)
    if asked:
        return asked if asked in mine or scope.may_edit_entry_rules(user, asked) else None
    return mine[0] if mine else None


def may_report_found(user) -> bool:
    return not scope.write_scope(user).nothing


def earlier_arrivals(*, checkpoint: Checkpoint, nik: str, at: dt.datetime | None = None) -> QuerySet[Arrival]:
    """Registrations of the same NIK at the same checkpoint within the repeat window."""
    at = at or timezone.now()
    window = dt.timedelta(hours=settings.CHECKPOINT_REPEAT_WINDOW_HOURS)
    return Arrival.objects.filter(checkpoint=checkpoint, nik=nik, registered_at__gte=at - window).order_by(
        "-registered_at"
    )


def preregistrations_visible_to(user) -> QuerySet[PreRegistration]:
    """Pre-registrations bound for the user's jurisdiction: whoever is told of one (its notification, by
    `accounts.selectors.notification_scope`) may open it."""
    seen = scope.notification_scope(user)
    found = PreRegistration.objects.select_related("destination_village__district", "origin_regency")
    if seen.regency_wide:
        return found
    return found.filter(seen.read.q("destination_village") | seen.wide.q("destination_village"))


def pending_preregistrations(*, code: str = "", nik: str = "") -> QuerySet[PreRegistration]:
    """Expected travellers found by code or NIK (for checkpoint officers only; the caller checks)."""
    found = PreRegistration.objects.filter(status=PreRegistration.Status.PENDING).select_related(
        "destination_village__district", "origin_regency"
    )
    if code:
        return found.filter(code=code.strip().upper())
    if nik:
        return found.filter(nik=nik.strip())
    return found.none()
