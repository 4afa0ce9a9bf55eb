"""Writing the audit log. Every service that touches personal data calls `record` in its own transaction,
so the entry commits (or rolls back) with the change it describes."""

from typing import Any

from smartkampung.audit import access
from smartkampung.audit.context import current
from smartkampung.audit.models import Action, AuditEntry
from smartkampung.core import requestid


def _actor(user):
    context = current.get()
    if user is None and context is not None:
        user = context.user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return user, context


def entry(
    *,
    action: str,
    object_type: str,
    subject: str = "",
    object_ids: list[str] | None = None,
    changes: dict[str, Any] | None = None,
    detail: dict[str, Any] | None = None,
    user=None,
) -> AuditEntry:
    """The entry `record` writes, not yet saved: for a service that writes it in one round trip with its
    other rows (`notifications.services.notify(also=…)`), still in its own transaction."""
    user, context = _actor(user)
    return AuditEntry(
        actor=user,
        actor_username=user.get_username() if user else "",
        roles=access.roles_of(user),
        action=Action(action),
        object_type=object_type,
        subject=subject[:40],
        object_ids=object_ids or [],
        changes=changes or {},
        detail=detail or {},
        ip=context.ip if context else None,
        path=context.path if context else "",
        request_id=requestid.current.get(),
    )


def record(**fields: Any) -> AuditEntry:
    """Write an audit entry (the fields of `entry`) in the caller's transaction."""
    written = entry(**fields)
    written.save(force_insert=True)
    return written


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {name: [old.get(name), value] for name, value in new.items() if old.get(name) != value}


def record_changes(
    *, object_type: str, changes: dict[str, dict[str, list[Any]]], detail: dict[str, Any] | None = None, user=None
) -> None:
    """One UPDATE entry per changed record (so each record's history finds it), written in one statement."""
    if not changes:
        return
    user, context = _actor(user)
    roles = access.roles_of(user)
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=user,
                actor_username=user.get_username() if user else "",
                roles=roles,
                action=Action.UPDATE,
                object_type=object_type,
                subject=key[:40],
                changes=diff_of_key,
                detail=detail or {},
                ip=context.ip if context else None,
                path=context.path if context else "",
                request_id=requestid.current.get(),
            )
            for key, diff_of_key in changes.items()
        ],
        batch_size=5000,
    )
