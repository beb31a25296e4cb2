"""Bulk tutor invitations from a campaign's dossiers list: each registration goes through
`opinion_invitation_send` (the tutor named respondent and invited, or the respondent's
invitation sent again); a registration without tutor is refused with its French reason while the
others are done; registrations out of reach answer 404."""

import pytest
from django.core import mail
from django.urls import reverse

from cqpm.core import tasks
from cqpm.core.models import AuditEntry, BulkJob
from evaluations.models import CompanyOpinion
from evaluations.services.opinions import opinion_assign_respondent
from tests.factories.accounts import UserFactory
from tests.factories.candidates import RegistrationFactory

pytestmark = pytest.mark.django_db
KIND = "avis-invitations"


@pytest.fixture
def three(campaign_a, staff_a, django_capture_on_commit_callbacks):
    new_tutor = RegistrationFactory(
        campaign=campaign_a, tutor=UserFactory(email="tutrice.neuve@exemple.fr")
    )
    without_tutor = RegistrationFactory(campaign=campaign_a, tutor=None)
    named = RegistrationFactory(campaign=campaign_a, tutor=None)
    with django_capture_on_commit_callbacks(execute=True):
        opinion_assign_respondent(
            registration=named, email="manager@exemple.fr", role="hierarchical", by=staff_a
        )
    mail.outbox.clear()
    return [new_tutor, without_tutor, named]


def _post(client, name, campaign, ids):
    return client.post(reverse(name, args=[KIND]), {"ids": ids, "contexte": campaign.pk})


def test_the_dossiers_list_offers_checkboxes_and_select_all(client_for, staff_a, campaign_a, three):
    url = reverse("evaluations:campaign_dossiers", args=[campaign_a.pk])
    page = client_for(staff_a).get(url).content.decode()
    assert "data-select-all" in page
    assert reverse("core:bulk_confirm", args=[KIND]) in page
    assert f'name="contexte" value="{campaign_a.pk}"' in page
    for registration in three:
        assert f'name="ids" value="{registration.pk}"' in page


def test_the_confirmation_says_what_will_happen_and_writes_nothing(
    client_for, staff_a, campaign_a, three
):
    response = _post(client_for(staff_a), "core:bulk_confirm", campaign_a, [r.pk for r in three])
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 candidat(s) : leur tuteur sera invité" in page
    assert str(three[0].candidate) in page
    assert not BulkJob.objects.exists() and not mail.outbox


def test_three_invitations_with_one_refused_send_two_mails_and_say_why(
    client_for, staff_a, campaign_a, three, django_capture_on_commit_callbacks
):
    client = client_for(staff_a)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(client, "core:bulk_start", campaign_a, [r.pk for r in three])
    job = BulkJob.objects.get()
    assert response.status_code == 302 and len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        tasks.bulk_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, len(job.failures)) == ("done", 2, 1)
    assert job.failures[0]["id"] == three[1].pk
    assert "Aucun tuteur n'est renseigné" in job.failures[0]["message"]
    # The new tutor is named respondent and invited; the named manager is invited again.
    opinion = CompanyOpinion.objects.get(registration=three[0])
    assert (opinion.respondent.email, opinion.respondent_role) == (
        "tutrice.neuve@exemple.fr",
        "tutor",
    )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "manager@exemple.fr",
        "tutrice.neuve@exemple.fr",
    ]
    assert all(m.subject.startswith("[CQPM]") for m in mail.outbox)
    assert not CompanyOpinion.objects.filter(registration=three[1]).exists()
    resent = AuditEntry.objects.get(action="cqpm.opinion.invitation_resent")
    assert resent.registration_id == three[2].pk
    page = client.get(reverse("core:bulk_job", args=[job.pk])).content.decode()
    assert "2 fait(s) sur 3" in page and "1 refusé(s)" in page


def test_a_registration_of_another_campaign_or_centre_answers_404(
    client_for, staff_a, staff_b, campaign_a, registration_b, three
):
    other_campaign = RegistrationFactory(campaign__centre=campaign_a.centre, tutor=None)
    for ids in ([three[0].pk, registration_b.pk], [three[0].pk, other_campaign.pk]):
        for name in ("core:bulk_confirm", "core:bulk_start"):
            assert _post(client_for(staff_a), name, campaign_a, ids).status_code == 404
    # Staff of another centre cannot act on this campaign at all.
    assert (
        _post(client_for(staff_b), "core:bulk_start", campaign_a, [three[0].pk]).status_code == 404
    )
    assert not BulkJob.objects.exists()
