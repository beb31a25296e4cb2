"""Putting candidates before a jury in bulk: checkboxes and « tout sélectionner » on the jury's
candidates page, a confirmation, then each registration through `jury_candidates_assign` in the
worker; one already before this jury is refused with its French reason while the others are
seated; registrations and sessions out of reach answer 404."""

import pytest
from django.urls import reverse

from candidates.models import Registration
from cqpm.core import tasks
from cqpm.core.models import AuditEntry, BulkJob
from deliberations.models import JuryCandidate
from deliberations.services.juries import jury_candidates_assign

from ..factories.candidates import CampaignFactory, RegistrationFactory
from ..factories.deliberations import jury, results

pytestmark = pytest.mark.django_db
KIND = "jury-presenter"


@pytest.fixture
def planned(campaign, jury_president, jury_member):
    return jury(campaign, president=jury_president, members=[jury_member])


@pytest.fixture
def three(campaign):
    registrations = [RegistrationFactory(campaign=campaign) for _ in range(3)]
    for registration in registrations:
        results(registration)
    return registrations


def _post(client, name, session, ids):
    return client.post(reverse(name, args=[KIND]), {"ids": ids, "contexte": session.pk})


def test_the_candidates_page_offers_checkboxes_select_all_and_the_bulk_action(
    client_for, staff_a, planned, three
):
    url = reverse("deliberations:jury_candidates", args=[planned.pk])
    page = client_for(staff_a).get(url).content.decode()
    assert "data-select-all" in page
    assert reverse("core:bulk_confirm", args=[KIND]) in page
    assert f'name="contexte" value="{planned.pk}"' in page
    for registration in three:
        assert f'name="ids" value="{registration.pk}"' in page


def test_the_confirmation_writes_nothing(client_for, staff_a, planned, three):
    response = _post(client_for(staff_a), "core:bulk_confirm", planned, [r.pk for r in three])
    assert response.status_code == 200
    assert "3 candidat(s) seront présentés à ce jury" in response.content.decode()
    assert not BulkJob.objects.exists() and not JuryCandidate.objects.exists()


def test_three_seated_in_bulk_with_one_refused_seat_two_and_say_why(
    client_for, staff_a, planned, three, django_capture_on_commit_callbacks
):
    client = client_for(staff_a)
    with django_capture_on_commit_callbacks() as callbacks:
        response = _post(client, "core:bulk_start", planned, [r.pk for r in three])
    job = BulkJob.objects.get()
    assert response.status_code == 302 and len(callbacks) == 1
    # Meanwhile a colleague seats the second one alone.
    jury_candidates_assign(session=planned, registrations=[three[1]], by=staff_a)
    tasks.bulk_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, len(job.failures)) == ("done", 2, 1)
    assert job.failures[0]["id"] == three[1].pk
    assert "est déjà présenté à ce jury" in job.failures[0]["message"]
    seated = JuryCandidate.objects.filter(session=planned).values_list("registration_id", flat=True)
    assert sorted(seated) == sorted(r.pk for r in three)
    assert AuditEntry.objects.filter(action="cqpm.jury.candidate.assigned").count() == 3
    stages = set(
        Registration.objects.filter(pk__in=[r.pk for r in three]).values_list("stage", flat=True)
    )
    assert stages == {Registration.Stage.JURY}
    page = client.get(reverse("core:bulk_job", args=[job.pk])).content.decode()
    assert "2 fait(s) sur 3" in page and "1 refusé(s)" in page


def test_out_of_reach_registrations_and_sessions_answer_404(
    client_for, staff_a, staff_b, centre_a, planned, three
):
    other = RegistrationFactory(campaign=CampaignFactory(centre=centre_a))
    for name in ("core:bulk_confirm", "core:bulk_start"):
        response = _post(client_for(staff_a), name, planned, [three[0].pk, other.pk])
        assert response.status_code == 404
    response = _post(client_for(staff_b), "core:bulk_start", planned, [three[0].pk])
    assert response.status_code == 404
    assert not BulkJob.objects.exists()
