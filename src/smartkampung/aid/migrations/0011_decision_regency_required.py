"""A match decision's regency is required, and a decision unique per program, regency and fingerprint."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("aid", "0010_decisions_of_their_regency")]

    operations = [
        migrations.AlterField(
            model_name="matchdecision",
            name="regency",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.regency",
                verbose_name="regency",
            ),
        ),
        migrations.AddConstraint(
            model_name="matchdecision",
            constraint=models.UniqueConstraint(
                fields=("program", "regency", "fingerprint"), name="aiddecision_unique_in_regency"
            ),
        ),
    ]
