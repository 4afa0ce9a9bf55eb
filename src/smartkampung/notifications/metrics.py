"""What the notifications app tells /readyz and /metrics (README "Watching it"): whether its dispatcher lives
(the heartbeat it writes from its loop), how long the oldest notification has waited for its number (the outbox
lag), and the external deliveries waiting or given up. Found by core's AppConfig.ready."""

from django.conf import settings

from smartkampung.core import health, metrics
from smartkampung.notifications.dispatcher import HEARTBEAT
from smartkampung.notifications.models import Delivery, Notification


def outbox_lag() -> float | None:
    """Seconds the oldest notification without a delivery number has waited, None when none waits (the partial
    index of undelivered rows makes this one short read)."""
    oldest = Notification.objects.filter(seq__isnull=True).order_by("id").values_list("created_at", flat=True).first()
    return health.seconds_since(oldest)


def check_worker() -> health.Check:
    return health.age_check(
        health.heartbeat_age(HEARTBEAT),
        threshold=settings.READYZ_HEARTBEAT_MAX_SECONDS,
        none_ok=False,
        none_detail="no heartbeat yet: is the notification worker running?",
    )


def check_outbox_lag() -> health.Check:
    return health.age_check(
        outbox_lag(),
        threshold=settings.READYZ_OUTBOX_LAG_MAX_SECONDS,
        none_ok=True,
        none_detail="nothing waiting",
    )


def undelivered() -> int:
    return Notification.objects.filter(seq__isnull=True).count()


def lag_seconds() -> float:
    return outbox_lag() or 0.0


def deliveries() -> dict[str, int]:
    waiting_or_given_up = [Delivery.Status.PENDING.value, Delivery.Status.FAILED.value]
    return metrics.counts_by(Delivery.objects.all(), "status", waiting_or_given_up)


health.register("notification_worker", check_worker)
health.register("outbox_lag", check_outbox_lag)

metrics.register(
    f"{metrics.PREFIX}notification_lag_seconds",
    "Seconds the oldest notification not yet numbered and announced has waited (0: none waits).",
    lag_seconds,
)
metrics.register(
    f"{metrics.PREFIX}outbox_undelivered",
    "Notifications written but not yet numbered and announced by the dispatcher.",
    undelivered,
)
metrics.register(
    f"{metrics.PREFIX}deliveries",
    "External deliveries (e-mail, webhook) waiting to be sent or given up after their retries.",
    deliveries,
    labels=["status"],
)
