"""A certificate of a CQPM whose RNCP registration ended before the jury is refused in French
(issue 23, point 5), and the campaign's page says so beforehand."""

import datetime

import pytest
from django.urls import reverse

from cqpm.core.errors import DomainError
from documents import services as documents
from documents.models import Document
from referentials.models import Referential

pytestmark = pytest.mark.django_db


def _rncp(referential, *, end):
    Referential.objects.filter(pk=referential.pk).update(
        rncp_registered=True, rncp_code="RNCP35231", rncp_registration_end=end
    )


def test_a_certificate_is_refused_once_the_rncp_registration_ended_before_the_jury(jury, staff_a):
    _rncp(jury.campaign.referential, end=jury.session.date - datetime.timedelta(days=1))
    with pytest.raises(DomainError) as caught:
        documents.document_request(
            kind=Document.Kind.CERTIFICATE, registration=jury.alice, by=staff_a
        )
    assert "a pris fin le" in caught.value.message
    assert "avant le jury du" in caught.value.message
    assert not Document.objects.filter(kind=Document.Kind.CERTIFICATE).exists()


def test_a_registration_ending_on_the_jury_day_still_certifies(jury, staff_a):
    _rncp(jury.campaign.referential, end=jury.session.date)
    document = documents.document_request(
        kind=Document.Kind.CERTIFICATE, registration=jury.alice, by=staff_a
    )
    assert document.kind == Document.Kind.CERTIFICATE


def test_the_campaign_page_flags_it_beforehand(jury, staff_a, client_for):
    url = reverse("candidates:campaign_detail", args=[jury.campaign.pk])
    assert 'id="rncp-fin"' not in client_for(staff_a).get(url).content.decode()
    _rncp(jury.campaign.referential, end=jury.campaign.jury_date - datetime.timedelta(days=30))
    page = client_for(staff_a).get(url).content.decode()
    assert 'id="rncp-fin"' in page and "les attestations de réussite seront refusées" in page
