"""Who is the same person moves from Python into the database: an identity key (names without case
or accents) filled for every existing person, then one row per identity key and birth date."""

import unicodedata

from django.db import migrations, models
from django.db.models import Q


def _normalize(value: str) -> str:
    # A frozen copy of candidates.validators.normalize_person_name (migrations must not move).
    decomposed = unicodedata.normalize("NFKD", str(value))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for sep in "-'’":
        bare = bare.replace(sep, " ")
    return " ".join(bare.casefold().split())


def fill_identity(apps, schema_editor):
    Candidate = apps.get_model("candidates", "Candidate")
    seen: dict[tuple, int] = {}
    batch = []
    for candidate in Candidate.objects.order_by("pk").iterator(chunk_size=2000):
        key = f"{_normalize(candidate.last_name)}|{_normalize(candidate.first_name)}"
        rank = seen.get((key, candidate.birth_date), -1) + 1
        seen[(key, candidate.birth_date)] = rank
        candidate.identity_key, candidate.homonym = key, rank
        batch.append(candidate)
        if len(batch) >= 2000:
            Candidate.objects.bulk_update(batch, ["identity_key", "homonym"])
            batch = []
    Candidate.objects.bulk_update(batch, ["identity_key", "homonym"])


class Migration(migrations.Migration):
    dependencies = [("candidates", "0002_centre_contact_and_list_indexes")]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="identity_key",
            field=models.CharField(
                default="", editable=False, max_length=310, verbose_name="clé d'identité"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="candidate",
            name="homonym",
            field=models.PositiveSmallIntegerField(
                default=0, editable=False, verbose_name="homonyme n°"
            ),
        ),
        migrations.RunPython(fill_identity, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="candidate",
            constraint=models.UniqueConstraint(
                fields=("identity_key", "birth_date", "homonym"),
                name="candidates_candidate_one_identity",
            ),
        ),
        migrations.AddConstraint(
            model_name="candidate",
            constraint=models.CheckConstraint(
                condition=~Q(identity_key=""), name="candidates_candidate_identity_set"
            ),
        ),
    ]
