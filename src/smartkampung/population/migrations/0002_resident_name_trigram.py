"""PostgreSQL only: a trigram index so that "any part of a name" searches stay fast at 1.7 M rows.

SQLite has no pg_trgm; there the b-tree on name_search serves ordered scans instead.
Creating the extension needs a role allowed to (the CI user is superuser; in production
an administrator may run `CREATE EXTENSION pg_trgm` once beforehand).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS resident_name_trgm ON population_resident USING gin (name_search gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS resident_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("population", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
