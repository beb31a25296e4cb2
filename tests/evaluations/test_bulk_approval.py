"""Bulk approval by the resource centre: checkboxes, a confirmation page, a BulkJob run by the
task item by item (each in its own transaction), progress, refusals with their French reason,
and scoping (anything out of reach answers 404)."""

import pytest
from django.urls import reverse

from cqpm.core import tasks
from cqpm.core.models import AuditEntry, BulkJob
from evaluations.models import EvaluationDossier
from evaluations.services.dossiers import dossier_return
from tests.factories.candidates import RegistrationFactory
from tests.factories.evaluations import dossier_for

pytestmark = pytest.mark.django_db
Status = EvaluationDossier.Status
KIND = "dossiers-approuver"


@pytest.fixture
def three(campaign_a, campaign_b):
    return [
        dossier_for(RegistrationFactory(campaign=campaign), status=Status.SUBMITTED)
        for campaign in (campaign_a, campaign_a, campaign_b)
    ]


def _start(client, ids, capture):
    with capture() as callbacks:
        response = client.post(reverse("core:bulk_start", args=[KIND]), {"ids": ids})
    return response, callbacks


def test_the_queue_offers_checkboxes_and_select_all(client_for, reviewer, three):
    page = client_for(reviewer).get(reverse("evaluations:review_queue")).content.decode()
    assert "data-select-all" in page
    assert reverse("core:bulk_confirm", args=[KIND]) in page
    for dossier in three:
        assert f'name="ids" value="{dossier.pk}"' in page


def test_the_confirmation_page_says_what_will_happen_and_writes_nothing(
    client_for, reviewer, three
):
    ids = [d.pk for d in three]
    response = client_for(reviewer).post(reverse("core:bulk_confirm", args=[KIND]), {"ids": ids})
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 dossier(s) d&#x27;évaluation seront approuvés" in page
    assert str(three[0].registration.candidate) in page
    assert reverse("core:bulk_start", args=[KIND]) in page
    assert not BulkJob.objects.exists()
    assert EvaluationDossier.objects.filter(status=Status.APPROVED).count() == 0


def test_a_bulk_approval_of_three_with_one_refused_reports_two_done_and_the_reason(
    client_for, reviewer, three, django_capture_on_commit_callbacks
):
    client = client_for(reviewer)
    response, callbacks = _start(client, [d.pk for d in three], django_capture_on_commit_callbacks)
    job = BulkJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("core:bulk_job", args=[job.pk])
    assert len(callbacks) == 1  # the task is queued after the commit, not run in the request
    assert (job.status, job.total, job.done) == ("queued", 3, 0)
    assert AuditEntry.objects.filter(action="cqpm.bulk.started").count() == 1

    # Meanwhile the second dossier is returned: it is no longer submitted.
    dossier_return(dossier=three[1], comment="Capacité 2 à revoir.", by=reviewer)
    tasks.bulk_job_run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.done, len(job.failures)) == ("done", 2, 1)
    failure = job.failures[0]
    assert failure["id"] == three[1].pk
    assert "Renvoyé pour correction" in failure["message"]
    statuses = dict(EvaluationDossier.objects.values_list("pk", "status"))
    assert statuses == {
        three[0].pk: Status.APPROVED,
        three[1].pk: Status.RETURNED,
        three[2].pk: Status.APPROVED,
    }
    # Each approval went through the single action's service: audited per registration.
    assert AuditEntry.objects.filter(action="cqpm.dossier.approved").count() == 2

    page = client.get(reverse("core:bulk_job", args=[job.pk])).content.decode()
    assert "2 fait(s) sur 3" in page and "1 refusé(s)" in page
    assert str(three[1].registration.candidate) in page
    assert "hx-trigger" not in page  # finished: polling stops

    tasks.bulk_job_run(job.pk)  # run twice: nothing more happens
    job.refresh_from_db()
    assert (job.done, len(job.failures)) == (2, 1)


def test_the_progress_endpoint_polls_while_the_job_runs(
    client_for, reviewer, three, django_capture_on_commit_callbacks
):
    client = client_for(reviewer)
    _start(client, [three[0].pk], django_capture_on_commit_callbacks)
    job = BulkJob.objects.get()
    url = reverse("core:bulk_job_progress", args=[job.pk])
    before = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in before and "0 fait(s) sur 1" in before
    assert '<progress class="progress-native' in before and 'value="0"' in before
    tasks.bulk_job_run(job.pk)
    after = client.get(url).content.decode()
    assert "hx-trigger" not in after and "1 fait(s) sur 1" in after and 'value="100"' in after


def test_a_dossier_not_submitted_to_the_resource_centre_answers_404(
    client_for, reviewer, three, registration_b
):
    draft = dossier_for(registration_b)  # never submitted: out of the resource centre's reach
    client = client_for(reviewer)
    for name in ("core:bulk_confirm", "core:bulk_start"):
        response = client.post(reverse(name, args=[KIND]), {"ids": [three[0].pk, draft.pk]})
        assert response.status_code == 404
    assert not BulkJob.objects.exists()


def test_staff_and_outsiders_cannot_approve_nor_see_someone_elses_job(
    client_for, reviewer, staff_a, outsider, three, django_capture_on_commit_callbacks
):
    for user in (staff_a, outsider):
        response = client_for(user).post(
            reverse("core:bulk_start", args=[KIND]), {"ids": [three[0].pk]}
        )
        assert response.status_code == 404
    _start(client_for(reviewer), [three[0].pk], django_capture_on_commit_callbacks)
    job = BulkJob.objects.get()
    for user in (staff_a, outsider):
        assert client_for(user).get(reverse("core:bulk_job", args=[job.pk])).status_code == 404
    unknown = client_for(reviewer).post(reverse("core:bulk_start", args=["inconnu"]), {"ids": [1]})
    assert unknown.status_code == 404


def test_an_empty_selection_goes_back_with_a_french_message(client_for, reviewer, three):
    response = client_for(reviewer).post(
        reverse("core:bulk_confirm", args=[KIND]), {"ids": []}, follow=True
    )
    assert "Cochez au moins une ligne." in response.content.decode()
    assert not BulkJob.objects.exists()
