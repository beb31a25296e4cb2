"""Each lifecycle hook becomes its event, for the endpoints of the centre concerned only, with
objects named by id and API address."""

import pytest
from django.conf import settings
from django.db import transaction

from cqpm.core.registry import fire_hook
from deliberations.models import ResultSheet
from deliberations.seams import DECISION_RECORDED, RESULTS_VALIDATED
from deliberations.services import jury_decision_amend
from documents import services as documents
from documents.models import Document
from documents.seams import DOCUMENT_READY
from webhooks import services
from webhooks.models import Delivery, Event

pytestmark = pytest.mark.django_db


def _ref(kind, pk):
    return {"id": pk, "url": f"{settings.SITE_URL}/api/v1/{kind}/{pk}/"}


def _data(event):
    return [d.payload["data"] for d in Delivery.objects.filter(event=event).order_by("pk")]


@pytest.fixture
def other_centre_endpoint(centre_b, staff_b, receiver):
    return services.endpoint_create(
        centre=centre_b, url=receiver.url, events=Event.values, by=staff_b
    )


def test_results_and_decisions_become_their_events(jury, endpoint, other_centre_endpoint):
    campaign = _ref("campaigns", jury.campaign.pk)
    alice = _ref("registrations", jury.alice.pk)
    with transaction.atomic():
        sheet = ResultSheet.objects.get(registration=jury.alice)
        fire_hook(RESULTS_VALIDATED, sheet=sheet, registration=jury.alice, by=None)
        fire_hook(DECISION_RECORDED, decision=jury.admissible, by=None)
    assert _data(Event.RESULTS_RECORDED) == [{"campaign": campaign, "registration": alice}]
    assert _data(Event.DECISION_RECORDED) == [
        {
            "campaign": campaign,
            "registration": alice,
            "decision": _ref("decisions", jury.admissible.pk),
            "outcome": "admissible",
        }
    ]
    assert not Delivery.objects.filter(endpoint=other_centre_endpoint).exists()


def test_an_amendment_and_the_documents_it_revokes_become_their_events(
    jury, jury_president, staff_a, endpoint, other_centre_endpoint
):
    certificate = documents.document_request(
        kind=Document.Kind.CERTIFICATE, registration=jury.alice, by=staff_a
    )
    Document.objects.filter(pk=certificate.pk).update(status=Document.Status.READY)
    with transaction.atomic():
        fire_hook(DOCUMENT_READY, document=Document.objects.get(pk=certificate.pk))
    new = jury_decision_amend(
        decision=jury.admissible,
        outcome="absent",
        reason="Absente à l'entretien.",
        by=jury_president,
    )
    common = {
        "campaign": _ref("campaigns", jury.campaign.pk),
        "registration": _ref("registrations", jury.alice.pk),
    }
    assert _data(Event.DECISION_AMENDED) == [
        {
            **common,
            "decision": _ref("decisions", new.pk),
            "supersedes": _ref("decisions", jury.admissible.pk),
            "outcome": "absent",
        }
    ]
    document = {**common, "document": _ref("documents", certificate.pk), "kind": "certificate"}
    assert _data(Event.DOCUMENT_READY) == [{**document, "version": 1}]
    assert {"document.revoked": [{**document, "version": 1}]} == {
        "document.revoked": _data(Event.DOCUMENT_REVOKED)
    }
    assert not Delivery.objects.filter(endpoint=other_centre_endpoint).exists()
