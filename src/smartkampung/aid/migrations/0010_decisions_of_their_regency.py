"""The match decisions made while they held in the whole deployment: a decision naming a resident is the resident's
regency's (only its lists are matched to them now); a decision of "nobody" held for every regency served, so each
keeps a copy. Where a regency's row is not there yet (the region data not loaded) a placeholder row is written that
`smartkampung load_regions` completes."""

from django.db import migrations

from smartkampung.regions.migration_support import bind_to_home_regency, ensure_regency


def give_regency(apps, schema_editor):
    MatchDecision = apps.get_model("aid", "MatchDecision")
    linked = MatchDecision.objects.filter(regency__isnull=True, resident__isnull=False)
    for regency in sorted({village[:4] for village in linked.values_list("resident__village_id", flat=True)}):
        ensure_regency(apps, regency)
        linked.filter(resident__village__code__startswith=regency).update(regency_id=regency)
    bind_to_home_regency(apps, MatchDecision.objects.filter(regency__isnull=True))


class Migration(migrations.Migration):
    dependencies = [("aid", "0009_decision_regency")]

    operations = [migrations.RunPython(give_regency, migrations.RunPython.noop)]
