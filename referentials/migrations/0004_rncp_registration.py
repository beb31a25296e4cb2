from django.db import migrations, models


def outside_rncp(apps, schema_editor):
    """Every existing version is taken as outside the RNCP: the seed CQPM's text (2015 04 54
    0303, 2015) says nothing of a registration, and a published version never changes; a new
    version imported with `rncp_registered: true` says otherwise."""
    Referential = apps.get_model("referentials", "Referential")
    Referential.objects.update(rncp_registered=False, rncp_number="")


class Migration(migrations.Migration):
    dependencies = [
        ("referentials", "0003_lifecycle_checks"),
    ]

    operations = [
        migrations.AddField(
            model_name="referential",
            name="rncp_registered",
            field=models.BooleanField(default=False, verbose_name="inscrit au RNCP"),
        ),
        migrations.AddField(
            model_name="referential",
            name="rncp_number",
            field=models.CharField(blank=True, max_length=32, verbose_name="numéro RNCP"),
        ),
        migrations.RunPython(outside_rncp, migrations.RunPython.noop),
    ]
