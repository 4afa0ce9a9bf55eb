"""Metrics in the Prometheus text format at /metrics (README "Watching it"), with prometheus-client.

- `RequestMetricsMiddleware` times every request into one histogram labelled by the route's URL pattern (not the
  path: `/api/residents/{resident_id}` is one series however many residents), the method and the status class.
- Gauges computed from the database when /metrics is scraped: each app registers its own from `<app>/metrics.py`
  (found by core's AppConfig.ready) with `register(name, documentation, function, labels=...)`, so core names no
  app. Several apps may add samples to one metric (both kinds of import jobs are `smartkampung_import_jobs`).
- Several web processes (the ASGI server's workers): with the environment variable PROMETHEUS_MULTIPROC_DIR set
  (to an empty directory, emptied at every start of the service, before the workers start), each process writes
  its histogram to files there and a scrape of any one of them adds up all of them (prometheus-client's
  multiprocess mode). Without it, each process answers its own figures only.

/metrics answers 404 unless METRICS_TOKEN is set and the request carries `Authorization: Bearer <METRICS_TOKEN>`.
"""

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from smartkampung.core import health
from smartkampung.core.health import counts_by  # noqa: F401 - for the apps' metrics modules

logger = logging.getLogger(__name__)

PREFIX = "smartkampung_"
CONTENT_TYPE = CONTENT_TYPE_LATEST
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

UNMATCHED = "<unmatched>"  # every path that matches no URL pattern (scanners included): one series
STATIC = "<static>"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_SECONDS = Histogram(
    f"{PREFIX}http_request_duration_seconds",
    "Time from the request reaching Django to the answer's start (a live stream: until it starts streaming).",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=None,  # scraped through `exposition`, never the library's global registry
)


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.route or match.view_name or UNMATCHED
    if settings.STATIC_URL and request.path.startswith(settings.STATIC_URL):
        return STATIC
    return UNMATCHED


class RequestMetricsMiddleware:
    """Times each request into `REQUEST_SECONDS` (route, method, status class)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(route_of(request), method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        return response


# ---------------------------------------------------------------- gauges computed at scrape time

# A function returns the value, or {label value(s): value} for a metric with labels (a tuple when several).
Sample = float | int | None
Reading = Sample | Mapping[str | tuple[str, ...], Sample]


@dataclass
class _Gauge:
    documentation: str
    labels: tuple[str, ...]
    functions: list[Callable[[], Reading]] = field(default_factory=list)


_gauges: dict[str, _Gauge] = {}


def register(name: str, documentation: str, function: Callable[[], Reading], *, labels: Iterable[str] = ()) -> None:
    """A gauge read from the database at each scrape. `name` starts with "smartkampung_"; a second function under
    the same name (and the same labels) adds its samples to the metric. Registering the same function again (a
    module imported twice) changes nothing."""
    labels = tuple(labels)
    if not name.startswith(PREFIX):
        raise ValueError(f"metric names start with {PREFIX!r}: {name!r}")
    gauge = _gauges.setdefault(name, _Gauge(documentation, labels))
    if gauge.labels != labels:
        raise ValueError(f"{name} has the labels {gauge.labels}, not {labels}")
    if not any(_same_function(function, known) for known in gauge.functions):  # named functions, not lambdas
        gauge.functions.append(function)


# One metric several apps add their samples to (each its own `kind`).
IMPORT_JOBS = f"{PREFIX}import_jobs"
IMPORT_JOBS_HELP = "Uploaded files imported in the background, by kind (the app's import) and status."


def _same_function(one, other) -> bool:
    return (one.__module__, one.__qualname__) == (other.__module__, other.__qualname__)


class DatabaseGauges:
    """The registered gauges, read when collected. A function that fails is logged and its samples left out (and
    counted in smartkampung_metrics_errors): one broken figure never hides the others."""

    def collect(self):
        errors = 0
        for name, gauge in _gauges.items():
            family = GaugeMetricFamily(name, gauge.documentation, labels=gauge.labels or None)
            for function in gauge.functions:
                try:
                    reading = function()
                except Exception:
                    logger.exception("metric %s: %s failed", name, function.__qualname__)
                    errors += 1
                    continue
                for label_values, value in _samples(reading):
                    if value is not None:
                        family.add_metric(label_values, float(value))
            yield family
        yield GaugeMetricFamily(f"{PREFIX}metrics_errors", "Gauges left out of this scrape by an error.", errors)


def _samples(reading: Reading):
    if isinstance(reading, Mapping):
        for key, value in reading.items():
            yield (key if isinstance(key, tuple) else (key,)), value
    else:
        yield (), reading


# ---------------------------------------------------------------- the answer


def multiprocess_dir() -> str:
    return os.environ.get(MULTIPROCESS_ENV, "")


def exposition() -> bytes:
    """Everything, in the Prometheus text format: the request histogram (of every web process in multiprocess
    mode) and the database gauges."""
    registry = CollectorRegistry()
    if multiprocess_dir():
        MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(DatabaseGauges())
    return generate_latest(registry)


def authorized(request) -> bool:
    """The request carries the deployment's token (compared in constant time); no token set, no metrics."""
    token = settings.METRICS_TOKEN
    if not token:
        return False
    offered = request.headers.get("Authorization", "")
    return hmac.compare_digest(offered.encode(), f"Bearer {token}".encode())


# ---------------------------------------------------------------- what core itself measures

TASK_STATUSES = {"READY": "queued", "RUNNING": "running", "FAILED": "failed"}


def tasks_by_status() -> dict[str, int]:
    counts = health.task_counts()
    return {label: counts[status] for status, label in TASK_STATUSES.items()}


def oldest_task_age() -> float:
    return health.oldest_ready_task_age() or 0.0


def heartbeat_ages() -> dict[str, float]:
    from smartkampung.core.models import WorkerHeartbeat

    latest = WorkerHeartbeat.objects.values_list("worker").annotate(latest=Max("beat_at")).order_by()
    return {worker: health.seconds_since(beat_at) for worker, beat_at in latest}


register(
    f"{PREFIX}tasks",
    "Tasks of the background task queue (django_tasks_db) by status: queued (ready to run), running, failed.",
    tasks_by_status,
    labels=["status"],
)
register(
    f"{PREFIX}task_oldest_queued_age_seconds",
    "Seconds the longest-waiting ready task has waited (0: none waits).",
    oldest_task_age,
)
register(
    f"{PREFIX}worker_heartbeat_age_seconds",
    "Seconds since the freshest heartbeat of any process doing the worker's work.",
    heartbeat_ages,
    labels=["worker"],
)
