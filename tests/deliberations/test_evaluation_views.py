"""The evaluation page: evidence side by side, the result form, constant queries."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cqpm.core.models import AuditEntry
from deliberations.models import CapacityResult, ResultSheet
from evaluations.models import Interview, InterviewNote, Rating, Report

from ..factories.candidates import CampaignFactory
from ..factories.deliberations import (
    commission_for,
    evaluated_registration,
    results,
    submitted_opinion,
)
from ..factories.referentials import referential_with_capacities

pytestmark = pytest.mark.django_db

# Ours: registration with its one-to-ones, staff centres, evaluator check, report, dossier methods,
# opinion, interview notes, results, capacities + conditions + criteria, corrections (12). The rest
# is the session, the user, the MFA check and the navigation of every app, which other apps own:
# the bound leaves them room; the equality is the point.
EVALUATION_PAGE_MAX_QUERIES = 20


def _url(registration):
    return reverse("deliberations:evaluation", args=[registration.pk])


def _with_evidence(registration, evaluator):
    submitted_opinion(
        registration,
        {c.number: Rating.MASTERED for c in registration.campaign.referential.capacities.all()},
    )
    interview = Interview.objects.create(
        registration=registration,
        date=datetime.date(2027, 4, 10),
        recorded_by=evaluator,
        general_notes="Entretien serein.",
    )
    for capacity in registration.campaign.referential.capacities.all():
        InterviewNote.objects.create(
            interview=interview, capacity=capacity, notes=f"Note d'entretien {capacity.number}"
        )
    Report.objects.create(
        registration=registration,
        version=1,
        file=ContentFile(b"%PDF-1.4 rapport", name="rapport.pdf"),
        original_name="mon-rapport.pdf",
        size=16,
        sha256="0" * 64,
        uploaded_by=evaluator,
    )


def test_it_shows_each_capacity_side_by_side(client_for, campaign, commission, evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission)
    _with_evidence(registration, evaluator)
    body = client_for(evaluator).get(_url(registration)).content.decode()
    assert "Capacité 1. Capacité 1" in body
    assert "Condition 2" in body
    assert "Critère results 1 de la capacité 3" in body
    assert "Critère methods 2 de la capacité 3" in body
    assert "Critère procedures 1 de la capacité 3" in body
    assert "Entretien avec le candidat" in body  # dossier method label
    assert "Maîtrisée" in body
    assert "Note d&#x27;entretien 2" in body
    assert "mon-rapport.pdf" in body
    report = Report.objects.get()
    assert reverse("evaluations:report_download", args=[registration.pk, report.pk]) in body
    assert reverse("deliberations:results_record", args=[registration.pk]) in body
    assert 'name="version" value="0"' in body


def _cap(registration, number):
    return registration.campaign.referential.capacities.get(number=number)


def test_it_records_a_result_through_the_page(client_for, campaign, commission, evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission)
    capacity = _cap(registration, 2)
    prefix = f"c{capacity.pk}"
    response = client_for(evaluator).post(
        reverse("deliberations:results_record", args=[registration.pk]),
        {
            "version": "0",
            f"{prefix}-outcome": "not_acquired",
            f"{prefix}-justification": "Pas de preuve.",
            f"{prefix}-methods": ["interview"],
        },
        follow=True,
    )
    assert "Les résultats de la commission sont enregistrés." in response.content.decode()
    result = CapacityResult.objects.get()
    assert (result.capacity, result.outcome, result.methods) == (
        capacity,
        "not_acquired",
        ["interview"],
    )


def test_it_shows_the_justification_error_and_writes_nothing(
    client_for, campaign, commission, evaluator
):
    registration = evaluated_registration(campaign=campaign, session=commission)
    capacity = _cap(registration, 1)
    prefix = f"c{capacity.pk}"
    response = client_for(evaluator).post(
        reverse("deliberations:results_record", args=[registration.pk]),
        {"version": "0", f"{prefix}-outcome": "not_acquired", f"{prefix}-methods": ["interview"]},
    )
    assert response.status_code == 200
    assert "La justification est obligatoire" in response.content.decode()
    assert not CapacityResult.objects.exists()


def test_it_says_the_dossier_is_not_approved(client_for, campaign, commission, evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission, approved=False)
    body = client_for(evaluator).get(_url(registration)).content.decode()
    assert "non approuvé : aucun résultat ne peut être enregistré." in body
    assert '-outcome"' not in body


def test_it_lists_missing_capacities_when_validation_is_refused(
    client_for, campaign, commission, evaluator
):
    registration = evaluated_registration(campaign=campaign, session=commission)
    url = reverse("deliberations:results_validate", args=[registration.pk])
    client = client_for(evaluator)
    body = client.post(url).content.decode()
    assert "Ce qui manque" in body
    assert "Capacité 1 sans résultat : Capacité 1" in body
    assert "Rapport du candidat : non remis." in body
    assert 'name="confirm"' not in body  # refused: nothing to confirm
    response = client.post(url, {"confirm": "1", "motif": "Remis sur papier."})
    assert response.status_code == 400
    assert not ResultSheet.objects.filter(status="validated").exists()


def test_validation_asks_for_a_reason_without_the_report_then_records_it(
    client_for, campaign, commission, evaluator
):
    registration = evaluated_registration(campaign=campaign, session=commission)
    results(registration, validated=False)
    url = reverse("deliberations:results_validate", args=[registration.pk])
    client = client_for(evaluator)
    body = client.post(url).content.decode()
    assert "Rapport du candidat : non remis." in body
    assert 'name="motif"' in body
    assert not ResultSheet.objects.filter(status="validated").exists()  # not confirmed
    assert client.post(url, {"confirm": "1"}).status_code == 400  # no reason
    assert not ResultSheet.objects.filter(status="validated").exists()
    client.post(url, {"confirm": "1", "motif": "Remis sur papier."})
    assert ResultSheet.objects.get().status == "validated"
    entry = AuditEntry.objects.get(action="cqpm.commission.results.validated")
    assert entry.data["reason"] == "Remis sur papier."


def test_the_validate_button_sits_below_the_results_form(
    client_for, campaign, commission, evaluator
):
    registration = evaluated_registration(campaign=campaign, session=commission)
    body = client_for(evaluator).get(_url(registration)).content.decode()
    validate = body.index(reverse("deliberations:results_validate", args=[registration.pk]))
    assert body.index("Enregistrer les résultats") < validate


def test_it_lets_staff_read_without_recording(client_for, campaign, commission, staff_a, evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission)
    response = client_for(staff_a).get(_url(registration))
    assert response.status_code == 200
    assert '-outcome"' not in response.content.decode()
    capacity = _cap(registration, 1)
    prefix = f"c{capacity.pk}"
    response = client_for(staff_a).post(
        reverse("deliberations:results_record", args=[registration.pk]),
        {"version": "0", f"{prefix}-outcome": "acquired", f"{prefix}-methods": ["interview"]},
    )
    assert "Vous n&#x27;êtes pas évaluateur" in response.content.decode()
    assert not CapacityResult.objects.exists()


def test_it_shows_corrections_in_the_history(client_for, campaign, commission, evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission)
    results(registration)
    result = CapacityResult.objects.get(capacity__number=1)
    url = reverse("deliberations:result_correct", args=[registration.pk, result.pk])
    client = client_for(evaluator)
    response = client.post(
        url,
        {
            "outcome": "not_acquired",
            "justification": "Revu.",
            "methods": ["interview"],
            "reason": "",
        },
    )
    assert "Ce champ est obligatoire." in response.content.decode()
    response = client.post(
        url,
        {
            "outcome": "not_acquired",
            "justification": "Revu.",
            "methods": ["interview"],
            "reason": "Erreur matérielle.",
            "version": "0",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "La correction est enregistrée" in body
    assert "Corrections après validation" in body and "Erreur matérielle." in body


@pytest.mark.parametrize(
    "persona", ["staff_b", "outsider", "tutor", "other_evaluator", "jury_member", "reviewer"]
)
def test_it_hides_the_evaluation_pages_from_others(
    request, client_for, campaign, commission, evaluator, persona
):
    other_session = commission_for(
        campaign, evaluators=[request.getfixturevalue("other_evaluator")]
    )
    assert other_session.pk
    registration = evaluated_registration(campaign=campaign, session=commission)
    results(registration)
    result = CapacityResult.objects.first()
    client = client_for(request.getfixturevalue(persona))
    assert client.get(_url(registration)).status_code == 404
    assert (
        client.post(reverse("deliberations:results_record", args=[registration.pk]), {}).status_code
        == 404
    )
    assert (
        client.post(reverse("deliberations:results_validate", args=[registration.pk])).status_code
        == 404
    )
    assert (
        client.get(
            reverse("deliberations:result_correct", args=[registration.pk, result.pk])
        ).status_code
        == 404
    )


def test_it_hides_the_candidate_of_the_evaluators_own_company(
    client_for, campaign, commission, evaluator
):
    company = evaluator.centre_memberships.get().company
    registration = evaluated_registration(campaign=campaign, session=commission, company=company)
    assert client_for(evaluator).get(_url(registration)).status_code == 404


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_it_costs_the_same_queries_for_3_or_12_capacities(centre_a, client_for, evaluator):
    counts = []
    for n in (3, 12):
        campaign = CampaignFactory(centre=centre_a, referential=referential_with_capacities(n))
        registration = evaluated_registration(
            campaign=campaign, session=commission_for(campaign, evaluators=[evaluator])
        )
        _with_evidence(registration, evaluator)
        results(registration, not_acquired={2}, validated=False)
        counts.append(_count_queries(client_for(evaluator), _url(registration)))
    assert counts[0] == counts[1] <= EVALUATION_PAGE_MAX_QUERIES
