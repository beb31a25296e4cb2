"""Import pages: upload, preview (or every error), confirm; staff of the campaign's centre only."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates.models import Campaign, Registration
from cqpm.core.models import AuditEntry
from tests.candidates.data import csv_bytes, good_row, xlsx_bytes
from tests.factories.candidates import CampaignFactory


@pytest.fixture
def campaign(centre_a):
    return CampaignFactory(centre=centre_a, name="Campagne d'automne")


def _upload(client, campaign, data, name="inscrits.csv"):
    return client.post(
        reverse("candidates:import_upload", args=[campaign.pk]),
        {"file": SimpleUploadedFile(name, data)},
    )


def _stored_files() -> list[str]:
    """Names of the import files in the storage (the filesystem or the bucket)."""
    try:
        return sorted(f"imports/{name}" for name in default_storage.listdir("imports")[1])
    except FileNotFoundError:
        return []


def test_it_imports_through_upload_preview_and_confirm(client_for, staff_a, campaign, settings):
    client = client_for(staff_a)
    page = client.get(reverse("candidates:import_upload", args=[campaign.pk]))
    assert page.status_code == 200
    assert "civilite;nom;prenom;date_naissance" in page.content.decode()

    response = _upload(client, campaign, csv_bytes([good_row(i) for i in range(25)]))
    assert response.status_code == 302
    stored = _stored_files()
    assert len(stored) == 1 and "inscrits" not in stored[0]  # random name, not the user's
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "25 candidats à inscrire" in html
    assert "Durand19" in html and "Durand20" not in html  # the first 20 rows only
    assert not Registration.objects.exists()

    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    confirm = client.post(reverse("candidates:import_confirm", args=[campaign.pk, token]))
    assert confirm.status_code == 302
    assert confirm["Location"] == reverse("candidates:registration_list", args=[campaign.pk])
    assert Registration.objects.filter(campaign=campaign).count() == 25
    assert AuditEntry.objects.get(action="cqpm.campaign.registrations.imported").actor == staff_a
    assert _stored_files() == []
    # Confirming twice imports nothing more: the token is spent.
    again = client.post(reverse("candidates:import_confirm", args=[campaign.pk, token]))
    assert again.status_code == 404
    assert Registration.objects.count() == 25


def test_it_previews_an_xlsx(client_for, staff_a, campaign):
    client = client_for(staff_a)
    data = xlsx_bytes([["Mme", "Perrin", "Lucie", "17/05/1990", "", "", "", "", "VAE", ""]])
    response = _upload(client, campaign, data, "classeur.xlsx")
    preview = client.get(response["Location"])
    assert "1 candidat à inscrire" in preview.content.decode()


def test_it_shows_every_error_and_writes_nothing(client_for, staff_a, campaign, settings):
    client = client_for(staff_a)
    rows = [good_row(1, siret="12345678901234"), good_row(2, nom="")]
    response = _upload(client, campaign, csv_bytes(rows))
    page = client.get(response["Location"], follow=True)

    html = page.content.decode()
    assert "Fichier refusé : 2 erreurs, rien n&#x27;a été importé." in html
    assert "clé de contrôle" in html and "nom manquant." in html
    assert not Registration.objects.exists()
    assert _stored_files() == []


def test_it_refuses_a_file_that_is_not_what_it_claims(client_for, staff_a, campaign):
    client = client_for(staff_a)
    response = _upload(client, campaign, b"civilite;nom\nM.;Dupont\n", "faux.xlsx")
    page = client.get(response["Location"])
    assert "n&#x27;est pas un classeur XLSX lisible" in page.content.decode()


def test_the_form_refuses_other_extensions(client_for, staff_a, campaign, settings):
    response = _upload(client_for(staff_a), campaign, b"data", "inscrits.pdf")
    assert response.status_code == 200
    assert "Envoyez un fichier .csv ou .xlsx." in response.content.decode()
    assert _stored_files() == []


def test_confirm_checks_the_rows_again(client_for, staff_a, campaign):
    client = client_for(staff_a)
    response = _upload(client, campaign, csv_bytes([good_row(1)]))
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    # Someone registers the same person between preview and confirmation.
    client.post(reverse("candidates:import_confirm", args=[campaign.pk, token]))
    second = _upload(client, campaign, csv_bytes([good_row(1)]))
    token = second["Location"].rstrip("/").rsplit("/", 1)[-1]
    page = client.post(reverse("candidates:import_confirm", args=[campaign.pk, token]))
    assert "est déjà inscrit(e) à cette campagne" in page.content.decode()
    assert Registration.objects.count() == 1


def test_a_changed_file_is_not_imported(client_for, staff_a, campaign, settings):
    client = client_for(staff_a)
    response = _upload(client, campaign, csv_bytes([good_row(1)]))
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    name = _stored_files()[0]
    default_storage.delete(name)
    default_storage.save(name, ContentFile(csv_bytes([good_row(i) for i in range(5)])))
    confirm = client.post(reverse("candidates:import_confirm", args=[campaign.pk, token]))
    assert confirm.status_code == 404
    assert not Registration.objects.exists()


def test_a_closed_campaign_refuses_the_import(client_for, staff_a, campaign, settings):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    client = client_for(staff_a)
    page = client.get(reverse("candidates:import_upload", args=[campaign.pk]))
    assert "elle est en lecture seule" in page.content.decode()
    assert 'type="file"' not in page.content.decode()
    response = _upload(client, campaign, csv_bytes([good_row(1)]))
    assert response.status_code == 200
    assert "elle est en lecture seule" in response.content.decode()
    assert _stored_files() == []
    assert not Registration.objects.exists()


def test_cancel_discards_the_file(client_for, staff_a, campaign, settings):
    client = client_for(staff_a)
    response = _upload(client, campaign, csv_bytes([good_row(1)]))
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    client.post(reverse("candidates:import_cancel", args=[campaign.pk, token]))
    assert _stored_files() == []
    assert client.get(response["Location"]).status_code == 404


@pytest.mark.parametrize("persona", ["staff_b", "outsider", "tutor", "evaluator", "reviewer"])
def test_others_get_404(client_for, staff_a, campaign, persona, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("candidates:import_upload", args=[campaign.pk])).status_code == 404
    response = _upload(client, campaign, csv_bytes([good_row(1)]))
    assert response.status_code == 404
    # Nor can they use a token uploaded by staff of the centre.
    staff_upload = _upload(client_for(staff_a), campaign, csv_bytes([good_row(1)]))
    token = staff_upload["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert client.get(staff_upload["Location"]).status_code == 404
    confirm = client.post(reverse("candidates:import_confirm", args=[campaign.pk, token]))
    assert confirm.status_code == 404
    assert not Registration.objects.exists()


def test_a_token_is_bound_to_its_campaign(client_for, staff_a, campaign, centre_a):
    other = CampaignFactory(centre=centre_a)
    client = client_for(staff_a)
    response = _upload(client, campaign, csv_bytes([good_row(1)]))
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    confirm = client.post(reverse("candidates:import_confirm", args=[other.pk, token]))
    assert confirm.status_code == 404
    assert not Registration.objects.exists()
