import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0006_case_anonymised"),
        ("regions", "0002_puskesmas_servicearea"),
    ]

    operations = [
        migrations.AddField(
            model_name="entryrule",
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
