"""The GTP receives: a pack a centre records as sent reaches the branch's list, its hashes
computed again on arrival; the branch acknowledges from there through the transmissions
service; the jury's closing and amendments keep the statistics' counts."""

import datetime
import html
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cqpm.core.models import AuditEntry
from deliberations.models import Decision
from deliberations.services import jury_decision_amend
from evaluations.pdf import tiny_pdf
from stats.models import OutcomeCount, PackArrival
from stats.services import arrival_check
from transmissions.models import PackSending, TransmissionPack
from transmissions.services import pack_build, pack_record_sending

from .conftest import JURY_DATE, generate_all

pytestmark = pytest.mark.django_db
INBOX = reverse("stats:inbox")


@pytest.fixture
def sent(closed, staff_a, django_capture_on_commit_callbacks):
    assert pack_build(pack_id=closed.pack.pk) == "waiting"  # the minutes and notice queued
    generate_all(closed.session)
    assert pack_build(pack_id=closed.pack.pk) == "built"
    closed.pack.refresh_from_db()
    with django_capture_on_commit_callbacks() as callbacks:
        closed.sending = pack_record_sending(
            pack=closed.pack,
            sent_on=JURY_DATE + datetime.timedelta(days=10),
            channel="platform",
            by=staff_a,
            today=JURY_DATE + datetime.timedelta(days=10),
        )
    assert len(callbacks) == 1  # the arrival's check, queued for a worker after the commit
    return closed


def _page(client, url=INBOX) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_a_sent_pack_reaches_the_branch_and_its_hashes_are_checked_again(sent, client_for, branch):
    arrival = PackArrival.objects.get(sending=sent.sending)
    assert arrival.status == PackArrival.Status.PENDING
    assert "Vérification en cours" in _page(client_for(branch))
    assert arrival_check(sending_id=sent.sending.pk) == "ok"
    arrival.refresh_from_db()
    assert arrival.files_checked >= 3 and arrival.problems == []
    page = _page(client_for(branch))
    assert "UIMM Centre A" in page and "15/05/2027" in page and "15/08/2027" in page
    assert "25/05/2027" in page and "Empreintes vérifiées" in page
    # Neither a candidate's name nor a way to their file: the list shows the pack, not people.
    assert "Lefèvre" not in page and "Quenderec" not in page
    assert arrival_check(sending_id=sent.sending.pk) == "ok"  # safe to run twice


def test_an_arrival_whose_check_was_lost_is_checked_by_the_hourly_task(sent):
    from stats.tasks import check_pending_arrivals

    assert check_pending_arrivals() == 0  # just sent: its own task is on its way
    PackSending.objects.filter(pk=sent.sending.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    assert check_pending_arrivals() == 1
    assert PackArrival.objects.get(sending=sent.sending).status == PackArrival.Status.OK
    assert check_pending_arrivals() == 0


def test_an_archive_changed_after_the_sending_is_reported(sent, client_for, branch):
    pack = sent.pack
    with pack.archive.open("rb") as handle:
        original = zipfile.ZipFile(handle)
        names = original.namelist()
        contents = {name: original.read(name) for name in names}
    contents[names[0]] = b"autre contenu"
    forged = io.BytesIO()
    with zipfile.ZipFile(forged, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    pack.archive.save("forged.zip", ContentFile(forged.getvalue()), save=True)
    assert arrival_check(sending_id=sent.sending.pk) == "mismatch"
    problems = PackArrival.objects.get(sending=sent.sending).problems
    assert "archive" in problems and names[0] in problems
    assert "Empreintes différentes" in _page(client_for(branch))


def test_the_branch_acknowledges_from_its_list(sent, client_for, branch):
    url = reverse("stats:inbox_acknowledge", args=[sent.sending.pk])
    upload = SimpleUploadedFile("accuse-gtp.pdf", tiny_pdf("Accusé du GTP"))
    response = client_for(branch).post(url, {"acknowledgement": upload}, follow=True)
    assert "L'accusé de réception est joint à l'envoi." in html.unescape(response.content.decode())
    sent.sending.refresh_from_db()
    assert sent.sending.acknowledgement
    entry = AuditEntry.objects.get(action="cqpm.transmissions.sending.acknowledged")
    assert entry.actor == branch
    # Once given, it cannot be given twice; a bad file is refused in French, nothing written.
    again = client_for(branch).post(
        url, {"acknowledgement": SimpleUploadedFile("a.pdf", tiny_pdf("x"))}, follow=True
    )
    assert "Un accusé de réception est déjà joint" in html.unescape(again.content.decode())


def test_a_refused_acknowledgement_leaves_nothing(sent, client_for, branch):
    url = reverse("stats:inbox_acknowledge", args=[sent.sending.pk])
    fake = SimpleUploadedFile("accuse.pdf", b"pas un PDF")
    page = html.unescape(
        client_for(branch).post(url, {"acknowledgement": fake}, follow=True).content.decode()
    )
    assert "alert-danger" in page
    sent.sending.refresh_from_db()
    assert not sent.sending.acknowledgement


def test_only_the_branch_reaches_its_list(sent, client_for, staff_a, outsider, jury_president):
    for user in (staff_a, outsider, jury_president):
        assert client_for(user).get(INBOX).status_code == 404
        url = reverse("stats:inbox_acknowledge", args=[sent.sending.pk])
        assert client_for(user).post(url, {}).status_code == 404


def test_the_branch_cannot_open_the_pack_nor_a_registration(sent, client_for, branch):
    client = client_for(branch)
    assert client.get(reverse("transmissions:download", args=[sent.session.pk])).status_code == 404
    assert client.get(reverse("transmissions:tracker", args=[sent.session.pk])).status_code == 404
    registration = sent.alice
    detail = reverse("candidates:registration_detail", args=[registration.pk])
    assert client.get(detail).status_code == 404
    assert client.get(reverse("api:registration-list")).json()["results"] == []
    assert client.get(reverse("api:candidate-list")).json()["results"] == []


def test_overdue_packs_of_every_centre_are_on_the_branch_home(closed, client_for, branch, staff_b):
    TransmissionPack.objects.filter(pk=closed.pack.pk).update(due_on=datetime.date(2026, 1, 15))
    page = _page(client_for(branch), reverse("home"))
    assert "transmission en retard, tous centres confondus" in page
    assert "UIMM Centre A" in page
    assert "tous centres confondus" not in _page(client_for(staff_b), reverse("home"))


def test_closing_and_amending_keep_the_counts(closed, jury_president):
    def counts():
        rows = OutcomeCount.objects.filter(session=closed.session)
        return {row.outcome: row.people for row in rows}

    assert counts() == {"admissible": 1, "not_admissible": 1}
    decision = Decision.objects.get(registration=closed.alice, is_active=True)
    jury_decision_amend(
        decision=decision,
        outcome=Decision.Outcome.NOT_ADMISSIBLE,
        reason="Erreur de saisie.",
        jury_reason="Capacité 3 non démontrée à l'oral.",
        by=jury_president,
    )
    assert counts() == {"not_admissible": 2}
