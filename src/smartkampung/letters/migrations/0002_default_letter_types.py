from django.db import migrations


def load(apps, schema_editor):
    from smartkampung.letters.defaults import load_letter_types

    load_letter_types(apps.get_model("letters", "LetterType"), apps.get_model("letters", "ChainStep"))


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
