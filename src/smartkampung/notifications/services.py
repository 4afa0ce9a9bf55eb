"""Writes of notifications: the outbox (`notify`), the dispatcher's steps (`dispatch_batch`,
`escalate_due`, `deliver_due`) and following up (`acknowledge_notification`)."""

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from smartkampung.accounts.selectors import write_scope
from smartkampung.audit import services as audit
from smartkampung.core.db import insert_rows
from smartkampung.notifications import channels, kinds, live
from smartkampung.notifications.models import Delivery, DispatchCursor, Notification
from smartkampung.notifications.selectors import item
from smartkampung.regions.models import Village
from smartkampung.regions.selectors import area_of

logger = logging.getLogger(__name__)

DISPATCH_BATCH = 500
# While a delivery is being sent nobody else picks it; a worker killed mid-send retries after this.
DELIVERY_LEASE = timedelta(minutes=2)
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600


class AcknowledgeForbidden(PermissionDenied):
    """The user may see the notification but not confirm its follow-up (only the village may)."""


def notify(
    *,
    kind: str,
    village_code: str,
    subject_type: str,
    subject_id: int,
    summary: dict[str, Any],
    actor=None,
    also: Sequence[models.Model] = (),
) -> Notification:
    """Put a notification in the outbox, inside the caller's transaction: it exists if and only if the
    caller commits. Nothing is sent here; the dispatcher is woken when the transaction commits.
    `kind` is one registered in `notifications.kinds` by the app that writes it; any other is refused.
    `also`: the caller's own new rows (its audit entries), written with the outbox row in one round trip (the
    registration desk's path); they and the notification get no ids back."""
    if not kinds.is_registered(kind):
        raise ValueError(f"unregistered notification kind {kind!r}: register it in the app's notification_kinds.py")
    if kind == kinds.ESCALATION:
        raise ValueError("escalations are made by the dispatcher")
    area = area_of(village_code)
    if area is None:
        raise Village.DoesNotExist(f"no village {village_code!r}")
    district_id, puskesmas_id = area
    notification = Notification(
        kind=kind,
        village_id=village_code,
        district_id=district_id,
        puskesmas_id=puskesmas_id,
        subject_type=subject_type,
        subject_id=subject_id,
        summary={key: value for key, value in summary.items() if value not in (None, "")},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if also:
        insert_rows([*also, notification])
    else:
        notification.save(force_insert=True)
    live.outbox_written()
    return notification


# ---------------------------------------------------------------- the dispatcher's steps


@dataclass(frozen=True)
class Dispatched:
    first_seq: int
    last_seq: int
    villages: tuple[str, ...]
    deliveries: int

    @property
    def count(self) -> int:
        return self.last_seq - self.first_seq + 1


def _locked_cursor() -> DispatchCursor:
    cursor = DispatchCursor.objects.select_for_update().filter(pk=1).first()
    if cursor is None:  # a fresh (or flushed) database
        try:
            with transaction.atomic():
                highest = Notification.objects.aggregate(highest=Max("seq"))["highest"] or 0
                DispatchCursor.objects.create(pk=1, last_seq=highest)
        except IntegrityError:
            pass  # another dispatcher made it first
        cursor = DispatchCursor.objects.select_for_update().get(pk=1)
    return cursor


def dispatch_batch(*, limit: int = DISPATCH_BATCH, hold_seconds: float = 0.0) -> Dispatched | None:
    """Give the oldest undelivered notifications their delivery numbers, queue their external deliveries
    and announce them to the live streams, all in one transaction: a crash before the commit leaves
    them undelivered, and the next run does it again. `hold_seconds` keeps the transaction open
    (for tests that kill the worker mid-batch)."""
    with transaction.atomic():
        cursor = _locked_cursor()
        pending = list(
            Notification.objects.filter(seq__isnull=True)
            .order_by("id")
            .only("id", "kind", "village", "district")[:limit]
        )
        if not pending:
            return None
        now = timezone.now()
        for number, notification in enumerate(pending, start=cursor.last_seq + 1):
            notification.seq, notification.delivered_at = number, now
        Notification.objects.bulk_update(pending, ["seq", "delivered_at"])
        cursor.last_seq = pending[-1].seq
        cursor.save(update_fields=["last_seq"])
        deliveries = Delivery.objects.bulk_create(channels.targets_for(pending), ignore_conflicts=True)
        dispatched = Dispatched(
            first_seq=pending[0].seq,
            last_seq=pending[-1].seq,
            villages=tuple(sorted({n.village_id for n in pending})),
            deliveries=len(deliveries),
        )
        live.batch_dispatched(first=dispatched.first_seq, last=dispatched.last_seq, villages=dispatched.villages)
        if hold_seconds:
            time.sleep(hold_seconds)
    return dispatched


def escalate_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Escalate arrivals, refusals and wandering newcomers nobody followed up within
    NOTIFY_ESCALATE_AFTER_MINUTES: the original is marked, and an escalation for the kecamatan and the
    regency goes through the outbox. Returns how many were escalated."""
    minutes = settings.NOTIFY_ESCALATE_AFTER_MINUTES
    if minutes <= 0:
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                kind__in=kinds.escalating(),
                acknowledged_at__isnull=True,
                escalated_at__isnull=True,
                created_at__lte=now - timedelta(minutes=minutes),
            )
            .order_by("id")[:limit]
        )
        if not due:
            return 0
        Notification.objects.bulk_create(
            [
                Notification(
                    kind=kinds.ESCALATION,
                    village_id=original.village_id,
                    district_id=original.district_id,
                    puskesmas_id=original.puskesmas_id,
                    subject_type=original.subject_type,
                    subject_id=original.subject_id,
                    summary={**original.summary, "escalated_kind": original.kind, "waited_minutes": minutes},
                    created_at=now,
                    escalation_of=original,
                )
                for original in due
            ]
        )
        Notification.objects.filter(pk__in=[n.pk for n in due]).update(escalated_at=now)
        live.outbox_written()
    return len(due)


def acknowledge_notification(*, user, notification: Notification) -> Notification:
    """The village confirms it has followed the notification up ("sudah ditindaklanjuti"). Acknowledging
    an arrival resolves its escalation too, and the other way round. Idempotent."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        if user is not None and not write_scope(user).covers(notification.village_id):
            raise AcknowledgeForbidden(_("Only the village's operator may confirm the follow-up."))
        if notification.acknowledged_at is not None:
            return notification
        now = timezone.now()
        related = [notification.escalation_of_id] if notification.escalation_of_id else []
        related += list(Notification.objects.filter(escalation_of=notification).values_list("pk", flat=True))
        notification.acknowledged_at, notification.acknowledged_by = now, user
        notification.save(update_fields=["acknowledged_at", "acknowledged_by"])
        if related:
            Notification.objects.filter(pk__in=related, acknowledged_at__isnull=True).update(
                acknowledged_at=now, acknowledged_by=user
            )
        audit.record(
            action="update",
            object_type="notification",
            subject=str(notification.pk),
            object_ids=[str(pk) for pk in [notification.pk, *related]],
            changes={"acknowledged_at": [None, now]},
            detail={"kind": notification.kind, "village": notification.village_id},
            user=user,
        )
    return notification


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1), RETRY_MAX_SECONDS))


