"""The transmission pack to the GTP: opened at the jury's closing, built once the minutes and
notices are ready, hashes in the manifest matching the files, sent, and « à renvoyer » after an
amendment — through the services, the task function and the tracker's pages."""

import csv
import datetime
import hashlib
import html
import io
import zipfile

import pytest
import time_machine
from django.urls import reverse

from cqpm.core.models import AuditEntry
from deliberations.services import jury_decision_amend
from documents.events import DOCUMENT_READY
from documents.models import Document
from evaluations.pdf import tiny_pdf
from transmissions.models import PackSending, TransmissionPack
from transmissions.services import pack_build, pack_record_sending
from transmissions.services.contents import MANIFEST_NAME
from transmissions.tasks import build_pack

from ..seal_support import assert_sealed
from .conftest import DUE, PARIS, generate_all

pytestmark = pytest.mark.django_db
Status = TransmissionPack.Status


@pytest.fixture
def in_june_2027():
    """After the jury, before the due date (the clock frozen in Paris)."""
    with time_machine.travel(datetime.datetime(2027, 6, 10, 10, 0, tzinfo=PARIS), tick=False):
        yield


def _zip(pack) -> dict[str, bytes]:
    with pack.archive.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _built(closed):
    assert build_pack(closed.pack.pk) == "waiting"  # the minutes and the notice are queued
    generate_all(closed.session)
    assert build_pack(closed.pack.pk) == "built"
    closed.pack.refresh_from_db()
    return closed.pack


def test_it_opens_the_pack_in_the_closing_transaction_due_three_months_later(closed):
    pack = closed.pack
    assert (pack.status, pack.due_on, pack.outdated) == (Status.TO_PREPARE, DUE, True)
    assert AuditEntry.objects.filter(action="cqpm.transmissions.pack.opened").count() == 1


def test_it_builds_one_zip_whose_manifest_hashes_match_every_file(closed):
    pack = _built(closed)
    assert (pack.status, pack.version, pack.outdated) == (Status.READY, 1, False)
    files = _zip(pack)
    minutes = Document.objects.get(jury_session=closed.session, kind="jury_minutes")
    notice = Document.objects.get(registration=closed.bob, kind="capacity_notice")
    assert not Document.objects.filter(
        registration=closed.alice
    ).exists()  # no notice if admissible
    assert files["02-proces-verbal-et-feuille-d-emargement.pdf"] == minutes.file.open("rb").read()
    notice_names = [n for n in files if n.startswith("05-notifications")]
    assert len(notice_names) == 1 and "quenderec-hugo" in notice_names[0]
    assert files[notice_names[0]] == notice.file.open("rb").read()
    manifest = {
        name: sha
        for sha, name in (
            line.split("  ", 1) for line in files[MANIFEST_NAME].decode().splitlines()
        )
    }
    assert set(manifest) == set(files) - {MANIFEST_NAME}
    assert {name: hashlib.sha256(files[name]).hexdigest() for name in manifest} == manifest
    for name in ("01-lettre-de-transmission.pdf", "04-decisions.pdf"):
        assert files[name].startswith(b"%PDF-")
        assert_sealed(files[name])
    decisions = list(
        csv.reader(io.StringIO(files["04-decisions.csv"].decode("utf-8-sig")), delimiter=";")
    )
    assert {(row[0], row[3]) for row in decisions[1:]} == {
        ("Lefèvre", "Admissible"),
        ("Quenderec", "Non admissible"),
    }
    composition = files["03-composition-du-jury.csv"].decode("utf-8-sig").splitlines()
    assert composition[0] == "Collège;Nom;Prénom;Président;Présent;Émargé le"
    assert sum(";oui;" in line for line in composition[1:]) >= 1
    # The whole archive is hashed too, and building again changes nothing.
    assert pack.sha256 == hashlib.sha256(pack.archive.open("rb").read()).hexdigest()
    assert pack_build(pack_id=pack.pk) == "skipped"
    pack.refresh_from_db()
    assert pack.version == 1


