"""Importing a file again for people already known (same names, birth date and e-mail: the
import's person key): identity fields the person lacks are filled in (a birth place added),
shown in the preview and audited; other values for fields already filled are listed in French
and applied only when staff accept them, audited; nothing else changes silently."""

import datetime
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from candidates.importing import registrations_import
from candidates.models import Registration
from cqpm.core.models import AuditEntry
from tests.candidates.data import HEADER, csv_bytes, good_row
from tests.factories.candidates import CampaignFactory, CandidateFactory

pytestmark = pytest.mark.django_db
IDENTITY_HEADER = [*HEADER, "nom_naissance", "code_insee_naissance", "commune_naissance", "sexe"]
ANNE = {
    "nom": "Martin",
    "prenom": "Anne",
    "date_naissance": "07/06/1985",
    "email": "anne@exemple.fr",
    "nom_naissance": "Lefebvre",
    "code_insee_naissance": "69123",
    "commune_naissance": "Lyon",
    "sexe": "F",
}


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a, name="Campagne de la réinscription")


@pytest.fixture
def known():
    """Imported once without a birth place; her birth name was given as Durand."""
    return CandidateFactory(
        last_name="MARTIN", first_name="Anne", birth_date=datetime.date(1985, 6, 7),
        email="anne@exemple.fr", phone="06 12 34 56 78", birth_name="DURAND", sex="F",
    )  # fmt: skip


def _file(**overrides):
    return csv_bytes([good_row(1, **{**ANNE, **overrides})], header=IDENTITY_HEADER)


def _import(campaign, data, **kwargs):
    return registrations_import(campaign=campaign, file=data, filename="f.csv", by=None, **kwargs)


def test_missing_fields_are_filled_and_a_changed_one_waits_for_acceptance(campaign, known):
    preview = _import(campaign, _file(), dry_run=True)
    (fill,) = preview.fills
    assert fill.values == {"birth_place_insee": "69123", "birth_place_label": "Lyon"}
    assert fill.items == [
        ("code INSEE de la commune de naissance", "", "69123"),
        ("commune de naissance", "", "Lyon"),
    ]
    (change,) = preview.changes
    assert (change.before, change.after) == ({"birth_name": "DURAND"}, {"birth_name": "Lefebvre"})
    assert change.items == [("nom de naissance", "DURAND", "Lefebvre")]
    known.refresh_from_db()
    assert known.birth_place_insee == ""  # a dry run writes nothing

    _import(campaign, _file())
    known.refresh_from_db()
    assert (known.birth_place_insee, known.birth_place_label) == ("69123", "Lyon")
    assert known.birth_name == "DURAND"  # filled, never overwritten unless accepted
    assert Registration.objects.get(campaign=campaign).candidate == known
    (entry,) = AuditEntry.objects.filter(action="cqpm.candidate.updated", object_id=str(known.pk))
    assert entry.data["before"] == {"birth_place_insee": "", "birth_place_label": ""}
    assert entry.data["after"] == {"birth_place_insee": "69123", "birth_place_label": "Lyon"}
    assert entry.data["source"] == "f.csv"


def test_an_accepted_change_replaces_the_filled_value_and_is_audited(campaign, known):
    _import(campaign, _file(), contact_updates={2})
    known.refresh_from_db()
    assert known.birth_name == "Lefebvre"
    entries = AuditEntry.objects.filter(action="cqpm.candidate.updated", object_id=str(known.pk))
    changed = entries.get(data__after__has_key="birth_name")
    assert changed.data["before"] == {"birth_name": "DURAND"}


def test_the_same_values_in_another_case_change_nothing(campaign, known):
    known.birth_place_insee, known.birth_place_label = "69123", "Lyon"
    known.save()
    report = _import(campaign, _file(nom_naissance="durand", commune_naissance="LYON"))
    assert report.fills == [] and report.changes == []
    assert not AuditEntry.objects.filter(action="cqpm.candidate.updated").exists()


def test_the_preview_lists_the_fills_and_the_changes_in_french(
    client_for, staff_a, campaign, known
):
    client = client_for(staff_a)
    upload = client.post(
        reverse("candidates:import_upload", args=[campaign.pk]),
        {"file": SimpleUploadedFile("f.csv", _file())},
    )
    page = html.unescape(client.get(upload["Location"]).content.decode())
    assert "Identité complétée de personnes connues" in page
    assert "code INSEE de la commune de naissance « 69123 »" in page
    assert "commune de naissance « Lyon »" in page
    assert "nom de naissance DURAND → Lefebvre" in page
    client.post(upload["Location"] + "confirmer/", {})
    known.refresh_from_db()
    assert (known.birth_place_label, known.birth_name) == ("Lyon", "DURAND")


def test_the_command_reports_the_fills_and_the_ignored_change(campaign, known, tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(_file())
    out = io.StringIO()
    call_command("import_candidates", str(path), campaign=campaign.pk, stdout=out)
    text = out.getvalue()
    assert "identité complétée pour MARTIN Anne" in text
    assert "commune de naissance : Lyon" in text
    assert "données différentes pour MARTIN Anne" in text and "DURAND → Lefebvre" in text
    assert "ignoré (--update-contact 2 pour le reprendre)" in text


def test_an_accepted_email_is_searchable_afterwards(campaign, known):
    row = good_row(1, **{**ANNE, "email": "anne.martin@exemple.fr"})
    _import(campaign, csv_bytes([row], header=IDENTITY_HEADER), homonyms={2: "same"},
            contact_updates={2})  # fmt: skip
    known.refresh_from_db()
    assert known.email == "anne.martin@exemple.fr"
    assert "anne.martin@exemple.fr" in known.search_text
