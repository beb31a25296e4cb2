"""The public privacy notice: no login, French, the durations from the settings, the contact."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_notice_with_the_configured_durations_and_contact(client, settings):
    settings.CQPM_RETENTION_UNCERTIFIED_YEARS = 7
    settings.CQPM_RETENTION_EVIDENCE_YEARS = 3
    settings.CQPM_DPO_CONTACT = "dpo@uimm-test.fr"

    content = client.get(reverse("privacy:notice")).content.decode()

    assert "Personnes jamais certifiées : 7 ans" in content
    assert "Rapports déposés (fichiers) : 3 ans" in content
    assert "dpo@uimm-test.fr" in content
    assert "Pourquoi (base légale)" in content


def test_every_page_links_to_it_from_the_footer(client):
    assert reverse("privacy:notice") in client.get(reverse("account_login")).content.decode()