def test_staff_follow_download_and_record_the_sending_then_an_amendment_flips_it(
    closed, staff_a, jury_president, client_for, in_june_2027
):
    pack = _built(closed)
    client = client_for(staff_a)
    url = reverse("transmissions:tracker", args=[closed.session.pk])
    page = client.get(url).content.decode()
    assert "Prête" in page and "15/08/2027" in page
    jury_page = client.get(reverse("deliberations:jury_detail", args=[closed.session.pk]))
    assert url in jury_page.content.decode()
    download = client.get(reverse("transmissions:download", args=[closed.session.pk]))
    assert download.status_code == 200
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == pack.sha256

    answer = client.post(
        url,
        {
            "sent_on": "2027-06-01",
            "channel": "email",
            "note": "Envoyé à l'adresse du GTP.",
            "acknowledgement": _upload(tiny_pdf("Accusé de réception du GTP"), "accuse.pdf"),
        },
    )
    assert answer.status_code == 302
    pack.refresh_from_db()
    sending = PackSending.objects.get(pack=pack)
    assert pack.status == Status.SENT
    assert (sending.channel, sending.recorded_by, sending.archive_sha256) == (
        "email",
        staff_a,
        pack.sha256,
    )
    ack = client.get(reverse("transmissions:acknowledgement", args=[sending.pk]))
    assert ack.status_code == 200
    again = client.post(url, {"sent_on": "2027-06-02", "channel": "mail"})
    assert "déjà enregistré comme envoyé" in html.unescape(again.content.decode())
    assert PackSending.objects.count() == 1

    jury_decision_amend(
        decision=closed.bob.decisions.get(is_active=True),
        outcome="admissible",
        reason="Erreur matérielle sur la capacité 2.",
        jury_reason="Capacité 2 reconnue à la relecture du dossier.",
        by=jury_president,
    )
    pack.refresh_from_db()
    assert (pack.status, pack.outdated) == (Status.TO_RESEND, True)
    assert [(c["registration"], c["before"], c["after"]) for c in pack.changes] == [
        (closed.bob.pk, "not_admissible", "admissible")
    ]
    flipped = AuditEntry.objects.get(action="cqpm.transmissions.pack.to_resend")
    assert flipped.registration_id == closed.bob.pk  # in the candidate's history too
    page = client.get(url).content.decode()
    assert "À renvoyer" in page and "QUENDEREC Hugo : Non admissible → Admissible" in page
    # Rebuilt with the renewed minutes (the amendment revoked the old ones), then sent again.
    generate_all(closed.session)
    assert build_pack(pack.pk) == "built"
    pack.refresh_from_db()
    assert (pack.status, pack.version, pack.outdated) == (Status.TO_RESEND, 2, False)
    assert not any(n.startswith("05-") for n in _zip(pack))  # no notice any more
    pack_record_sending(
        pack=pack, sent_on=datetime.date(2027, 6, 10), channel="platform", by=staff_a
    )
    pack.refresh_from_db()
    assert (pack.status, pack.changes) == (Status.SENT, [])
    assert PackSending.objects.filter(pack=pack).count() == 2


def _upload(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_a_refused_sending_writes_nothing_and_says_why_in_french(
    closed, staff_a, client_for, in_june_2027
):
    pack = _built(closed)
    url = reverse("transmissions:tracker", args=[closed.session.pk])
    client = client_for(staff_a)
    cases = [
        ({"sent_on": "2030-01-01", "channel": "mail"}, "dans le futur"),
        ({"sent_on": "2027-05-01", "channel": "mail"}, "précéder la date du jury"),
        (
            {
                "sent_on": "2027-06-01",
                "channel": "mail",
                "acknowledgement": _upload(b"MZ\x90\x00", "x.exe"),
            },
            "ni l'un ni l'autre",
        ),
        ({"sent_on": "pas une date", "channel": "fax"}, "Saisissez une date valide"),
    ]
    for data, message in cases:
        answer = client.post(url, data)
        assert answer.status_code == 200
        assert message in html.unescape(answer.content.decode())
    pack.refresh_from_db()
    assert pack.status == Status.READY and not PackSending.objects.exists()


def test_it_waits_while_the_documents_are_not_ready_and_builds_when_they_are(closed):
    from cqpm.core.registry import listening

    assert build_pack(closed.pack.pk) == "waiting"
    with listening(DOCUMENT_READY) as ready:
        generate_all(closed.session)
    assert len(ready) == 2  # the minutes and the notice: each queues the build again
    closed.pack.refresh_from_db()
    assert closed.pack.status == Status.TO_PREPARE
    assert build_pack(closed.pack.pk) == "built"
