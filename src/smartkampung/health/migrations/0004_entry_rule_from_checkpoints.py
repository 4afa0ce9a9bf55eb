import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["entryrule"]


def _relabel(apps, old: str, new: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps, schema_editor):
    _relabel(apps, "checkpoints", "health")


def move_content_types_back(apps, schema_editor):
    _relabel(apps, "health", "checkpoints")


class Migration(migrations.Migration):
    """The entry rule (what refers a traveller, how long isolation lasts) moves here from checkpoints
    with its table (checkpoints_entryrule), so checkpoints build on health and never the other way
    round. Only the state changes; checkpoints 0003 then forgets it."""

    dependencies = [
        ('health', '0003_puskesmas_to_regions'),
        ('checkpoints', '0002_arrivals'),  # created the table checkpoints_entryrule
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='EntryRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('effective_from', models.DateTimeField(verbose_name='in force from')),
                        ('banned_origins', models.JSONField(blank=True, default=list, verbose_name='banned origins')),
                        ('high_risk_origins', models.JSONField(blank=True, default=list, verbose_name='high-risk origins')),
                        ('temperature_threshold', models.DecimalField(decimal_places=1, default=37.5, max_digits=3, verbose_name='temperature threshold (°C)')),
                        ('referral_symptoms', models.JSONField(blank=True, default=list, verbose_name='symptoms that refer to the Puskesmas')),
                        ('isolation_days', models.PositiveSmallIntegerField(default=14, verbose_name='isolation length (days)')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='reason for the change')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='made at')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'entry rule',
                        'verbose_name_plural': 'entry rules',
                        'db_table': 'checkpoints_entryrule',
                        'ordering': ['-effective_from', '-id'],
                        'get_latest_by': 'effective_from',
                        'constraints': [
                            models.CheckConstraint(condition=models.Q(('isolation_days__gte', 1), ('isolation_days__lte', 60)), name='entryrule_isolation_days'),
                            models.CheckConstraint(condition=models.Q(('temperature_threshold__gte', 35), ('temperature_threshold__lte', 42)), name='entryrule_temperature'),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=True),
    ]
