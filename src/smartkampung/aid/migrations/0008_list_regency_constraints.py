"""One list in force per program and regency; an upload belongs to a regency (after 0007 gave the old ones theirs)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("aid", "0007_lists_of_the_home_regency")]

    operations = [
        migrations.AddConstraint(
            model_name="recipientlist",
            constraint=models.UniqueConstraint(
                condition=models.Q(("current", True), ("origin", "file")),
                fields=("program", "regency"),
                name="aidlist_one_current_upload",
            ),
        ),
        migrations.AddConstraint(
            model_name="recipientlist",
            constraint=models.UniqueConstraint(
                condition=models.Q(("current", True), ("origin", "reports")),
                fields=("program",),
                name="aidlist_one_current_enrolment",
            ),
        ),
        migrations.AddConstraint(
            model_name="recipientlist",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("origin", "file"), ("regency__isnull", False)),
                    models.Q(("origin", "reports"), ("regency__isnull", True)),
                    _connector="OR",
                ),
                name="aidlist_regency_of_uploads",
            ),
        ),
    ]
