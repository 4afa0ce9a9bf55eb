"""Retention (core.retention): every rule run that did something is itself audited (counts only), and the audit log's
own personal fields are reduced after RETENTION_DAYS["audit_personal"]: the entry stays (it is the record of who did
what, when), the values in `changes` and the personal values in `detail` go, and the address. On PostgreSQL this
reduction is the one UPDATE the append-only trigger lets through (migration 0004)."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartkampung.audit import services as audit
from smartkampung.audit.models import Action, AuditEntry
from smartkampung.core import retention

# Keys of `detail` whose values are about a person (or typed by one: free text may name anyone). Their values are
# removed (the key stays, with null, so the entry still says that something was given).
PERSONAL_DETAIL_KEYS = frozenset(
    {
        "nik",
        "kk",
        "kk_number",
        "name",
        "phone",
        "address",
        "birth_date",
        "client_ip",
        "ip",
        "q",
        "query",
        "search",
        "subject",
        "actor",
        "note",
        "reason",
        "purpose",
        "file",
        "owner",
        "official",
        "issuer",
        "reporter_contact",
        "citizen_phone",
        "contact",
        "email",
    }
)


def reduced_detail(detail: Any) -> Any:
    if not isinstance(detail, dict):
        return {}
    return {key: (None if key in PERSONAL_DETAIL_KEYS else value) for key, value in detail.items()}


def reduced_changes(changes: Any) -> dict[str, None]:
    """The names of the fields that changed, without their values."""
    return dict.fromkeys(changes, None) if isinstance(changes, dict) else {}


def _due(cutoff):
    return AuditEntry.objects.filter(at__lt=cutoff, reduced_at__isnull=True)


def reduce_entries(cutoff) -> int:
    done = 0
    now = timezone.now()
    for keys in retention.batches(_due(cutoff)):
        entries = list(AuditEntry.objects.filter(pk__in=keys).only("pk", "changes", "detail"))
        for entry in entries:
            entry.changes = reduced_changes(entry.changes)
            entry.detail = reduced_detail(entry.detail)
            entry.ip = None
            entry.reduced_at = now
        done += AuditEntry.objects.bulk_update(entries, ["changes", "detail", "ip", "reduced_at"])
    return done


def record_run(rule: retention.Rule, step: retention.Step) -> None:
    """The audit entry of one rule run: which rule, its days and cutoff, how many rows. Nothing about anyone."""
    audit.record(
        action=Action.DELETE if rule.what == retention.DELETED else Action.UPDATE,
        object_type="retention",
        subject=rule.code,
        detail={
            "rule": rule.code,
            "what": rule.what,
            "days": step.days,
            "cutoff": step.cutoff.isoformat() if step.cutoff else None,
            "due": step.due,
            "done": step.done,
        },
    )


retention.register_recorder(record_run)
retention.register(
    retention.Rule(
        code="audit_personal",
        label=_("audit log: values of changes and personal details, the address"),
        what=retention.REDUCED,
        count=lambda cutoff: _due(cutoff).count(),
        apply=reduce_entries,
        order=900,
    )
)
