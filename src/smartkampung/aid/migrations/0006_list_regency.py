"""A recipient list belongs to a regency (README "Social aid": one list in force per program and regency); 0007 gives
the old uploads theirs, 0008 adds the constraints."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("aid", "0005_conflict_given_up"),
        ("regions", "0002_puskesmas_servicearea"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="recipientlist",
            name="aidlist_one_current",
        ),
        migrations.AddField(
            model_name="recipientlist",
            name="regency",
            field=models.ForeignKey(
                blank=True,
                help_text="whose list it is: matched against this regency's register only",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.regency",
                verbose_name="regency",
            ),
        ),
    ]
