"""The entry rules written while one rule served the whole deployment were the home regency's: they stay its.

Runs on every database: with no rule it does nothing; where the home regency's row is not there yet (the region
data not loaded) it writes a placeholder row that `smartkampung load_regions` completes."""

from django.db import migrations

from smartkampung.regions.migration_support import bind_to_home_regency


def give_home_regency(apps, schema_editor):
    EntryRule = apps.get_model("health", "EntryRule")
    bind_to_home_regency(apps, EntryRule.objects.filter(regency__isnull=True))


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0007_entry_rule_regency"),
    ]

    operations = [migrations.RunPython(give_home_regency, migrations.RunPython.noop)]
