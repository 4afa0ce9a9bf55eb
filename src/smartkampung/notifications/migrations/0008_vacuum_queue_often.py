"""The dispatcher reads the undelivered notifications through a partial index (`notification_undelivered`). Each
delivery leaves a dead entry there until the table is vacuumed, and by PostgreSQL's default a table is vacuumed
once a fifth of it is dead: a year of notifications would leave hundreds of thousands of dead entries for every
dispatch to walk. So this table is vacuumed every thousand or so deliveries, as a queue table wants."""

from django.db import migrations

VACUUM_OFTEN = (
    "ALTER TABLE notifications_notification SET "
    "(autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000)"
)
DEFAULTS = "ALTER TABLE notifications_notification RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold)"


def vacuum_often(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(VACUUM_OFTEN)


def defaults(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0007_kinds_registered_by_apps")]

    operations = [migrations.RunPython(vacuum_often, defaults, elidable=False)]
