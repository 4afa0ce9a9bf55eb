"""The register's import jobs by status for /metrics (README "Watching it"). Found by core's AppConfig.ready."""

from smartkampung.core import metrics
from smartkampung.population.models import ImportJob


def import_jobs() -> dict[tuple[str, str], int]:
    counts = metrics.counts_by(ImportJob.objects.all(), "status", ImportJob.Status.values)
    return {("register", status): rows for status, rows in counts.items()}


metrics.register(metrics.IMPORT_JOBS, metrics.IMPORT_JOBS_HELP, import_jobs, labels=["kind", "status"])
