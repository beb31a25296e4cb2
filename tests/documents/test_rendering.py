"""The HTML and PDF of certificates, notices and minutes: what they say, and how many pages."""

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from cqpm.core.pdf import layout_pdf
from deliberations.models import CapacityResult, Decision
from documents.models import Document
from documents.rendering import document_html, document_pdf
from documents.services import document_request

from ..factories.documents import amend, decide
from .test_pdf import page_texts


def _request(kind, by, **source):
    return document_request(kind=kind, by=by, **source)


def test_it_writes_the_certificate_of_the_admissible_candidate(jury, staff_a):
    document = _request(Document.Kind.CERTIFICATE, staff_a, registration=jury.alice)
    referential = jury.campaign.referential

    html = document_html(document)

    for expected in [
        "Attestation de réussite",
        "Éloïse",
        "LEFÈVRE",
        referential.code,
        escape(referential.title),
        "UIMM Centre A",
        "15/05/2027",
        document.verification_code,
        f"/verifier/{document.verification_code}/",
        "<svg",
    ]:
        assert expected in html, expected
    assert "Quenderec" not in html
    laid_out = layout_pdf(html=html)
    assert len(laid_out.pages) == 1
    assert laid_out.write_pdf().startswith(b"%PDF-")


def test_it_signs_with_the_centre_signatory_or_else_the_president(jury, staff_a, centre_a):
    document = _request(Document.Kind.CERTIFICATE, staff_a, registration=jury.alice)
    president = jury.session.members.get(is_president=True).user

    assert president.get_full_name() in document_html(document)

    centre_a.signatory_name = "Claire Dubois"
    centre_a.signatory_title = "Déléguée générale"
    centre_a.save()
    html = document_html(document)
    assert "Claire Dubois" in html and "Déléguée générale" in html


def test_it_lists_acquired_and_missing_capacities_with_their_end_of_validity(jury, staff_a):
    document = _request(Document.Kind.CAPACITY_NOTICE, staff_a, registration=jury.bob)

    html = document_html(document)

    assert "Notification des capacités professionnelles acquises" in html
    assert "Hugo" in html and "QUENDEREC" in html
    assert "15/05/2029" in html  # jury of 15/05/2027 + 24 months
    assert "1 capacité acquise" in html and "2 capacités non acquises" in html
    assert html.count(">Acquise<") == 1 and html.count("Non acquise") == 2


def test_it_keeps_the_validity_date_of_a_carried_over_capacity(jury, staff_a):
    result = CapacityResult.objects.get(sheet__registration=jury.bob, capacity__number=1)
    result.valid_until = datetime.date(2028, 1, 31)
    result.source = CapacityResult.Source.CARRIED_OVER
    result.save()
    document = _request(Document.Kind.CAPACITY_NOTICE, staff_a, registration=jury.bob)

    html = document_html(document)

    assert "31/01/2028" in html
    assert "Acquise lors d&#x27;une session antérieure" in html


def test_it_writes_minutes_with_colleges_attendance_and_every_decision(
    jury, staff_a, jury_president
):
    amended = amend(
        decision=jury.not_admissible,
        outcome=Decision.Outcome.ADMISSIBLE,
        reason="Erreur de saisie de la capacité 2.",
        by=jury_president,
    )
    decide(
        session=jury.session,
        outcome=Decision.Outcome.ABSENT,
        by=jury_president,
        last_name="Absent",
        first_name="Paul",
    )
    document = _request(Document.Kind.JURY_MINUTES, staff_a, jury_session=jury.session)

    html = document_html(document)

    for expected in [
        "Procès-verbal de délibération",
        "Collège employeurs",
        "Collège salariés",
        "président(e) du jury",
        "Présent(e)",
        "Absent(e)",
        "Émargé le",
        "LEFÈVRE",
        "QUENDEREC",
        "(décision remplacée)",
        "Rectification : Erreur de saisie de la capacité 2.",
        "string-set: running-title",
    ]:
        assert expected in html, expected
    assert html.count('<tr class="superseded">') == 1
    assert amended.is_active


def test_it_numbers_the_pages_of_long_minutes(jury, staff_a, jury_president):
    for number in range(45):
        decide(
            session=jury.session,
            outcome=Decision.Outcome.ADMISSIBLE,
            by=jury_president,
            last_name=f"Candidat{number:02d}",
        )
    document = _request(Document.Kind.JURY_MINUTES, staff_a, jury_session=jury.session)

    laid_out = layout_pdf(html=document_html(document))

    total = len(laid_out.pages)
    assert total >= 2
    texts = page_texts(laid_out)
    assert all(f"Page {n} / {total}" in texts[n - 1] for n in range(1, total + 1))


def test_it_inlines_the_centre_logo_without_any_fetch(jury, staff_a, centre_a):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (31, 56, 100)).save(buffer, format="PNG")
    centre_a.logo.save("logo.png", ContentFile(buffer.getvalue()))
    document = _request(Document.Kind.CERTIFICATE, staff_a, registration=jury.alice)

    html = document_html(document)

    assert 'src="data:image/png;base64,' in html
    assert document_pdf(document).startswith(b"%PDF-")


def test_it_dates_the_signature_in_the_town_of_the_centre(jury, staff_a, centre_a):
    document = _request(Document.Kind.CERTIFICATE, staff_a, registration=jury.alice)
    issued = timezone.localdate(document.created_at).strftime("%d/%m/%Y")
    assert f"Fait le {issued}" in document_html(document)

    centre_a.address = "12 rue de la Métallurgie\n69007 Lyon"
    centre_a.save()

    assert f"Fait à Lyon, le {issued}" in document_html(document)
