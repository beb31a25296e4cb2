"""Search without case or accents: a folded copy of names, e-mail and company, filled for existing
rows; on PostgreSQL a trigram index serves `LIKE '%…%'` on it (pg_trgm is a trusted extension)."""

import unicodedata

from django.db import migrations, models

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
BATCH = 2000


def _fold(value):
    # A frozen copy of candidates.validators.search_fold at the time of this migration.
    decomposed = unicodedata.normalize("NFKD", str(value).translate(LIGATURES))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def fill(apps, schema_editor):
    Candidate = apps.get_model("candidates", "Candidate")
    Company = apps.get_model("candidates", "Company")
    for model, fields in ((Candidate, ("last_name", "first_name", "email")), (Company, ("name", "siret"))):
        batch = []
        for row in model.objects.only(*fields).iterator(chunk_size=BATCH):
            row.search_text = _fold(" ".join(getattr(row, f) or "" for f in fields))
            batch.append(row)
            if len(batch) >= BATCH:
                model.objects.bulk_update(batch, ["search_text"])
                batch = []
        model.objects.bulk_update(batch, ["search_text"])


TRIGRAM_INDEXES = {
    "candidates_candidate_search_trgm": "candidates_candidate",
    "candidates_company_search_trgm": "candidates_company",
}


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (search_text gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0004_lifecycle_checks"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="search_text",
            field=models.CharField(default="", editable=False, max_length=620),
        ),
        migrations.AddField(
            model_name="company",
            name="search_text",
            field=models.CharField(default="", editable=False, max_length=230),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
