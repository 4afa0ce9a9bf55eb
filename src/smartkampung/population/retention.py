"""Retention (core.retention): an uploaded register file (a SIAK export: every resident's data) is deleted from disk,
and its path from the import job, RETENTION_DAYS["import_files"] days after its import ended. The job stays with its
file name and counts; the residents it imported are the register and stay."""

from django.utils.translation import gettext_lazy as _

from smartkampung.core import retention
from smartkampung.population.models import ImportJob

ENDED = (ImportJob.Status.DONE, ImportJob.Status.FAILED)


def _due(cutoff):
    return retention.ended_uploads(ImportJob.objects.all(), cutoff, ended=ENDED)


def delete_files(cutoff) -> int:
    return retention.delete_files_in_batches(_due(cutoff), "file")


retention.register(
    retention.Rule(
        code="import_files",
        label=_("uploaded register and aid list files"),
        what=retention.DELETED,
        count=lambda cutoff: _due(cutoff).count(),
        apply=delete_files,
        order=60,
    )
)
