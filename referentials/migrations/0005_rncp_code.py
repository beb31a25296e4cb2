"""The RNCP code (« RNCP35231 », was rncp_number), the registration's end and the blocks' codes:
what the Caisse des Dépôts' deposit names a certification by."""

from django.db import migrations, models

import referentials.validators


def normalize_codes(apps, schema_editor):
    # A frozen copy of referentials.validators.normalize_rncp_code (migrations must not move).
    Referential = apps.get_model("referentials", "Referential")
    for referential in Referential.objects.exclude(rncp_code=""):
        code = "".join(referential.rncp_code.split()).upper()
        if code != referential.rncp_code:
            Referential.objects.filter(pk=referential.pk).update(rncp_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("referentials", "0004_rncp_registration"),
    ]

    operations = [
        migrations.RenameField(
            model_name="referential", old_name="rncp_number", new_name="rncp_code"
        ),
        migrations.AlterField(
            model_name="referential",
            name="rncp_code",
            field=models.CharField(
                blank=True,
                max_length=32,
                validators=[referentials.validators.validate_rncp_code],
                verbose_name="code RNCP",
            ),
        ),
        migrations.RunPython(normalize_codes, migrations.RunPython.noop),
        migrations.AddField(
            model_name="referential",
            name="rncp_registration_end",
            field=models.DateField(
                blank=True, null=True, verbose_name="fin d'enregistrement au RNCP"
            ),
        ),
        migrations.AddField(
            model_name="block",
            name="rncp_code",
            field=models.CharField(
                blank=True,
                max_length=32,
                validators=[referentials.validators.validate_rncp_block_code],
                verbose_name="code RNCP du bloc",
            ),
        ),
    ]
