"""DHIS2 pushes for /metrics (README "Watching it"): the current report versions whose push failed for good (a
push of a version superseded by a correction is not a failure: the correction is sent instead), and the pushes
waiting after a failed attempt. Found by core's AppConfig.ready."""

from smartkampung.core import metrics
from smartkampung.health.models import ReportPush


def push_failures() -> int:
    return ReportPush.objects.filter(status=ReportPush.Status.FAILED, report__is_current=True).count()


def pushes_retrying() -> int:
    return ReportPush.objects.filter(status=ReportPush.Status.PENDING, attempts__gt=0).count()


metrics.register(
    f"{metrics.PREFIX}dhis2_push_failures",
    "Current daily reports whose push to DHIS2 failed after its retries (resend from the report's page).",
    push_failures,
)
metrics.register(
    f"{metrics.PREFIX}dhis2_pushes_retrying",
    "Pushes to DHIS2 waiting for their next attempt after a failed one.",
    pushes_retrying,
)
