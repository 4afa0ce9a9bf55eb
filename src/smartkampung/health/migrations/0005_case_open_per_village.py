# One open case per NIK and village, not per regency (issue 13, security 2).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("health", "0004_entry_rule_from_checkpoints"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='monitoringcase',
            name='case_one_open_per_nik',
        ),
        migrations.AddConstraint(
            model_name='monitoringcase',
            constraint=models.UniqueConstraint(condition=models.Q(('outcome', ''), models.Q(('nik', ''), _negated=True)), fields=('nik', 'village'), name='case_one_open_per_nik_village'),
        ),
    ]
