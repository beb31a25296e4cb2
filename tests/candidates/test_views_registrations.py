"""Registration pages: register, edit, withdraw, the page and its history, the candidate list."""

import pytest
from django.db import connection
from django.urls import reverse

from candidates.models import Campaign, Candidate, Registration
from cqpm.core.models import AuditEntry
from tests.factories.candidates import (
    CompanyFactory,
    RegistrationFactory,
    bulk_registrations,
    luhn_siret,
)

pytestmark = pytest.mark.django_db

SIRET = luhn_siret("5520000000001")


def _form(**overrides):
    data = {
        "civility": "M.",
        "last_name": "Bernard",
        "first_name": "Loïc",
        "birth_date": "1988-04-02",
        "email": "loic@exemple.fr",
        "pathway": "professionalisation",
        "registered_on": "2026-10-05",
        "company_siret": SIRET,
        "company_name": "Usinage du Rhône",
        "tutor_email": "chef.atelier@exemple.fr",
    }
    return {**data, **overrides}


def _create_url(campaign):
    return reverse("candidates:registration_create", args=[campaign.pk])


def test_it_registers_a_candidate(client_for, staff_a, campaign_a):
    response = client_for(staff_a).post(_create_url(campaign_a), _form())
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("candidates:registration_detail", args=[registration.pk])
    assert registration.candidate.first_name == "Loïc"
    assert registration.company.name == "Usinage du Rhône"
    assert registration.tutor.email == "chef.atelier@exemple.fr"


def test_it_refuses_a_siret_with_a_bad_key(client_for, staff_a, campaign_a):
    bad = SIRET[:-1] + str((int(SIRET[-1]) + 3) % 10)
    response = client_for(staff_a).post(_create_url(campaign_a), _form(company_siret=bad))
    assert response.status_code == 200
    assert "clé de contrôle erronée" in response.content.decode()
    assert not Registration.objects.exists()
    assert not Candidate.objects.exists()


def test_it_refuses_a_siret_of_the_wrong_length(client_for, staff_a, campaign_a):
    response = client_for(staff_a).post(_create_url(campaign_a), _form(company_siret="123"))
    assert "Le SIRET doit comporter 14 chiffres." in response.content.decode()
    assert not Registration.objects.exists()


def test_it_refuses_a_duplicate_registration(client_for, staff_a, campaign_a):
    client = client_for(staff_a)
    client.post(_create_url(campaign_a), _form())
    response = client.post(_create_url(campaign_a), _form(last_name="BERNARD", first_name="loic"))
    assert response.status_code == 200
    assert "est déjà inscrit(e) à la campagne « Session printemps A »" in response.content.decode()
    assert Registration.objects.count() == 1
    assert Candidate.objects.count() == 1


def test_it_refuses_registrations_in_a_closed_campaign(client_for, staff_a, campaign_a):
    Campaign.objects.filter(pk=campaign_a.pk).update(status=Campaign.Status.CLOSED)
    response = client_for(staff_a).post(_create_url(campaign_a), _form())
    assert response.status_code == 200
    assert "il n&#x27;est plus possible d&#x27;inscrire des candidats" in response.content.decode()
    assert not Registration.objects.exists()
    assert not AuditEntry.objects.exists()


def test_it_refuses_a_tutor_given_twice(client_for, staff_a, campaign_a, registration_a, tutor):
    response = client_for(staff_a).post(_create_url(campaign_a), _form(tutor=tutor.pk))
    assert "pas les deux" in response.content.decode()
    assert Registration.objects.count() == 1


