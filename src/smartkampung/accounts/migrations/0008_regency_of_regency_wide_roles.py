"""The regency-wide roles given before roles named their regency served the home regency: they keep it.

Runs on every database, fresh or not: with no such role it does nothing; where the home regency's row is not
there yet (the region data not loaded), it writes a placeholder row (named by its code) that
`smartkampung load_regions` completes, rather than fail or drop a role."""

from django.db import migrations

from smartkampung.regions.migration_support import bind_to_home_regency

REGENCY_BOUND = ("regency_admin", "health_agency", "social_agency", "tourism_agency")


def give_home_regency(apps, schema_editor):
    RoleAssignment = apps.get_model("accounts", "RoleAssignment")
    bind_to_home_regency(apps, RoleAssignment.objects.filter(role__in=REGENCY_BOUND, regency__isnull=True))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_regency_jurisdiction"),
        ("regions", "0002_puskesmas_servicearea"),
    ]

    operations = [migrations.RunPython(give_home_regency, migrations.RunPython.noop)]
