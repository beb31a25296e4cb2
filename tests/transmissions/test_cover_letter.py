"""The GTP pack's cover letter and decisions list say where the jury met as the certificate and
the convocation do: the centre's town and address, the date in French words, never the room's
name pasted as it was typed (« réuni le … à Salle du jury »). Read from the PDFs by pdftotext."""

import io
import zipfile

import pytest

from ..documents.test_document_texts import pdf_text
from .test_pack import _built

pytestmark = pytest.mark.django_db
ADDRESS = "60 avenue Jean Mermoz\n69008 Lyon"


def _files(closed) -> dict[str, bytes]:
    pack = _built(closed)
    with pack.archive.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_the_cover_letter_names_the_centres_town_and_address(closed, centre_a):
    centre_a.address = ADDRESS
    centre_a.save()
    files = _files(closed)
    letter = pdf_text(files["01-lettre-de-transmission.pdf"])
    assert (
        "jury paritaire de délibération réuni à Lyon le 15 mai 2027 pour la campagne "
        "« Campagne printemps 2027 »"
    ) in letter
    assert (
        "Il a siégé au centre d'examen UIMM Centre A, 60 avenue Jean Mermoz, 69008 Lyon." in letter
    )
    assert "Salle du jury" not in letter  # the room's name, as typed, is not the place
    assert "Fait à Lyon, le" in letter
    decisions = pdf_text(files["04-decisions.pdf"])
    assert "Jury paritaire de délibération réuni à Lyon le 15 mai 2027" in decisions
    assert "Salle du jury" not in decisions


def test_without_an_address_the_letter_gives_the_date_alone(closed, centre_a):
    centre_a.address = ""
    centre_a.save()
    letter = pdf_text(_files(closed)["01-lettre-de-transmission.pdf"])
    assert "jury paritaire de délibération réuni le 15 mai 2027 pour la campagne" in letter
    assert "Salle du jury" not in letter and "réuni à" not in letter
