"""The tutor given on a registration or in the import's `tuteur_email` is the company-opinion
respondent unless staff choose another; a bulk import names them in a few queries."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.importing import registrations_import
from evaluations.models import CompanyOpinion
from tests.candidates.data import csv_bytes, good_row
from tests.factories.accounts import UserFactory
from tests.factories.candidates import CampaignFactory

pytestmark = pytest.mark.django_db


def _import(campaign, rows, by):
    return registrations_import(
        campaign=campaign, file=BytesIO(csv_bytes(rows)), filename="inscrits.csv", by=by
    )


def _queries(campaign, count, by):
    for i in range(count):  # known tutors: the import resolves them in bulk
        UserFactory(email=f"tuteur{campaign.pk}-{i}@exemple.fr")
    rows = [good_row(i, tuteur_email=f"tuteur{campaign.pk}-{i}@exemple.fr") for i in range(count)]
    with CaptureQueriesContext(connection) as captured:
        _import(campaign, rows, by)
    return len(captured)


def test_the_imported_tutor_is_the_respondent(centre_a, staff_a):
    campaign = CampaignFactory(centre=centre_a)
    _import(campaign, [good_row(1, tuteur_email="Marc.Lefebvre@exemple.fr")], staff_a)
    opinion = CompanyOpinion.objects.select_related("respondent").get()
    assert opinion.respondent.email == "marc.lefebvre@exemple.fr"
    assert opinion.respondent_role == CompanyOpinion.RespondentRole.TUTOR
    assert opinion.status == CompanyOpinion.Status.DRAFT


def test_naming_respondents_costs_no_query_per_row(centre_a, staff_a):
    few = _queries(CampaignFactory(centre=centre_a), 2, staff_a)
    many = _queries(CampaignFactory(centre=centre_a), 12, staff_a)
    assert CompanyOpinion.objects.count() == 14
    assert many == few


def test_tout_cocher_checks_every_allowed_method_without_saving(client_for, staff_a, centre_a):
    from django.urls import reverse

    from evaluations.models import EvaluationDossier
    from tests.factories.candidates import RegistrationFactory

    registration = RegistrationFactory(campaign=CampaignFactory(centre=centre_a))
    url = reverse("evaluations:dossier_edit", args=[registration.pk])
    client = client_for(staff_a)
    plain = client.get(url).content.decode()
    checked = client.get(url, {"tout": "1"}).content.decode()
    assert "Tout cocher" in plain
    assert checked.count("checked") > plain.count("checked")
    assert not EvaluationDossier.objects.exists()


def test_naming_the_imported_tutor_is_their_invitation_once(
    centre_a, staff_a, mailoutbox, django_capture_on_commit_callbacks
):
    """Named on creation, the tutor is told nothing until staff name them: then once, as the
    page says (« prévenu par e-mail »), and not again on a second save."""
    from candidates.models import Registration
    from evaluations.services.opinions import opinion_assign_respondent

    campaign = CampaignFactory(centre=centre_a)
    _import(campaign, [good_row(1, tuteur_email="Marc.Lefebvre@exemple.fr")], staff_a)
    registration = Registration.objects.get(campaign=campaign)
    mailoutbox.clear()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            opinion_assign_respondent(
                registration=registration,
                email="marc.lefebvre@exemple.fr",
                role=CompanyOpinion.RespondentRole.TUTOR,
                by=staff_a,
            )
    assert [message.to for message in mailoutbox] == [["marc.lefebvre@exemple.fr"]]
