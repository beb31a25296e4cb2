"""The jury's rule both ways: a decision against what the capacities imply (« non admissible »
with every capacity acquired, « admissible » with one missing) needs the jury's written reason,
which the page, the history, the minutes and the candidate's document then state."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from candidates.history import registration_history
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from deliberations.models import Decision
from deliberations.services import (
    jury_decision_amend,
    jury_decision_record,
    jury_session_close,
)
from documents.models import Document
from documents.rendering import document_html
from documents.services import document_request


@pytest.fixture(autouse=True)
def _at_the_jury(at_jury):
    """Jury sessions deliberate and close while the campaign is at the jury (lifecycle.py)."""


pytestmark = pytest.mark.django_db

REASON = "Le candidat a reconnu avoir présenté le travail d'un collègue comme le sien."


def _record(session, registration, outcome, by, *, reason="", expected=None):
    return jury_decision_record(
        session=session,
        registration=registration,
        outcome=outcome,
        jury_reason=reason,
        expected_decision_id=expected,
        by=by,
    )


def test_it_refuses_non_admissible_with_every_capacity_acquired_unless_reasoned(
    client_for, session, admissible_reg, jury_member, staff_a
):
    with pytest.raises(DomainError) as refused:
        _record(session, admissible_reg, "not_admissible", jury_member, reason="   ")
    assert "« Non admissible » est refusé : les 3 capacités sont toutes acquises" in str(
        refused.value
    )
    assert not Decision.objects.exists()

    decision = _record(session, admissible_reg, "not_admissible", jury_member, reason=REASON)

    assert (decision.outcome, decision.proposed, decision.jury_reason) == (
        "not_admissible",
        "admissible",
        REASON,
    )
    entry = AuditEntry.objects.get(action="cqpm.jury.decision.recorded")
    assert entry.data["jury_reason"] == REASON and entry.data["proposed"] == "admissible"
    page = client_for(staff_a).get(
        reverse("candidates:registration_detail", args=[admissible_reg.pk])
    )
    assert "Motif du jury : " + REASON.replace("'", "&#x27;") in page.content.decode()
    history = registration_history(registration=admissible_reg)
    recorded = next(h for h in history if h.code == "cqpm.jury.decision.recorded")
    assert ("Motif du jury", REASON) in recorded.details
    assert ("Décision proposée", "Admissible") in recorded.details


def test_it_accepts_admissible_with_a_capacity_missing_only_with_a_reason(
    session, failing_reg, jury_member
):
    with pytest.raises(DomainError, match="seules 2 capacités sur 3 sont acquises"):
        _record(session, failing_reg, "admissible", jury_member)
    decision = _record(session, failing_reg, "admissible", jury_member, reason="Recours admis.")
    assert (decision.proposed, decision.jury_reason) == ("not_admissible", "Recours admis.")


def test_a_decision_that_follows_the_proposal_keeps_no_reason(
    session, admissible_reg, failing_reg, jury_member
):
    assert _record(session, admissible_reg, "admissible", jury_member, reason="x").jury_reason == ""
    absent = _record(session, failing_reg, "absent", jury_member, reason="x")
    assert (absent.jury_reason, absent.proposed) == ("", "not_admissible")


def test_changing_only_the_reason_supersedes_the_decision(session, admissible_reg, jury_member):
    first = _record(session, admissible_reg, "not_admissible", jury_member, reason="Premier motif")
    same = _record(
        session,
        admissible_reg,
        "not_admissible",
        jury_member,
        reason="Premier motif",
        expected=first.pk,
    )
    assert same == first
    second = _record(
        session,
        admissible_reg,
        "not_admissible",
        jury_member,
        reason="Motif précisé",
        expected=first.pk,
    )
    assert (second.supersedes, second.jury_reason) == (first, "Motif précisé")


def test_the_database_refuses_a_departure_without_reason(session, admissible_reg, jury_member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            session=session,
            registration=admissible_reg,
            outcome="not_admissible",
            proposed="admissible",
            recorded_by=jury_member,
        )


def test_an_amendment_follows_the_same_rule(
    session, admissible_reg, failing_reg, jury_member, jury_president
):
    first = _record(session, admissible_reg, "admissible", jury_member)
    _record(session, failing_reg, "not_admissible", jury_member)
    jury_session_close(session=session, by=jury_president, today=session.date)
    with pytest.raises(DomainError, match="« Non admissible » est refusé"):
        jury_decision_amend(
            decision=first, outcome="not_admissible", reason="Fraude établie", by=jury_president
        )
    amended = jury_decision_amend(
        decision=first,
        outcome="not_admissible",
        reason="Fraude établie après la séance",
        jury_reason=REASON,
        by=jury_president,
    )
    assert (amended.reason, amended.jury_reason, amended.proposed) == (
        "Fraude établie après la séance",
        REASON,
        "admissible",
    )
    entry = AuditEntry.objects.get(action="cqpm.jury.decision.amended")
    assert entry.data["jury_reason"] == REASON


def test_the_amendment_page_refuses_without_the_jury_reason_and_keeps_what_was_typed(
    client_for, session, admissible_reg, failing_reg, jury_member, jury_president
):
    first = _record(session, admissible_reg, "admissible", jury_member)
    _record(session, failing_reg, "not_admissible", jury_member)
    jury_session_close(session=session, by=jury_president, today=session.date)
    client = client_for(jury_president)
    url = reverse("deliberations:decision_amend", args=[first.pk])
    typed = {
        "outcome": "not_admissible",
        "reason": "Fraude établie après la séance",
        "confirm": "1",
    }
    body = client.post(url, typed).content.decode()
    assert "« Non admissible » est refusé" in body
    assert "Fraude établie après la séance</textarea>" in body
    assert Decision.objects.filter(registration=admissible_reg).count() == 1
    response = client.post(url, {**typed, "jury_reason": REASON}, follow=True)
    assert "La décision est rectifiée" in response.content.decode()
    assert Decision.objects.get(registration=admissible_reg, is_active=True).jury_reason == REASON


def _deliberation(client, session):
    return client.get(reverse("deliberations:jury_deliberation", args=[session.pk]))


def _post(client, session, registration, outcome, reason="", expected=None):
    return client.post(
        reverse("deliberations:decision_record", args=[session.pk, registration.pk]),
        {"outcome": outcome, "jury_reason": reason, "expected": expected or "", "page": "1"},
        follow=True,
    )


def _row(body, registration):
    row = body[body.index(f'id="candidat-{registration.pk}"') :]
    return row[: row.index("</tr>")]


def test_the_page_proposes_the_decision_the_capacities_imply(
    client_for, session, admissible_reg, failing_reg, jury_member
):
    body = _deliberation(client_for(jury_member), session).content.decode()
    assert '<option value="admissible" selected>' in _row(body, admissible_reg)
    assert '<option value="not_admissible" selected>' in _row(body, failing_reg)
    assert f'name="jury_reason" id="motif-{failing_reg.pk}"' in body


def test_the_page_keeps_the_typed_choice_and_shows_the_refusal_next_to_the_candidate(
    client_for, session, admissible_reg, jury_member
):
    client = client_for(jury_member)
    body = _post(client, session, admissible_reg, "not_admissible", reason="  ").content.decode()
    row = _row(body, admissible_reg)
    assert "« Non admissible » est refusé" in row
    assert '<option value="not_admissible" selected>' in row
    assert not Decision.objects.exists()

    body = _post(client, session, admissible_reg, "not_admissible", reason=REASON).content.decode()
    assert "Décision enregistrée" in body
    assert "Motif du jury (décision contraire à la proposition)" in body
    assert REASON.replace("'", "&#x27;") in body


def test_a_conflict_on_the_page_keeps_the_typed_reason_and_says_what_changed(
    client_for, session, admissible_reg, jury_member, jury_president
):
    _record(session, admissible_reg, "admissible", jury_president)
    body = _post(
        client_for(jury_member), session, admissible_reg, "not_admissible", reason=REASON
    ).content.decode()
    assert "Un autre membre du jury a enregistré une décision entre-temps" in body
    assert "aucune décision → Admissible" in body
    assert REASON.replace("'", "&#x27;") + "</textarea>" in body
    assert Decision.objects.get().outcome == "admissible"


def _closed_with_documents(session, admissible_reg, failing_reg, jury_member, jury_president):
    _record(session, admissible_reg, "not_admissible", jury_member, reason=REASON)
    _record(session, failing_reg, "admissible", jury_member, reason="Recours admis par le jury.")
    jury_session_close(session=session, by=jury_president, today=session.date)


def test_the_notice_the_certificate_and_the_minutes_state_the_reason(
    session, admissible_reg, failing_reg, jury_member, jury_president, staff_a
):
    _closed_with_documents(session, admissible_reg, failing_reg, jury_member, jury_president)
    notice = document_request(
        kind=Document.Kind.CAPACITY_NOTICE, registration=admissible_reg, by=staff_a
    )
    html = document_html(notice)
    assert "Bien que toutes les capacités professionnelles soient acquises" in html
    assert "pour le motif suivant" in html and REASON.replace("'", "&#x27;") in html
    assert "3 capacités acquises" in html

    certificate = document_request(
        kind=Document.Kind.CERTIFICATE, registration=failing_reg, by=staff_a
    )
    html = document_html(certificate)
    assert "Décision motivée du jury" in html and "Recours admis par le jury." in html

    minutes = document_request(kind=Document.Kind.JURY_MINUTES, jury_session=session, by=staff_a)
    html = document_html(minutes)
    assert "Motif du jury : Recours admis par le jury." in html
    assert "Motif du jury : " + REASON.replace("'", "&#x27;") in html


def test_a_notice_that_follows_the_capacities_says_nothing_more(
    session, admissible_reg, failing_reg, jury_member, jury_president, staff_a
):
    _record(session, admissible_reg, "admissible", jury_member)
    _record(session, failing_reg, "not_admissible", jury_member)
    jury_session_close(session=session, by=jury_president, today=session.date)
    notice = document_request(
        kind=Document.Kind.CAPACITY_NOTICE, registration=failing_reg, by=staff_a
    )
    html = document_html(notice)
    assert "Bien que toutes" not in html and "Motif de la décision du jury" not in html
