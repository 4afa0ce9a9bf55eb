"""Reads of the checkpoint module, scoped to who asks."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.models import Role
from smartkampung.accounts.selectors import checkpoints_of, read_scope, roles_of
from smartkampung.checkpoints.models import Arrival, Checkpoint, EntryRule, PreRegistration

# The health agency watches every arrival of the regency; others see their jurisdiction.
REGENCY_WIDE = frozenset({Role.REGENCY_ADMIN, Role.HEALTH_AGENCY})


def _regency_wide(user) -> bool:
    return bool(roles_of(user) & REGENCY_WIDE)


def checkpoints_for_officer(user) -> QuerySet[Checkpoint]:
    """The checkpoints where the user registers travellers (the administrator: all of them)."""
    active = Checkpoint.objects.filter(active=True).select_related("village")
    if read_scope(user).everything:
        return active
    return active.filter(pk__in=checkpoints_of(user))


def officer_checkpoint(user, code: str) -> Checkpoint:
    """The checkpoint with this code where the user registers travellers; PermissionDenied otherwise
    (for pages and API alike: an officer elsewhere learns nothing more than "not yours")."""
    checkpoint = checkpoints_for_officer(user).filter(code=code).first()
    if checkpoint is None:
        raise PermissionDenied(_("You are not an officer of this checkpoint."))
    return checkpoint


def arrivals_visible_to(user) -> QuerySet[Arrival]:
    """Arrivals bound for the user's jurisdiction, or registered at their checkpoint."""
    arrivals = Arrival.objects.select_related("checkpoint", "destination_village__district", "origin_regency")
    if _regency_wide(user):
        return arrivals
    query = read_scope(user).q("destination_village")
    posts = checkpoints_of(user)
    if posts:
        query |= Q(checkpoint_id__in=sorted(posts))
    return arrivals.filter(query)


def may_edit_rules(user) -> bool:
    return _regency_wide(user)


def may_report_found(user) -> bool:
    from smartkampung.accounts.selectors import write_scope

    return not write_scope(user).nothing


def rule_in_force(at: dt.datetime | None = None) -> EntryRule | None:
    return EntryRule.objects.filter(effective_from__lte=at or timezone.now()).order_by("-effective_from", "-id").first()


def earlier_arrivals(*, checkpoint: Checkpoint, nik: str, at: dt.datetime | None = None) -> QuerySet[Arrival]:
    """Registrations of the same NIK at the same checkpoint within the repeat window."""
    at = at or timezone.now()
    window = dt.timedelta(hours=settings.CHECKPOINT_REPEAT_WINDOW_HOURS)
    return Arrival.objects.filter(checkpoint=checkpoint, nik=nik, registered_at__gte=at - window).order_by(
        "-registered_at"
    )


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
