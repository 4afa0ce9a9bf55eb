"""The default health-protocol checklists (tourism/checklist.py) for every kind of place."""

from django.db import migrations


def load(apps, schema_editor):
    from smartkampung.tourism.checklist import load_checklists

    load_checklists(apps.get_model("tourism", "ChecklistItem"))


class Migration(migrations.Migration):
    dependencies = [("tourism", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
