"""A candidate absent or excused at one jury session is brought before a later one: one seat per
session, seats in one chain per registration, and the decision history stays readable."""

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from cqpm.core.errors import DomainError
from deliberations.models import Decision, JuryCandidate, JurySession
from deliberations.selectors import assignable_registrations, decision_history
from deliberations.services import (
    jury_candidate_remove,
    jury_candidates_assign,
    jury_decision_amend,
    jury_decision_record,
    jury_deliberation_start,
    jury_session_close,
)
from documents.models import Document
from documents.rendering import document_html
from documents.services import document_request

from ..factories.candidates import RegistrationFactory
from ..factories.deliberations import jury, results


@pytest.fixture(autouse=True)
def _at_the_jury(at_jury):
    """Jury sessions deliberate and close while the campaign is at the jury (lifecycle.py)."""


pytestmark = pytest.mark.django_db

FIRST_DAY, LATER_DAY = datetime.date(2027, 5, 15), datetime.date(2027, 6, 20)


@pytest.fixture
def candidate(campaign):
    registration = RegistrationFactory(campaign=campaign)
    results(registration)
    return registration


@pytest.fixture
def present(campaign):
    registration = RegistrationFactory(campaign=campaign)
    results(registration)
    return registration


def _record(session, registration, outcome, by, expected=None):
    return jury_decision_record(
        session=session,
        registration=registration,
        outcome=outcome,
        expected_decision_id=expected,
        by=by,
    )


@pytest.fixture
def first(campaign, jury_president, jury_member, candidate, present):
    """A closed session where `candidate` was absent and `present` admissible."""
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.DELIBERATING,
        date=FIRST_DAY,
        registrations=[candidate, present],
    )
    _record(session, candidate, "absent", jury_member)
    _record(session, present, "admissible", jury_member)
    return jury_session_close(session=session, by=jury_president, today=session.date)


@pytest.fixture
def later(campaign, jury_president, jury_member):
    return jury(campaign, president=jury_president, members=[jury_member], date=LATER_DAY)


def test_an_absent_candidate_is_brought_before_a_later_session_and_decided_there(
    client_for, first, later, candidate, present, staff_a, jury_member, jury_president
):
    assert list(assignable_registrations(session=later)) == [candidate]
    assert jury_candidates_assign(session=later, registrations=[candidate], by=staff_a) == 1
    seat = JuryCandidate.objects.get(session=later)
    assert seat.previous_seat == JuryCandidate.objects.get(session=first, registration=candidate)
    candidate.refresh_from_db()
    assert candidate.stage == "jury"

    later = jury_deliberation_start(session=later, by=jury_president)
    with pytest.raises(DomainError, match="Sans décision"):
        # The absence recorded by the first session does not decide the later one.
        jury_session_close(session=later, by=jury_president, today=later.date)
    absent = Decision.objects.get(session=first, registration=candidate)
    decided = _record(later, candidate, "admissible", jury_member, expected=absent.pk)
    absent.refresh_from_db()
    assert (absent.is_active, decided.is_active, decided.supersedes) == (False, True, None)
    jury_session_close(session=later, by=jury_president, today=later.date)
    candidate.refresh_from_db()
    assert candidate.stage == "admissible"
    page = client_for(staff_a).get(reverse("candidates:registration_detail", args=[candidate.pk]))
    # The decisions' rows as text: cells joined by « | », whatever attributes the cells carry.
    rows = [
        " | ".join(
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        )
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page.content.decode(), re.S)
    ]
    rows = [re.sub(r"\s+", " ", row) for row in rows]
    assert any(
        row.startswith("Jury du 15/05/2027 — Salle du jury | Absent | Remplacée") for row in rows
    )
    assert any(
        row.startswith("Jury du 20/06/2027 — Salle du jury | Admissible | En vigueur")
        for row in rows
    )
    assert [(d.session_id, d.outcome) for d in decision_history(registration=candidate)] == [
        (later.pk, "admissible"),
        (first.pk, "absent"),
    ]


def test_the_first_minutes_still_count_the_absence(
    first, later, candidate, staff_a, jury_member, jury_president
):
    jury_candidates_assign(session=later, registrations=[candidate], by=staff_a)
    later = jury_deliberation_start(session=later, by=jury_president)
    absent = Decision.objects.get(session=first, registration=candidate)
    _record(later, candidate, "admissible", jury_member, expected=absent.pk)
    minutes = document_request(kind=Document.Kind.JURY_MINUTES, jury_session=first, by=staff_a)
    html = document_html(minutes)
    assert "Absent : 1" in html and "Admissible : 1" in html