def deliver_due(*, now: datetime | None = None, limit: int = 50) -> int:
    """Send the external deliveries that are due, each at most once at a time: they are leased in a short
    transaction, sent outside any transaction, then marked sent, retried later (exponential backoff) or,
    after NOTIFY_DELIVERY_MAX_ATTEMPTS, failed. Returns how many were attempted."""
    now = now or timezone.now()
    with transaction.atomic():
        batch = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:limit]
        )
        for delivery in batch:
            delivery.attempts += 1
            delivery.next_attempt_at = now + DELIVERY_LEASE
        Delivery.objects.bulk_update(batch, ["attempts", "next_attempt_at"])
    for delivery in batch:
        try:
            channels.SENDERS[delivery.channel](delivery, item(delivery.notification_id))
        except channels.ChannelError as exc:
            final = delivery.attempts >= settings.NOTIFY_DELIVERY_MAX_ATTEMPTS
            delivery.status = Delivery.Status.FAILED if final else Delivery.Status.PENDING
            delivery.next_attempt_at = now + _retry_delay(delivery.attempts)
            delivery.last_error = str(exc)[:300]
            logger.warning("notification delivery %s (%s) failed: %s", delivery.pk, delivery.channel, exc)
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
        else:
            delivery.status, delivery.sent_at = Delivery.Status.SENT, timezone.now()
            delivery.save(update_fields=["status", "sent_at"])
    return len(batch)
