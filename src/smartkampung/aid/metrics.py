"""The aid recipient lists' uploads by status for /metrics (README "Watching it"); the lists enrolled from
citizens' reports are no import. Found by core's AppConfig.ready."""

from smartkampung.aid.models import RecipientList
from smartkampung.core import metrics


def list_imports() -> dict[tuple[str, str], int]:
    uploads = RecipientList.objects.filter(origin=RecipientList.Origin.FILE)
    counts = metrics.counts_by(uploads, "status", RecipientList.Status.values)
    return {("aid_list", status): rows for status, rows in counts.items()}


metrics.register(metrics.IMPORT_JOBS, metrics.IMPORT_JOBS_HELP, list_imports, labels=["kind", "status"])
