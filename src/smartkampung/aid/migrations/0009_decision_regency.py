"""A reviewer's match decision belongs to a regency (aid.models.MatchDecision); 0010 gives the old ones theirs, 0011
makes it required and unique per program, regency and fingerprint."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("aid", "0008_list_regency_constraints"),
        ("regions", "0002_puskesmas_servicearea"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="matchdecision", name="aiddecision_unique"),
        migrations.AddField(
            model_name="matchdecision",
            name="regency",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.regency",
                verbose_name="regency",
            ),
        ),
    ]