def test_it_edits_a_registration(client_for, staff_a, registration_a):
    url = reverse("candidates:registration_update", args=[registration_a.pk])
    client = client_for(staff_a)
    page = client.get(url)
    assert page.context["form"].initial["last_name"] == "Dupont"
    data = _form(
        civility="Mme",
        last_name="Dupont",
        first_name="Élodie",
        birth_date=registration_a.candidate.birth_date.isoformat(),
        company_siret=registration_a.company.siret,
        tutor_email="",
        pathway="vae",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    registration_a.refresh_from_db()
    assert registration_a.pathway == "vae"
    assert registration_a.tutor is None


def test_it_withdraws_with_a_reason(client_for, staff_a, registration_a):
    url = reverse("candidates:registration_withdraw", args=[registration_a.pk])
    client = client_for(staff_a)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    registration_a.refresh_from_db()
    assert registration_a.stage == Registration.Stage.REGISTERED
    response = client.post(url, {"reason": "Départ de l'entreprise"}, follow=True)
    body = response.content.decode()
    assert "est désinscrit(e)." in body
    assert "Départ de l&#x27;entreprise" in body
    registration_a.refresh_from_db()
    assert registration_a.stage == Registration.Stage.WITHDRAWN


def test_the_registration_page_shows_the_person_and_the_history(
    client_for, staff_a, registration_a
):
    from candidates.services import registration_set_stage, registration_withdraw

    registration_set_stage(registration=registration_a, stage="dossier", by=staff_a)
    registration_withdraw(registration=registration_a, reason="Mutation", by=staff_a)
    response = client_for(staff_a).get(
        reverse("candidates:registration_detail", args=[registration_a.pk])
    )
    body = response.content.decode()
    assert "DUPONT Élodie" in body
    assert registration_a.company.siret in body
    assert "tuteur@exemple.fr" in body
    assert "Changement d&#x27;étape" in body
    assert "Inscrit → Dossier d&#x27;évaluation" in body
    assert "Candidat désinscrit" in body
    assert "Motif :</span> Mutation" in body
    history = response.context["history"]
    assert [entry.code for entry in history] == [
        "cqpm.registration.stage_changed",
        "cqpm.registration.withdrawn",
    ]
    assert history[0].actor == staff_a


def test_the_registration_page_renders_sections_of_later_apps(client_for, staff_a, registration_a):
    from cqpm.core.registry import Contribution, replaced

    from .sections import dossier_section

    with replaced("sections", {"dossier": Contribution("dossier", dossier_section, 1)}):
        body = client_for(staff_a).get(
            reverse("candidates:registration_detail", args=[registration_a.pk])
        )
    assert f'<section id="dossier-{registration_a.pk}">' in body.content.decode()


# --- The candidate list -----------------------------------------------------------------------


def _list(client, campaign, **params):
    return client.get(reverse("candidates:registration_list", args=[campaign.pk]), params)


def _names(response):
    return [reg.candidate.last_name for reg in response.context["page"].object_list]


@pytest.fixture
def crowd(campaign_a):
    acme = CompanyFactory(name="Acme Métal", siret=luhn_siret("4400000000001"))
    RegistrationFactory(
        campaign=campaign_a,
        candidate__last_name="Zola",
        candidate__first_name="Émile",
        company=acme,
        registered_on="2026-09-03",
        stage="dossier",
    )
    RegistrationFactory(
        campaign=campaign_a,
        candidate__last_name="Arnaud",
        candidate__first_name="Claire",
        pathway="vae",
        registered_on="2026-09-10",
    )
    RegistrationFactory(
        campaign=campaign_a,
        candidate__last_name="Martin",
        candidate__first_name="Zoé",
        registered_on="2026-09-01",
        stage="jury",
    )
    RegistrationFactory(candidate__last_name="Ailleurs")  # another centre's campaign
    return acme


def test_it_lists_the_candidates_of_the_campaign_by_name(client_for, staff_a, campaign_a, crowd):
    assert _names(_list(client_for(staff_a), campaign_a)) == ["Arnaud", "Martin", "Zola"]


def test_it_searches_by_last_or_first_name(client_for, staff_a, campaign_a, crowd):
    client = client_for(staff_a)
    assert _names(_list(client, campaign_a, q="zo")) == ["Martin", "Zola"]
    assert _names(_list(client, campaign_a, q="zo mart")) == ["Martin"]


def test_search_forgives_accents_and_case_on_name_email_and_company(
    client_for, staff_a, campaign_a
):
    RegistrationFactory(
        campaign=campaign_a,
        candidate__last_name="Lœvenbruck",
        candidate__first_name="Hélène",
        candidate__email="h.loevenbruck@exemple.fr",
        company__name="Forges de l'Étang",
    )
    RegistrationFactory(
        campaign=campaign_a,
        candidate__last_name="HELENE",
        candidate__first_name="Marc",
        candidate__email="marc@ailleurs.fr",
        company__name="Usinage Rhône",
    )
    RegistrationFactory(campaign=campaign_a, candidate__last_name="Durand", company__name="Acier")
    client = client_for(staff_a)
    assert _names(_list(client, campaign_a, q="helene")) == ["HELENE", "Lœvenbruck"]
    assert _names(_list(client, campaign_a, q="HÉLÈNE loevenbruck")) == ["Lœvenbruck"]
    assert _names(_list(client, campaign_a, q="h.loevenbruck@exemple")) == ["Lœvenbruck"]
    assert _names(_list(client, campaign_a, q="etang")) == ["Lœvenbruck"]
    assert _names(_list(client, campaign_a, q="rhone")) == ["HELENE"]
    assert _names(_list(client, campaign_a, company="ÉTANG")) == ["Lœvenbruck"]
    assert _names(_list(client, campaign_a, q="introuvable")) == []


def test_it_filters_by_stage_pathway_and_company(client_for, staff_a, campaign_a, crowd):
    client = client_for(staff_a)
    assert _names(_list(client, campaign_a, stage=["dossier", "jury"])) == ["Martin", "Zola"]
    assert _names(_list(client, campaign_a, pathway="vae")) == ["Arnaud"]
    assert _names(_list(client, campaign_a, company="acme")) == ["Zola"]
    assert _names(_list(client, campaign_a, company=crowd.siret[:9])) == ["Zola"]


def test_it_sorts_by_date_stage_and_company(client_for, staff_a, campaign_a, crowd):
    client = client_for(staff_a)
    assert _names(_list(client, campaign_a, sort="date")) == ["Martin", "Zola", "Arnaud"]
    assert _names(_list(client, campaign_a, sort="-date")) == ["Arnaud", "Zola", "Martin"]
    assert _names(_list(client, campaign_a, sort="stage")) == ["Arnaud", "Zola", "Martin"]
    assert _names(_list(client, campaign_a, sort="-name")) == ["Zola", "Martin", "Arnaud"]
    assert _names(_list(client, campaign_a, sort="company"))[0] == "Zola"


def test_it_ignores_a_bad_filter_value(client_for, staff_a, campaign_a, crowd):
    response = _list(client_for(staff_a), campaign_a, pathway="inconnu", sort="nimporte")
    assert response.status_code == 200
    assert _names(response) == ["Arnaud", "Martin", "Zola"]


def test_it_paginates_by_fifty_keeping_the_filters(client_for, staff_a, campaign_a):
    bulk_registrations(campaign_a, 120)
    client = client_for(staff_a)
    first = _list(client, campaign_a, q="Nom")
    assert len(first.context["page"].object_list) == 50
    assert "120 inscriptions trouvées" in first.content.decode()
    assert "?q=Nom&amp;page=2" in first.content.decode()
    last = _list(client, campaign_a, q="Nom", page=3)
    assert _names(last)[-1] == "Nom00119"
    assert len(last.context["page"].object_list) == 20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_postgresql_serves_the_search_from_trigram_indexes():
    with connection.cursor() as cursor:
        for table in ("candidates_candidate", "candidates_company"):
            indexes = connection.introspection.get_constraints(cursor, table)
            assert f"{table}_search_trgm" in indexes, table
