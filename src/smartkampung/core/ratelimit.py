"""Per-client rate limits that hold across processes: an atomic upsert on core_ratecounter."""

import time
from dataclasses import dataclass

from django.db import connection, transaction

from smartkampung.core.http import client_address
from smartkampung.core.models import RateCounter


@dataclass(frozen=True)
class Limit:
    requests: int
    seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def hit(*, scope: str, client: str, limits: tuple[Limit, ...], now: float | None = None) -> Verdict:
    """Count one request of `client` against every limit; refuse it when any is exceeded."""
    now = time.time() if now is None else now
    table = RateCounter._meta.db_table
    verdict = Verdict(allowed=True)
    with transaction.atomic(), connection.cursor() as cursor:
        for limit in limits:
            window = int(now // limit.seconds) * limit.seconds
            # One statement, so two processes counting at once cannot both read the old count.
            cursor.execute(
                f"INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608 - our table name
                f"ON CONFLICT (key, window_start) DO UPDATE SET count = {table}.count + 1 RETURNING count",
                [f"{scope}:{limit.seconds}:{client}"[:200], window],
            )
            count = cursor.fetchone()[0]
            if count > limit.requests:
                verdict = Verdict(
                    allowed=False, retry_after=max(verdict.retry_after, window + limit.seconds - int(now))
                )
    return verdict


def forget_old(*, older_than_seconds: int = 86400) -> int:
    deleted, _ = RateCounter.objects.filter(window_start__lt=int(time.time()) - older_than_seconds).delete()
    return deleted


def allow(request, response, *, scope: str, limits: tuple[Limit, ...]) -> bool:
    """Count this client's request; when refused, set Retry-After on `response` and return False."""
    verdict = hit(scope=scope, client=client_address(request) or "unknown", limits=limits)
    if not verdict.allowed:
        response["Retry-After"] = str(verdict.retry_after)
    return verdict.allowed
