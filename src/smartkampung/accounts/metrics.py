"""Sign-ins locked out now, for /metrics (README "Watching it"): django-axes' attempts with AXES_FAILURE_LIMIT
failures or more whose cool-off has not ended. Found by core's AppConfig.ready."""

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from smartkampung.core import metrics


def locked_out() -> int:
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cool_off = settings.AXES_COOLOFF_TIME
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.count()


metrics.register(
    f"{metrics.PREFIX}logins_locked_out",
    "Username and address pairs locked out of signing in now (too many wrong passwords, cool-off not over).",
    locked_out,
)
