"""The minutes read as an official document (issue 26): the centre signs for the centre, words
agree with the members' civility, decisions and the closing bear the sitting's date, a member kept
out of a decision for a conflict of interests is shown."""

import pytest
from django.utils import timezone

from deliberations.models import JuryMember, JuryRecusal
from documents import services
from documents.models import Document
from documents.rendering import document_html

pytestmark = pytest.mark.django_db


def _minutes(session, staff):
    document = services.document_request(
        kind=Document.Kind.JURY_MINUTES, jury_session=session, by=staff
    )
    return document_html(document)


def test_words_agree_with_the_known_civility_and_the_centre_signs_for_the_centre(
    jury, staff_a, jury_president, jury_member, centre_a
):
    jury_president.civility, jury_president.first_name = "Mme", "Françoise"
    jury_president.save()
    jury_member.civility = "M."
    jury_member.save()
    JuryMember.objects.filter(session=jury.session).update(present=True)
    centre_a.signatory_name, centre_a.signatory_title = "Claire Dubois", "La directrice"
    centre_a.save()

    html = _minutes(jury.session, staff_a)

    assert "présidente du jury" in html and "Présidente" in html
    assert "Présente" in html and "Présent<" in html
    for inclusive in ("président(e)", "Président(e)", "Présent(e)", "Absent(e)"):
        assert inclusive not in html, inclusive
    box = html[html.index("Pour le centre d'examen") :]
    assert "La directrice" in box and "Claire Dubois" in box
    assert "Le président du jury" not in box
    assert jury_president.get_full_name() not in box
    sitting = jury.session.date.strftime("%d/%m/%Y")
    assert f"Séance close le {sitting}." in html
    assert f"le {sitting}" in box
    # Each decision taken at the sitting is dated the sitting's day, whenever it was typed.
    assert html.count(f"<td>{sitting}</td>") >= 2


def test_the_closing_keeps_its_true_time_when_recorded_later(jury, staff_a):
    html = _minutes(jury.session, staff_a)
    if timezone.localdate(jury.session.closed_at) != jury.session.date:
        assert "Clôture enregistrée dans l'application le" in html


def test_a_member_kept_out_of_a_decision_is_on_the_minutes(jury, staff_a, jury_member):
    decision = jury.session.decisions.first()
    JuryRecusal.objects.create(
        session=jury.session,
        member=JuryMember.objects.get(session=jury.session, user=jury_member),
        registration=decision.registration,
        company_name="Forges de Lyon",
    )
    html = _minutes(jury.session, staff_a)
    assert f"Sans la participation de {jury_member.get_full_name()}" in html
    assert "conflit d'intérêts : entreprise Forges de Lyon" in html
