"""Retention (core.retention) of the aid module's personal data: an uploaded recipient list (names, NIKs, addresses)
is deleted from disk, and its path from the list, RETENTION_DAYS["import_files"] days after it was read (its rows
are the aid record and stay); the phone a citizen left on an aid report is removed RETENTION_DAYS["reports"] days
after the village decided it (the report and its decision stay)."""

from django.utils.translation import gettext_lazy as _

from smartkampung.aid.models import AidReport, RecipientList
from smartkampung.core import retention

ENDED = (RecipientList.Status.DONE, RecipientList.Status.FAILED)


def _files_due(cutoff):
    return retention.ended_uploads(RecipientList.objects.all(), cutoff, ended=ENDED)


def delete_list_files(cutoff) -> int:
    return retention.delete_files_in_batches(_files_due(cutoff), "file")


def _reports_due(cutoff):
    return AidReport.objects.filter(decided_at__lt=cutoff).exclude(status=AidReport.Status.PENDING).exclude(phone="")


def remove_report_phones(cutoff) -> int:
    return retention.update_in_batches(_reports_due(cutoff), phone="")


retention.register(
    retention.Rule(
        code="import_files",
        label=_("uploaded register and aid list files"),
        what=retention.DELETED,
        count=lambda cutoff: _files_due(cutoff).count(),
        apply=delete_list_files,
        order=60,
    )
)
retention.register(
    retention.Rule(
        code="reports",
        label=_("reporters' phones and contacts on decided aid and tourism reports"),
        what=retention.ANONYMISED,
        count=lambda cutoff: _reports_due(cutoff).count(),
        apply=remove_report_phones,
        order=70,
    )
)
