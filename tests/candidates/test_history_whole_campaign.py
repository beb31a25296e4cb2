"""The history of registrations that went through a whole campaign — registration, dossier,
report, company opinion, results, jury, certificate and its badge, a personal data export, a
revoked badge, a purged report and a notice of lapsing capacities — reads as French sentences:
never a dotted code, never a hash."""

import datetime
import re

import pytest
from django.urls import reverse

from candidates.history import registration_history
from cqpm.core.models import AuditEntry
from cqpm.core.registry import registry
from credentials.models import Credential
from credentials.services import credential_revoke
from deliberations.models import CapacityResult
from privacy.services import evidence_purge, person_export_record
from transmissions.services.capitalisation import expiry_notices_send

from ..privacy.conftest import certified, journey  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db

DOTTED_CODE = re.compile(r"\bcqpm\.[a-z_]+\.")
HASH = re.compile(r"\b[0-9a-f]{64}\b", re.IGNORECASE)
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def test_every_declared_event_has_a_french_label_and_sentence():
    for code, event in registry.events.items():
        assert str(event.label).strip(), code
        sentence = str(event.sentence)
        assert sentence.strip().endswith((".", ")", "»")), code
        assert "cqpm." not in sentence and "cqpm." not in str(event.label), code


@pytest.fixture
def whole_campaign(certified, staff_a):  # noqa: F811 - the imported fixture
    person_export_record(candidate=certified.person, fmt="json", by=staff_a)
    credential = Credential.objects.get(document__registration=certified.alice)
    credential_revoke(credential=credential, reason="Émis par erreur", by=staff_a)
    evidence_purge(report=certified.report, by=None)
    # Bob's acquired capacity stays valid 24 months after the jury; a month before it lapses:
    valid_until = certified.session.date + datetime.timedelta(days=730)
    CapacityResult.objects.filter(sheet__registration=certified.bob, outcome="acquired").update(
        valid_until=valid_until
    )
    assert expiry_notices_send(today=valid_until - datetime.timedelta(days=30))
    return certified


def test_the_history_of_a_whole_campaign_shows_no_code_and_no_hash(
    whole_campaign, client_for, staff_a
):
    client = client_for(staff_a)
    for registration in (whole_campaign.alice, whole_campaign.bob):
        written = set(
            AuditEntry.objects.filter(registration_id=registration.pk).values_list(
                "action", flat=True
            )
        )
        page = client.get(reverse("candidates:registration_detail", args=[registration.pk]))
        html = page.content.decode()
        start = html.index('id="h-history"')
        history = html[start : html.index("</section>", start)]
        assert not DOTTED_CODE.search(history), DOTTED_CODE.search(history)
        assert not HASH.search(history), HASH.search(history)
        assert not UUID.search(history), UUID.search(history)
        entries = registration_history(registration=registration)
        assert {entry.code for entry in entries} == written
        for entry in entries:
            assert entry.label in history
        if registration == whole_campaign.alice:
            recent = {"credentials", "privacy"}
            assert recent <= {code.split(".")[1] for code in written}, written
        else:
            assert "cqpm.transmissions.capacities.expiry_notified" in written
