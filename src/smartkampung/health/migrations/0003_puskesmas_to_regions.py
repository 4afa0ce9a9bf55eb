import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The Puskesmas and their service areas moved to regions with their tables: health forgets them
    (state only), after every app pointing at them points at regions.Puskesmas."""

    dependencies = [
        ('health', '0002_cases_followups_reports'),
        ('regions', '0002_puskesmas_servicearea'),
        ('accounts', '0005_puskesmas_in_regions'),
        ('isolation', '0002_puskesmas_in_regions'),
        ('notifications', '0006_puskesmas_in_regions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='monitoringcase',
                    name='puskesmas',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='regions.puskesmas', verbose_name='Puskesmas'),
                ),
                migrations.AlterField(
                    model_name='dailyreport',
                    name='puskesmas',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='regions.puskesmas'),
                ),
                migrations.DeleteModel(name='ServiceArea'),
                migrations.DeleteModel(name='Puskesmas'),
            ],
        ),
    ]
