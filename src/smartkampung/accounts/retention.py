"""Retention (core.retention): sign-in attempts, lockouts and the sign-in log (django-axes: user names and client
addresses) after RETENTION_DAYS["login_attempts"]; ended sessions at every run."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.utils.translation import gettext_lazy as _

from smartkampung.core import retention

AXES_MODELS = (AccessAttempt, AccessFailureLog, AccessLog)


def _count_attempts(cutoff) -> int:
    return sum(model.objects.filter(attempt_time__lt=cutoff).count() for model in AXES_MODELS)


def _delete_attempts(cutoff) -> int:
    return sum(retention.delete_in_batches(model.objects.filter(attempt_time__lt=cutoff)) for model in AXES_MODELS)


def _ended_sessions(now):
    return Session.objects.filter(expire_date__lt=now)


retention.register(
    retention.Rule(
        code="login_attempts",
        label=_("sign-in attempts, lockouts and the sign-in log"),
        what=retention.DELETED,
        count=_count_attempts,
        apply=_delete_attempts,
        order=810,
    )
)
retention.register(
    retention.Rule(
        code="sessions",
        label=_("ended sessions"),
        what=retention.DELETED,
        count=lambda now: _ended_sessions(now).count(),
        apply=lambda now: retention.delete_in_batches(_ended_sessions(now)),
        always=True,
        order=820,
    )
)
