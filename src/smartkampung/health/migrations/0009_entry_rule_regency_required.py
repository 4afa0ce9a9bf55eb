import django.db.models.deletion
from django.db import migrations, models

import smartkampung.health.models


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0008_entry_rules_of_the_home_regency"),
    ]

    operations = [
        migrations.AlterField(
            model_name="entryrule",
            name="regency",
            field=models.ForeignKey(
                default=smartkampung.health.models.home_regency,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.regency",
                verbose_name="regency",
            ),
        ),
    ]
