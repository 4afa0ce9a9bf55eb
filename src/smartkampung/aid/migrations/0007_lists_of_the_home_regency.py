"""The uploads made while lists belonged to the whole deployment become the home regency's. Where the deployment
already served several regencies, such an upload was matched against every regency's register, so its rows placed
in another regency's villages are moved to a list of that regency's of their own (same program, period, file name
and standing): each regency's own upload then replaces its own rows, and no regency keeps another's people in force.
Where a regency's row is not there yet (the region data not loaded) a placeholder row is written that `smartkampung
load_regions` completes. Apart from 0006 and 0008: on PostgreSQL a table whose rows changed in a transaction is not
altered in it."""

from django.conf import settings
from django.db import migrations
from django.db.models import Count

from smartkampung.regions.migration_support import ensure_regency

STATUSES = ("exact", "probable", "review", "none", "invalid")  # aid.models.MatchStatus, as it stands here
COPIED = (
    "program_id", "period", "origin", "original_name", "column_mapping", "status", "current", "error",
    "created_by_id", "started_at", "finished_at",
)  # fmt: skip


def give_regencies(apps, schema_editor):
    RecipientList = apps.get_model("aid", "RecipientList")
    Recipient = apps.get_model("aid", "Recipient")
    uploads = list(RecipientList.objects.filter(origin="file", regency__isnull=True).order_by("pk"))
    if not uploads:
        return
    home, *others = settings.SMARTKAMPUNG_REGENCIES
    ensure_regency(apps, home)
    RecipientList.objects.filter(pk__in=[upload.pk for upload in uploads]).update(regency_id=home)
    for upload in uploads:
        moved = False
        for code in others:
            rows = Recipient.objects.filter(source_id=upload.pk, village__code__startswith=code)
            if not rows.exists():
                continue
            ensure_regency(apps, code)
            counts = _counts(rows)
            total = sum(counts.values())
            part = RecipientList.objects.create(
                regency_id=code, total_rows=total, processed_rows=total, counts=counts,
                **{name: getattr(upload, name) for name in COPIED},
            )  # fmt: skip
            RecipientList.objects.filter(pk=part.pk).update(created_at=upload.created_at)
            rows.update(source_id=part.pk)
            moved = True
        if moved:  # the home regency's list counts what it keeps; kept nothing, it is no list in force
            counts = _counts(Recipient.objects.filter(source_id=upload.pk))
            total = sum(counts.values())
            others_counts = {k: v for k, v in (upload.counts or {}).items() if k not in STATUSES}
            RecipientList.objects.filter(pk=upload.pk).update(
                total_rows=total, processed_rows=total, counts={**others_counts, **counts},
                current=upload.current and total > 0,
            )  # fmt: skip


def _counts(rows) -> dict[str, int]:
    return dict(rows.order_by().values_list("status").annotate(n=Count("id")))


class Migration(migrations.Migration):
    dependencies = [("aid", "0006_list_regency")]

    operations = [migrations.RunPython(give_regencies, migrations.RunPython.noop)]
