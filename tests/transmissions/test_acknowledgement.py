"""The GTP's acknowledgement of receipt often arrives weeks after the sending: staff attach it to
the recorded sending later, through the tracker, checked like every upload and audited; a
refused file leaves nothing behind, and nobody outside the centre's staff reaches the form."""

import datetime
import html

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cqpm.core.models import AuditEntry
from deliberations.models import JurySession
from evaluations.pdf import tiny_pdf
from transmissions.models import PackSending, TransmissionPack
from transmissions.services import pack_record_sending

from ..factories.candidates import CampaignFactory
from ..factories.documents import jury_session
from .conftest import DUE, JURY_DATE

pytestmark = pytest.mark.django_db
ACTION = "cqpm.transmissions.sending.acknowledged"


@pytest.fixture
def sending(centre_a, staff_a):
    campaign = CampaignFactory(centre=centre_a, name="Campagne de l'accusé")
    session = jury_session(campaign=campaign, date=JURY_DATE, status=JurySession.Status.CLOSED)
    # A pack built earlier (its archive is not read here): ready, up to date.
    pack = TransmissionPack.objects.create(
        session=session,
        due_on=DUE,
        status=TransmissionPack.Status.READY,
        outdated=False,
        sha256="0" * 64,
        version=1,
    )
    return pack_record_sending(
        pack=pack,
        sent_on=JURY_DATE + datetime.timedelta(days=20),
        channel="mail",
        by=staff_a,
        today=JURY_DATE + datetime.timedelta(days=20),
    )


def _post(client, sending, data: bytes | None, name: str = "accuse.pdf"):
    files = {"acknowledgement": SimpleUploadedFile(name, data)} if data is not None else {}
    url = reverse("transmissions:acknowledgement_add", args=[sending.pk])
    answer = client.post(url, files, follow=True)
    assert answer.status_code == 200
    return html.unescape(answer.content.decode())


def _stored() -> list[str]:
    try:
        return default_storage.listdir("transmissions/accuses")[1]
    except FileNotFoundError:
        return []


def test_staff_attach_the_acknowledgement_after_the_sending(sending, staff_a, client_for):
    client = client_for(staff_a)
    tracker = client.get(reverse("transmissions:tracker", args=[sending.pack.session_id]))
    assert (
        reverse("transmissions:acknowledgement_add", args=[sending.pk]) in tracker.content.decode()
    )
    before = _stored()

    page = _post(client, sending, tiny_pdf("Accusé de réception du GTP"), "AR GTP.pdf")

    assert "L'accusé de réception est joint à l'envoi." in page
    sending.refresh_from_db()
    assert sending.acknowledgement and sending.acknowledgement_name == "AR GTP.pdf"
    assert len(_stored()) == len(before) + 1
    entry = AuditEntry.objects.get(action=ACTION)
    assert (entry.actor, entry.data["sent_on"]) == (staff_a, sending.sent_on.isoformat())
    download = client.get(reverse("transmissions:acknowledgement", args=[sending.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    # Once attached, it stays: a second file is refused.
    again = _post(client, sending, tiny_pdf("Autre"))
    assert "Un accusé de réception est déjà joint à cet envoi." in again
    assert AuditEntry.objects.filter(action=ACTION).count() == 1
    assert len(_stored()) == len(before) + 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00", "x.exe", "ni l'un ni l'autre"),
        (b"", "vide.pdf", "Choisissez l'accusé de réception à déposer."),
        (None, "", "Choisissez l'accusé de réception à déposer."),
        (b"%PDF-1.4\n/JavaScript (app.alert(1))\n%%EOF", "illisible.pdf", "Le PDF est illisible"),
    ],
)
def test_a_refused_file_leaves_nothing(sending, staff_a, client_for, data, name, message):
    before = _stored()
    page = _post(client_for(staff_a), sending, data, name)
    assert message in page
    sending.refresh_from_db()
    assert not sending.acknowledgement and sending.acknowledgement_name == ""
    assert not AuditEntry.objects.filter(action=ACTION).exists()
    assert _stored() == before


def test_the_form_is_out_of_reach_outside_the_centres_staff(sending, staff_b, tutor, client_for):
    url = reverse("transmissions:acknowledgement_add", args=[sending.pk])
    for user in (staff_b, tutor):
        pdf = SimpleUploadedFile("a.pdf", tiny_pdf("AR"))
        assert client_for(user).post(url, {"acknowledgement": pdf}).status_code == 404
    assert client_for(staff_b).get(url).status_code in (404, 405)
    assert not PackSending.objects.get(pk=sending.pk).acknowledgement
