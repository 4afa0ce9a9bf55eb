"""The uploads made while lists belonged to the whole deployment were the home regency's: they stay its (their rows
keep the villages they were matched to). Where the home regency's row is not there yet (the region data not loaded)
a placeholder row is written that `smartkampung load_regions` completes. Apart from 0006 and 0008: on PostgreSQL a
table whose rows changed in a transaction is not altered in it."""

from django.conf import settings
from django.db import migrations

from smartkampung.regions.migration_support import ensure_regency


def give_home_regency(apps, schema_editor):
    RecipientList = apps.get_model("aid", "RecipientList")
    uploads = RecipientList.objects.filter(origin="file", regency__isnull=True)
    if uploads.exists():
        ensure_regency(apps, settings.SMARTKAMPUNG_REGENCY)
        uploads.update(regency_id=settings.SMARTKAMPUNG_REGENCY)


class Migration(migrations.Migration):
    dependencies = [("aid", "0006_list_regency")]

    operations = [
        migrations.RunPython(give_home_regency, migrations.RunPython.noop),
    ]
