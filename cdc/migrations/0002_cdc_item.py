"""Tracking per deposited item (one idTechnique), not per registration: `CdcHolder` becomes
`CdcItem` (its rows kept, each given the idTechnique of its last entry), a registration may hold
one item for its certification and one per validated block; entries name their block. A flux's
file may be emptied by an erasure (`redacted_at`)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_id_technique(apps, schema_editor):
    CdcItem = apps.get_model("cdc", "CdcItem")
    items = list(CdcItem.objects.select_related("entry").only("pk", "entry__id_technique"))
    for item in items:
        item.id_technique = item.entry.id_technique
    CdcItem.objects.bulk_update(items, ["id_technique"], batch_size=1000)


def empty_id_technique(apps, schema_editor):
    pass  # the column goes away with the reverse of AddField


class Migration(migrations.Migration):

    dependencies = [
        ("cdc", "0001_initial"),
        ("referentials", "0005_rncp_code"),
    ]

    operations = [
        migrations.AddField(
            model_name="cdcentry",
            name="block",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="referentials.block"),
        ),
        migrations.AlterField(
            model_name="cdcentry",
            name="fingerprint",
            field=models.CharField(blank=True, max_length=64, verbose_name="empreinte des données"),
        ),
        migrations.AddField(
            model_name="cdcflux",
            name="redacted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="expurgé le"),
        ),
        migrations.AlterField(
            model_name="cdcflux",
            name="file",
            field=models.FileField(blank=True, max_length=255, upload_to="cdc/flux/", verbose_name="fichier"),
        ),
        migrations.RemoveConstraint(model_name="cdcholder", name="cdc_cdcholder_status_valid"),
        migrations.RenameModel(old_name="CdcHolder", new_name="CdcItem"),
        migrations.AlterModelOptions(
            name="cdcitem",
            options={"verbose_name": "élément déposé à la CDC", "verbose_name_plural": "éléments déposés à la CDC"},
        ),
        migrations.AlterField(
            model_name="cdcitem",
            name="registration",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="cdc_items", to="candidates.registration"),
        ),
        migrations.AddField(
            model_name="cdcitem",
            name="block",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="referentials.block"),
        ),
        migrations.AddField(
            model_name="cdcitem",
            name="id_technique",
            field=models.CharField(default="", max_length=255, verbose_name="identifiant technique"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_id_technique, empty_id_technique),
        migrations.AlterField(
            model_name="cdcitem",
            name="id_technique",
            field=models.CharField(max_length=255, unique=True, verbose_name="identifiant technique"),
        ),
        migrations.AddConstraint(
            model_name="cdcitem",
            constraint=models.CheckConstraint(condition=models.Q(("status__in", ["deposited", "accepted", "rejected", "withdrawn"])), name="cdc_cdcitem_status_valid"),
        ),
        migrations.AddConstraint(
            model_name="cdcitem",
            constraint=models.UniqueConstraint(condition=models.Q(("block__isnull", True)), fields=("registration",), name="cdc_item_one_certification_per_registration"),
        ),
        migrations.AddConstraint(
            model_name="cdcitem",
            constraint=models.UniqueConstraint(fields=("registration", "block"), name="cdc_item_one_per_block"),
        ),
    ]
