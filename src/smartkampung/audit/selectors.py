"""Reads of the audit log: the administrator searches it; a record's history is shown to whoever may see the record."""

import datetime as dt

from django.db.models import Q, QuerySet

from smartkampung.audit import access
from smartkampung.audit.models import Action, AuditEntry


def may_read_audit(user) -> bool:
    """Whoever reads everything (the administrator), as the access layer says (audit.access)."""
    return access.reads_whole_log(user)


def audit_entries_visible_to(user) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.all() if may_read_audit(user) else AuditEntry.objects.none()


def search_audit(
    *,
    user,
    actor: str = "",
    action: str = "",
    record: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    qs = audit_entries_visible_to(user)
    if actor:
        qs = qs.filter(actor_username__iexact=actor.strip())
    if action in Action.values:
        qs = qs.filter(action=action)
    if record:
        record = record.strip()
        # The one record of an entry is indexed; lists of records are searched as text, which is slow
        # on a long log but exact enough for "who touched this NIK".
        qs = qs.filter(Q(subject=record) | Q(object_ids__icontains=f'"{record}"'))
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    return qs.order_by("-at", "-id")


def history_of(*, user, object_type: str, key: str, visible: bool) -> list[AuditEntry]:
    """The changes of one record, newest first, for someone the caller has checked may see it."""
    if not visible:
        return []
    return list(
        AuditEntry.objects.filter(
            object_type=object_type, subject=key, action__in=[Action.CREATE, Action.UPDATE]
        ).order_by("-at", "-id")[:50]
    )
