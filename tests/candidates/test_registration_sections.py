"""The registration page gathers what every later step knows: dossier, results, decision."""

import pytest
from django.urls import reverse

from deliberations.models import JurySession
from deliberations.services import jury_decision_record

from ..factories.candidates import CampaignFactory, RegistrationFactory
from ..factories.deliberations import jury, results
from ..factories.evaluations import dossier_for

pytestmark = pytest.mark.django_db


def test_it_shows_the_dossier_the_results_and_the_decision(
    client_for, staff_a, centre_a, jury_president, jury_member
):
    campaign = CampaignFactory(centre=centre_a, status="jury")
    registration = RegistrationFactory(campaign=campaign)
    dossier_for(registration, status="submitted")
    results(registration, not_acquired={2})
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.DELIBERATING,
        registrations=[registration],
    )
    jury_decision_record(
        session=session,
        registration=registration,
        outcome="not_admissible",
        expected_decision_id=None,
        by=jury_member,
    )
    url = reverse("candidates:registration_detail", args=[registration.pk])
    body = client_for(staff_a).get(url).content.decode()
    assert "Soumis au centre de ressource" in body
    assert "Non acquise" in body
    assert "Non admissible" in body


def test_it_shows_no_section_of_another_centre(client_for, staff_b, centre_a):
    registration = RegistrationFactory(campaign=CampaignFactory(centre=centre_a))
    url = reverse("candidates:registration_detail", args=[registration.pk])
    assert client_for(staff_b).get(url).status_code == 404
