"""The interview: recorded by the evaluators of the candidate's session; staff read it."""

import datetime

import pytest
from django.urls import reverse

from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from evaluations.models import Interview, InterviewNote
from evaluations.services.interviews import interview_record
from tests.evaluations.helpers import text
from tests.factories.candidates import MembershipFactory
from tests.factories.evaluations import SessionFactory, assign

pytestmark = pytest.mark.django_db
DATE = datetime.date(2027, 4, 10)


@pytest.fixture
def session(campaign_a, evaluator, registration_a):
    session = SessionFactory(campaign=campaign_a, evaluators=[evaluator])
    assign(session, registration_a)
    return session


def _notes(registration):
    return {c.pk: f"Notes {c.number}" for c in registration.campaign.referential.capacities.all()}


def test_it_records_the_interview_with_notes_per_capacity(session, evaluator, registration_a):
    interview = interview_record(
        registration=registration_a,
        date=DATE,
        evaluators=[evaluator],
        general_notes="Candidat à l'aise.",
        notes=_notes(registration_a),
        by=evaluator,
    )
    assert list(interview.evaluators.all()) == [evaluator]
    assert InterviewNote.objects.filter(interview=interview).count() == 3
    entry = AuditEntry.objects.get(action="cqpm.interview.recorded")
    assert entry.registration_id == registration_a.pk and entry.centre_id


def test_it_corrects_the_interview_and_records_the_update(session, evaluator, registration_a):
    interview_record(registration=registration_a, date=DATE, evaluators=[evaluator], by=evaluator)
    interview_record(
        registration=registration_a,
        date=DATE + datetime.timedelta(days=1),
        evaluators=[evaluator],
        by=evaluator,
    )
    assert Interview.objects.get().date == DATE + datetime.timedelta(days=1)
    assert AuditEntry.objects.filter(action="cqpm.interview.updated").count() == 1


def test_it_refuses_an_evaluator_outside_the_session(session, registration_a, centre_a):
    stranger = MembershipFactory(centre=centre_a, role="evaluator").user
    with pytest.raises(DomainError) as exc:
        interview_record(registration=registration_a, date=DATE, evaluators=[stranger], by=stranger)
    assert "Seuls les évaluateurs de la commission" in exc.value.message
    assert not Interview.objects.exists()


def test_it_refuses_a_present_evaluator_who_does_not_sit(
    session, evaluator, registration_a, centre_a
):
    stranger = MembershipFactory(centre=centre_a, role="evaluator").user
    with pytest.raises(DomainError) as exc:
        interview_record(
            registration=registration_a, date=DATE, evaluators=[evaluator, stranger], by=evaluator
        )
    assert "ne siège pas dans la commission" in exc.value.message
    assert not Interview.objects.exists()


def test_it_refuses_staff_recording_it(session, staff_a, registration_a, evaluator):
    with pytest.raises(DomainError):
        interview_record(registration=registration_a, date=DATE, evaluators=[evaluator], by=staff_a)
    assert not Interview.objects.exists()


def test_it_refuses_without_a_session(registration_a, evaluator):
    with pytest.raises(DomainError) as exc:
        interview_record(
            registration=registration_a, date=DATE, evaluators=[evaluator], by=evaluator
        )
    assert exc.value.message == "Ce candidat n'est affecté à aucune commission d'évaluation."


def test_it_records_through_the_page_and_staff_read_it(
    client_for, session, evaluator, staff_a, registration_a
):
    url = reverse("evaluations:interview_page", args=[registration_a.pk])
    data = {"date": "2027-04-10", "evaluators": [evaluator.pk], "general_notes": "RAS"}
    for capacity_id, notes in _notes(registration_a).items():
        data[f"notes_{capacity_id}"] = notes
    response = client_for(evaluator).post(url, data, follow=True)
    assert "L'entretien est enregistré." in text(response)
    body = text(client_for(staff_a).get(url))
    assert "Notes 2" in body and "RAS" in body
    assert "Enregistrer l'entretien" not in body
