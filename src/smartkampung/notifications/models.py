"""Notifications to the people responsible for a village, written as a transactional outbox.

A registration inserts a `Notification` in its own transaction; the dispatcher later gives it a
delivery sequence number (`seq`) and queues its external `Delivery`s. Live streams read by `seq`,
which, unlike `id`, is assigned in commit order, so a stream cursor never skips a row. The kinds of
notification are registered by the apps that write them (`notifications.kinds`).
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartkampung.notifications import kinds
from smartkampung.regions.models import District, Puskesmas, Village


class Notification(models.Model):
    """Something the village's operators, its kecamatan and its Puskesmas must know of and act on."""

    # A code registered in `notifications.kinds` by the app that writes it (checked by `notify`).
    kind = models.CharField(_("kind"), max_length=kinds.MAX_CODE_LENGTH)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    # Copied from the village at writing, so the kecamatan's copy and the Puskesmas's share stay
    # with the notification even if the village is later assigned elsewhere.
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("kecamatan"))
    puskesmas = models.ForeignKey(
        Puskesmas, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Puskesmas")
    )
    subject_type = models.CharField(_("record type"), max_length=30)
    subject_id = models.BigIntegerField(_("record"))
    summary = models.JSONField(_("summary"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Delivery sequence: set by the dispatcher under the cursor lock, so seq order is commit order.
    seq = models.BigIntegerField(_("delivery number"), null=True, blank=True, unique=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("followed up by"),
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalation_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="escalation"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The dispatcher's queue: only the few undelivered rows are in this index.
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="notification_undelivered"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(acknowledged_at__isnull=True, escalated_at__isnull=True),
                name="notification_open",
            ),
            models.Index(fields=["village", "-created_at"], name="notification_village_recent"),
            models.Index(fields=["district", "-created_at"], name="notification_district_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seq__isnull=True, delivered_at__isnull=True)
                | models.Q(seq__isnull=False, delivered_at__isnull=False),
                name="notification_seq_with_delivered_at",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="escalation", escalation_of__isnull=False)
                | (~models.Q(kind="escalation") & models.Q(escalation_of__isnull=True)),
                name="notification_escalation_has_original",
            ),
            models.CheckConstraint(
                condition=models.Q(acknowledged_at__isnull=True) | models.Q(acknowledged_by__isnull=False),
                name="notification_acknowledged_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{kinds.label_of(self.kind)} — {self.village_id} #{self.pk}"


class DispatchCursor(models.Model):
    """The one row (pk 1) holding the last delivery sequence number given out. The dispatcher locks it,
    so two dispatchers never interleave and a later seq always commits after an earlier one."""

    last_seq = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("dispatch cursor")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="dispatchcursor_singleton")]

    def __str__(self) -> str:
        return str(self.last_seq)


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    WEBHOOK = "webhook", _("webhook")


class Delivery(models.Model):
    """One notification to be sent over one external channel to one target (an address or a URL).
    Queued with the notification's seq, sent later with retries; the in-app stream never waits for it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    target = models.CharField(_("to"), max_length=300)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="delivery_pending_due")
        ]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel", "target"], name="delivery_once_per_target"),
            models.CheckConstraint(condition=models.Q(channel__in=["email", "webhook"]), name="delivery_channel"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sent", "failed"]), name="delivery_status"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False), name="delivery_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.target} ({self.status})"