def test_the_pages_offer_the_candidate_again_and_show_both_sessions(
    client_for, first, later, candidate, present, staff_a, jury_member, jury_president
):
    client = client_for(staff_a)
    url = reverse("deliberations:jury_candidates", args=[later.pk])
    body = client.get(url).content.decode()
    assert "absent au jury du 15/05/2027 : à présenter de nouveau" in body
    assert f'name="ids" value="{present.pk}"' not in body
    assert f'name="ids" value="{candidate.pk}"' in body
    response = client.post(url, {"registrations": [candidate.pk]}, follow=True)
    assert "1 candidat(s) présenté(s) au jury." in response.content.decode()

    later = jury_deliberation_start(session=later, by=jury_president)
    page = client_for(jury_member).get(reverse("deliberations:jury_deliberation", args=[later.pk]))
    body = page.content.decode()
    absent = Decision.objects.get(session=first, registration=candidate)
    assert f'name="expected" value="{absent.pk}"' in body
    assert "Jury du 15/05/2027 — Salle du jury : Absent (en vigueur)" in body


@pytest.mark.parametrize("outcome", ["not_admissible", "admissible"])
def test_a_decided_candidate_is_not_brought_before_another_session(
    campaign, jury_president, jury_member, staff_a, later, outcome
):
    registration = RegistrationFactory(campaign=campaign)
    results(registration, not_acquired={1} if outcome == "not_admissible" else ())
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.DELIBERATING,
        date=FIRST_DAY,
        registrations=[registration],
    )
    _record(session, registration, outcome, jury_member)
    jury_session_close(session=session, by=jury_president, today=session.date)
    assert registration not in assignable_registrations(session=later)
    with pytest.raises(DomainError, match="déjà présenté à un jury"):
        jury_candidates_assign(session=later, registrations=[registration], by=staff_a)
    assert not later.candidates.exists()


def test_it_waits_for_the_first_session_to_close(
    campaign, jury_president, jury_member, staff_a, candidate, later
):
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.DELIBERATING,
        date=FIRST_DAY,
        registrations=[candidate],
    )
    _record(session, candidate, "excused", jury_member)
    assert candidate not in assignable_registrations(session=later)
    with pytest.raises(DomainError, match="qu'après la clôture"):
        jury_candidates_assign(session=later, registrations=[candidate], by=staff_a)


def test_it_refuses_an_earlier_session_and_the_same_session_twice(
    campaign, first, candidate, jury_president, staff_a
):
    earlier = jury(campaign, president=jury_president, date=datetime.date(2027, 5, 1))
    assert candidate not in assignable_registrations(session=earlier)
    with pytest.raises(DomainError, match="jury postérieur"):
        jury_candidates_assign(session=earlier, registrations=[candidate], by=staff_a)
    later = jury(campaign, president=jury_president, date=LATER_DAY)
    jury_candidates_assign(session=later, registrations=[candidate], by=staff_a)
    with pytest.raises(DomainError, match="déjà présenté à ce jury"):
        jury_candidates_assign(session=later, registrations=[candidate], by=staff_a)
    assert JuryCandidate.objects.filter(registration=candidate).count() == 2


def test_the_database_holds_one_seat_per_session_and_one_chain(first, later, candidate):
    seat = JuryCandidate.objects.get(session=first, registration=candidate)
    with pytest.raises(IntegrityError), transaction.atomic():
        JuryCandidate.objects.create(session=first, registration=candidate, previous_seat=seat)
    with pytest.raises(IntegrityError), transaction.atomic():
        JuryCandidate.objects.create(session=later, registration=candidate)  # a second first seat
    JuryCandidate.objects.create(session=later, registration=candidate, previous_seat=seat)
    third = JurySession.objects.create(
        campaign=first.campaign, date=datetime.date(2027, 9, 1), place="Salle"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        JuryCandidate.objects.create(session=third, registration=candidate, previous_seat=seat)


def test_removing_the_later_seat_puts_the_candidate_back_as_the_first_jury_left_it(
    first, later, candidate, staff_a
):
    jury_candidates_assign(session=later, registrations=[candidate], by=staff_a)
    jury_candidate_remove(candidate=JuryCandidate.objects.get(session=later), by=staff_a)
    candidate.refresh_from_db()
    assert candidate.stage == "not_admissible"
    assert list(assignable_registrations(session=later)) == [candidate]


def test_the_first_decision_is_no_longer_amended_once_the_candidate_is_seated_later(
    first, later, candidate, staff_a, jury_president
):
    jury_candidates_assign(session=later, registrations=[candidate], by=staff_a)
    absent = Decision.objects.get(session=first, registration=candidate)
    with pytest.raises(DomainError, match="ne se rectifie plus"):
        jury_decision_amend(
            decision=absent, outcome="excused", reason="Certificat médical", by=jury_president
        )
    assert Decision.objects.filter(registration=candidate).count() == 1
