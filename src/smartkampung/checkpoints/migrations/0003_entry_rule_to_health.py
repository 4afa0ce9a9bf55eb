import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The entry rule moved to health with its table (checkpoints_entryrule): state only."""

    dependencies = [
        ('checkpoints', '0002_arrivals'),
        ('health', '0004_entry_rule_from_checkpoints'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='arrival',
                    name='rule',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='health.entryrule'),
                ),
                migrations.DeleteModel(name='EntryRule'),
            ],
        ),
    ]
