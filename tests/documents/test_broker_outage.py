"""Queuing survives a broker outage: with Redis really stopped, an amendment commits and its page
answers normally; once Redis is back, the periodic requeue hands the renders to a real worker.

A private redis-server (no persistence, so a restart loses every message, as a crash would) is
started once for the test session on a free loopback port; the Celery app is pointed at it only
for these tests.
"""

import shutil

import pytest
from django.urls import reverse

from deliberations.models import CapacityResult, Decision
from documents import services
from documents.models import Document
from documents.tasks import requeue_documents

from ..celery_support import RedisServer, broker, running_worker, wait_for
from .conftest import all_finished

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed"),
]
Kind = Document.Kind
Status = Document.Status


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_broker(redis_server):
    """The Celery app on the private Redis, running again at the end whatever the test did."""
    with broker(redis_server.url):
        yield redis_server
    if redis_server.process is None:
        redis_server.start()


def _ready_documents(jury, by):
    """The session's documents, rendered in this process (no broker involved)."""
    batch = services.batch_request(jury_session=jury.session, by=by)
    ids = list(batch.documents.values_list("pk", flat=True))
    for document_id in ids:
        services.document_generate(document_id=document_id)
    assert all_finished(*ids)
    return batch


def test_an_amendment_with_redis_down_commits_and_its_renders_follow_once_it_is_back(
    redis_broker, client_for, jury, staff_a, jury_president
):
    _ready_documents(jury, staff_a)
    certificate = Document.objects.get(kind=Kind.CERTIFICATE)
    CapacityResult.objects.filter(sheet__registration=jury.alice, capacity__number=3).update(
        outcome=CapacityResult.Outcome.NOT_ACQUIRED, justification="Erreur de report."
    )
    redis_broker.stop()

    response = client_for(jury_president).post(
        reverse("deliberations:decision_amend", args=[jury.admissible.pk]),
        {
            "outcome": Decision.Outcome.NOT_ADMISSIBLE,
            "reason": "Capacité 3 non acquise.",
            "confirm": "1",
        },
        follow=True,
    )

    # The change is committed and the page answers normally, in French.
    page = response.content.decode()
    assert response.status_code == 200 and response.redirect_chain[0][1] == 302
    assert "La décision est rectifiée" in page
    assert "momentanément indisponible" in page and "générés automatiquement" in page
    assert Decision.objects.get(registration=jury.alice, is_active=True).outcome == (
        Decision.Outcome.NOT_ADMISSIBLE
    )
    certificate.refresh_from_db()
    assert certificate.status == Status.REVOKED
    renewed = list(Document.objects.filter(status=Status.QUEUED).order_by("kind"))
    assert [(d.kind, d.queued_at) for d in renewed] == [
        (Kind.CAPACITY_NOTICE, None),
        (Kind.JURY_MINUTES, None),
    ]
    # The documents page offers to send them again meanwhile.
    documents_page = client_for(staff_a).get(reverse("documents:session", args=[jury.session.pk]))
    assert "En attente du service de génération" in documents_page.content.decode()
    with pytest.raises(Exception, match="onnect"):  # the beat task itself cannot send yet
        requeue_documents()

    redis_broker.start()
    with running_worker():
        requeue_documents.delay()  # what beat sends every minute
        wait_for(lambda: all_finished(*[d.pk for d in renewed]))

    statuses = Document.objects.filter(pk__in=[d.pk for d in renewed])
    assert set(statuses.values_list("status", flat=True)) == {Status.READY}
    assert requeue_documents()["resent"] == []


def test_a_retry_with_redis_down_answers_normally_and_leaves_the_document_to_the_requeue(
    redis_broker, client_for, jury, staff_a
):
    document = services.document_request(
        kind=Kind.CAPACITY_NOTICE, registration=jury.bob, by=staff_a
    )
    Document.objects.filter(pk=document.pk).update(status=Status.FAILED, error="Erreur")
    redis_broker.stop()

    response = client_for(staff_a).post(reverse("documents:retry", args=[document.pk]), follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert "La génération du document est relancée." in page
    assert "momentanément indisponible" in page
    document.refresh_from_db()
    assert (document.status, document.queued_at) == (Status.QUEUED, None)


def test_a_batch_asked_outside_a_page_with_redis_down_is_saved_and_left_to_the_requeue(
    redis_broker, jury, staff_a
):
    # A command or a task has no page to warn: every send is tried, none raises.
    redis_broker.stop()

    batch = services.batch_request(jury_session=jury.session, by=staff_a)

    documents = list(batch.documents.values_list("status", "queued_at"))
    assert documents == [(Status.QUEUED, None)] * 3
