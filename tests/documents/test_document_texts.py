"""What a convocation and a certificate say once printed, read from their PDF by pdftotext (Debian's
poppler-utils, installed by scripts/system-deps.sh): date and hour, place and the centre's
address, place and date of issue, the signatory by role, French dates, words agreed with the
person's civility, no internal id and one QR code. The minutes are the seal's tests' business."""

import datetime
import re
import shutil
import subprocess

import pytest
from django.utils import timezone

from documents.convocations import Appointment, convocation_pdf
from documents.models import Convocation, Document
from documents.rendering import document_html, document_pdf
from documents.services import document_request

pytestmark = pytest.mark.django_db

ADDRESS = "60 avenue Jean Mermoz\n69008 Lyon"


def pdf_text(pdf: bytes) -> str:
    """The PDF's text in reading order, white space folded (lines of a paragraph joined)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext manquant : lancez `make system-deps` (paquet poppler-utils).")
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return re.sub(r"\s+", " ", result.stdout.decode())


@pytest.fixture
def centre(centre_a):
    centre_a.address = ADDRESS
    centre_a.phone = "04 72 00 00 00"
    centre_a.signatory_name = "Claire Dubois"
    centre_a.signatory_title = "Responsable du centre d'examen"
    centre_a.save()
    return centre_a


def _appointment(registration, kind=Convocation.Kind.INTERVIEW) -> Appointment:
    return Appointment(
        kind, 1, datetime.date(2027, 4, 12), datetime.time(14, 30), "Salle de commission B"
    )


def test_a_convocation_reads_as_an_official_letter(jury, centre):
    registration = jury.alice  # Madame Éloïse Lefèvre
    registration.candidate.address = "3 rue des Forges\n69100 Villeurbanne"
    registration.candidate.save()

    text = pdf_text(
        convocation_pdf(
            registration=registration,
            appointment=_appointment(registration),
            issued_on=datetime.date(2027, 3, 1),
        )
    )

    for expected in (
        "Convocation à l'entretien avec la commission d'évaluation",
        "Madame Éloïse LEFÈVRE",
        "3 rue des Forges",
        "À Lyon, le 1 mars 2027",  # place and date of issue
        "Madame,",
        "Vous êtes convoquée à un entretien",  # agreed with her civility
        "lundi 12 avril 2027",  # the day in French
        "14h30",  # the hour
        "Salle de commission B",
        "60 avenue Jean Mermoz 69008 Lyon",  # the centre's address
        "Pour le centre d'examen, Responsable du centre d'examen Claire Dubois",
        "Nous vous prions d'agréer, Madame, nos salutations distinguées.",
    ):
        assert expected in text, (expected, text)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)  # never an ISO date
    assert "convoqué(e)" not in text


def test_a_jury_convocation_agrees_with_monsieur_and_gives_the_time(jury, centre):
    registration = jury.bob  # Monsieur Hugo Quenderec
    text = pdf_text(
        convocation_pdf(
            registration=registration,
            appointment=Appointment(
                Convocation.Kind.JURY, 1, datetime.date(2027, 5, 15), datetime.time(9, 0), "Salle"
            ),
            issued_on=datetime.date(2027, 4, 20),
        )
    )
    assert "Convocation au jury paritaire de délibération" in text
    assert "Monsieur," in text and "Vous êtes convoqué devant le jury" in text
    assert "samedi 15 mai 2027" in text and "09h00" in text


def test_a_certificate_reads_as_an_official_document(jury, centre, staff_a):
    candidate = jury.alice.candidate
    candidate.birth_place_label = "Villeurbanne"
    candidate.save()
    document = document_request(kind=Document.Kind.CERTIFICATE, registration=jury.alice, by=staff_a)
    issued = timezone.localdate(document.created_at).strftime("%d/%m/%Y")

    html = document_html(document)
    text = pdf_text(document_pdf(document))

    for expected in (
        "ATTESTATION DE RÉUSSITE",  # the title, in capitals
        "réuni à Lyon le 15 mai 2027",  # the town, not the room pasted
        "Madame Éloïse LEFÈVRE",
        f"née le {candidate.birth_date:%d/%m/%Y} à Villeurbanne",
        "a été déclarée admissible",
        "Lieu de la séance",
        "60 avenue Jean Mermoz, 69008 Lyon",
        f"Fait à Lyon, le {issued}",
        "Pour le centre d'examen, Responsable du centre d'examen Claire Dubois",
        document.verification_code,
    ):
        assert expected in text, (expected, text)
    assert "réuni le 15/05/2027 à Lyon, UIMM" not in text
    assert "Référence" not in text and f" {document.pk}," not in text  # no internal id
    assert html.count("<svg") == 1 and "<img" not in html.split("<footer")[0]  # one QR code


def test_without_a_centre_signatory_the_jury_signs_through_its_president(jury, staff_a):
    document = document_request(
        kind=Document.Kind.CAPACITY_NOTICE, registration=jury.bob, by=staff_a
    )
    text = pdf_text(document_pdf(document))
    president = jury.session.members.get(is_president=True).user
    assert "Pour le jury paritaire de délibération, La présidence du jury" in text
    assert president.get_full_name() in text
    assert "n'a pas déclaré le candidat admissible" in text
