"""The registration's tutor is its company-opinion respondent unless staff choose another: when
staff change the tutor on the registration, an opinion the former tutor still had passes to the
new one (invited if the former one had been), and nothing else moves."""

import pytest
from django.core import mail
from django.urls import reverse

from candidates.models import Pathway
from candidates.services import registration_update
from cqpm.core.models import AuditEntry
from evaluations.models import CompanyOpinion
from evaluations.services.opinions import (
    opinion_assign_respondent,
    opinion_invitation_send,
    opinion_respondents_from_tutors,
)
from tests.factories.candidates import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(campaign_a, tutor):
    registration = RegistrationFactory(campaign=campaign_a, tutor=tutor)
    # As its creation does: the tutor named on the registration is the respondent.
    opinion_respondents_from_tutors(campaign=campaign_a, registrations=[registration])
    return registration


def _change_tutor(registration, to, by, capture):
    with capture(execute=True):
        registration_update(
            registration=registration,
            pathway=registration.pathway or Pathway.CONTINUING,
            registered_on=registration.registered_on,
            company_siret=registration.company.siret if registration.company_id else "",
            tutor=to,
            by=by,
        )


def test_an_uninvited_tutors_opinion_passes_to_the_new_tutor_silently(
    registration, tutor, other_tutor, staff_a, django_capture_on_commit_callbacks
):
    assert CompanyOpinion.objects.get(registration=registration).respondent == tutor
    _change_tutor(registration, other_tutor, staff_a, django_capture_on_commit_callbacks)
    opinion = CompanyOpinion.objects.get(registration=registration)
    assert opinion.respondent == other_tutor
    assert opinion.respondent_role == CompanyOpinion.RespondentRole.TUTOR
    assert mail.outbox == []  # staff invite them, as for the first tutor
    entry = AuditEntry.objects.get(action="cqpm.opinion.respondent_followed_tutor")
    assert entry.data["after"]["respondent"] == other_tutor.email
    assert entry.registration_id == registration.pk


def test_the_new_tutor_is_invited_once_when_the_former_one_had_been(
    registration, other_tutor, staff_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        opinion_invitation_send(registration=registration, by=staff_a)
    mail.outbox.clear()
    _change_tutor(registration, other_tutor, staff_a, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[other_tutor.email]]
    assert CompanyOpinion.objects.get(registration=registration).respondent == other_tutor


def test_a_respondent_staff_chose_stays(
    registration, other_tutor, staff_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        opinion_assign_respondent(
            registration=registration,
            email="rh@exemple.fr",
            role=CompanyOpinion.RespondentRole.FUNCTIONAL,
            first_name="Rose",
            last_name="Hamel",
            by=staff_a,
        )
    mail.outbox.clear()
    _change_tutor(registration, other_tutor, staff_a, django_capture_on_commit_callbacks)
    assert CompanyOpinion.objects.get(registration=registration).respondent.email == "rh@exemple.fr"
    assert mail.outbox == []


def test_a_submitted_opinion_stays_with_who_gave_it(
    registration, tutor, other_tutor, staff_a, django_capture_on_commit_callbacks
):
    CompanyOpinion.objects.filter(registration=registration).update(
        status=CompanyOpinion.Status.SUBMITTED
    )
    _change_tutor(registration, other_tutor, staff_a, django_capture_on_commit_callbacks)
    assert CompanyOpinion.objects.get(registration=registration).respondent == tutor


def test_a_tutor_given_later_becomes_the_respondent(
    campaign_a, other_tutor, staff_a, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(campaign=campaign_a, tutor=None)
    _change_tutor(registration, other_tutor, staff_a, django_capture_on_commit_callbacks)
    assert CompanyOpinion.objects.get(registration=registration).respondent == other_tutor


def test_the_registration_page_shows_the_new_tutor_as_respondent(
    registration, other_tutor, staff_a, client_for, django_capture_on_commit_callbacks
):
    _change_tutor(registration, other_tutor, staff_a, django_capture_on_commit_callbacks)
    page = client_for(staff_a).get(
        reverse("candidates:registration_detail", args=[registration.pk])
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Répondant non désigné" not in text
    assert other_tutor.get_full_name() in text or other_tutor.email in text
