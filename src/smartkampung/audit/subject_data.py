"""The audit log's record of who touched one NIK's data: when, what they did, on which kind of record, through
which page, and in which roles. Not the staff member's username nor their address: those are the staff's own
personal data, and the person's right is to know how their data was processed, not to name each clerk. The entry's
number lets the regency administrator find the full entry at /audit/ when a complaint needs it."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smartkampung.audit import access
from smartkampung.audit.models import AuditEntry
from smartkampung.core.subject_data import fields, plain, register


def accesses(nik: str) -> list[dict]:
    rows = AuditEntry.objects.filter(Q(subject=nik) | Q(object_ids__icontains=f'"{nik}"')).order_by("at", "id")
    return [
        {
            "entry": entry.pk,
            **fields(entry, ("at", "action", "object_type", "path")),
            # The old and new values of the person's own record (an entry naming many records keeps none).
            "changes": plain(entry.changes) if entry.subject == nik else {},
            "roles": [access.role_label(code) for code in entry.roles.split(",") if code],
        }
        for entry in rows
    ]


register("audit", _("Who accessed the data (audit log)"), accesses, order=90)
