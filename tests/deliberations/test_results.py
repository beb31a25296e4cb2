"""Commission results: recorded per capacity, validated when complete, corrected with a reason."""

import pytest

from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from cqpm.core.registry import listening
from deliberations.models import CapacityResult, ResultSheet
from deliberations.seams import RESULTS_VALIDATED
from deliberations.services import (
    capacity_result_correct,
    capacity_result_record,
    result_sheet_validate,
)
from deliberations.services.results import opinion_disagrees
from evaluations.models import Rating

from ..factories.deliberations import evaluated_registration, submitted_opinion

pytestmark = pytest.mark.django_db


def _capacity(registration, number):
    return registration.campaign.referential.capacities.get(number=number)


def _record(registration, number, by, outcome="acquired", justification="", methods=None):
    return capacity_result_record(
        registration=registration,
        capacity=_capacity(registration, number),
        outcome=outcome,
        justification=justification,
        methods=methods if methods is not None else ["interview"],
        by=by,
    )


def _record_all(registration, by):
    for number in (1, 2, 3):
        _record(registration, number, by)


def test_it_records_a_capacity_and_audits_it(campaign, commission, evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission)
    result = _record(registration, 1, evaluator, methods=["interview", "company_opinion"])
    assert result.outcome == "acquired"
    assert result.methods == ["interview", "company_opinion"]
    assert result.decided_by == evaluator
    entry = AuditEntry.objects.get(action="cqpm.commission.result.recorded")
    assert entry.registration_id == registration.pk
    assert entry.data["after"]["outcome"] == "acquired"
    registration.refresh_from_db()
    assert registration.stage == "commission"


def test_it_refuses_recording_when_the_dossier_is_not_approved(campaign, commission, evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission, approved=False)
    with pytest.raises(DomainError, match="dossier d'évaluation de ce candidat n'est pas approuvé"):
        _record(registration, 1, evaluator)
    assert not CapacityResult.objects.exists()


def test_it_requires_a_justification_when_not_acquired(campaign, commission, evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission)
    with pytest.raises(DomainError, match="justification est obligatoire"):
        _record(registration, 1, evaluator, outcome="not_acquired", justification="  ")
    assert not CapacityResult.objects.exists()


def test_it_refuses_methods_outside_the_approved_dossier(campaign, commission, evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission)
    with pytest.raises(DomainError, match="Modalité absente du dossier"):
        _record(registration, 1, evaluator, methods=["work_observation"])
    with pytest.raises(DomainError, match="au moins une modalité"):
        _record(registration, 1, evaluator, methods=[])
    assert not CapacityResult.objects.exists()


def test_it_refuses_an_evaluator_of_another_session(campaign, commission, other_evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission)
    with pytest.raises(DomainError, match="pas évaluateur"):
        _record(registration, 1, other_evaluator)


def test_it_refuses_an_evaluator_of_the_candidates_company(campaign, commission, evaluator):
    company = evaluator.centre_memberships.get().company
    registration = evaluated_registration(campaign=campaign, session=commission, company=company)
    with pytest.raises(DomainError, match="pas évaluateur"):
        _record(registration, 1, evaluator)


def test_it_validates_only_when_every_capacity_is_decided(campaign, commission, evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission)
    _record(registration, 1, evaluator)
    with pytest.raises(DomainError) as refused:
        result_sheet_validate(
            registration=registration, by=evaluator, reason="Rapport remis sur papier."
        )
    assert "Capacités sans résultat : 2. Capacité 2 ; 3. Capacité 3." in refused.value.message
    assert ResultSheet.objects.get().status == "draft"
    _record(registration, 2, evaluator)
    _record(registration, 3, evaluator, outcome="not_acquired", justification="Non démontré.")
    with listening(RESULTS_VALIDATED) as fired:
        sheet = result_sheet_validate(
            registration=registration, by=evaluator, reason="Rapport remis sur papier."
        )
    assert sheet.status == "validated"
    assert [(p["sheet"].status, p["registration"], p["by"]) for p in fired] == [
        ("validated", registration, evaluator)
    ]
    assert sheet.validated_by == evaluator
    assert AuditEntry.objects.filter(action="cqpm.commission.results.validated").count() == 1


def test_it_refuses_recording_once_validated(campaign, commission, evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission)
    _record_all(registration, evaluator)
    result_sheet_validate(
        registration=registration, by=evaluator, reason="Rapport remis sur papier."
    )
    with pytest.raises(DomainError, match="correction motivée"):
        _record(registration, 1, evaluator, outcome="not_acquired", justification="Revu.")
    assert CapacityResult.objects.get(capacity__number=1).outcome == "acquired"


def test_it_corrects_a_validated_result_with_a_reason_kept_in_history(
    campaign, commission, evaluator
):
    registration = evaluated_registration(campaign=campaign, session=commission)
    _record_all(registration, evaluator)
    result_sheet_validate(
        registration=registration, by=evaluator, reason="Rapport remis sur papier."
    )
    result = CapacityResult.objects.get(capacity__number=2)
    with pytest.raises(DomainError, match="motif de la correction est obligatoire"):
        capacity_result_correct(
            result=result,
            outcome="not_acquired",
            justification="x",
            methods=["interview"],
            reason=" ",
            by=evaluator,
        )
    capacity_result_correct(
        result=result,
        outcome="not_acquired",
        justification="Le projet présenté ne couvre pas la capacité.",
        methods=["professional_project"],
        reason="Erreur de saisie relevée à la relecture.",
        by=evaluator,
    )
    result.refresh_from_db()
    assert result.outcome == "not_acquired"
    entry = AuditEntry.objects.get(action="cqpm.commission.result.corrected")
    assert entry.data["before"]["outcome"] == "acquired"
    assert entry.data["after"]["outcome"] == "not_acquired"
    assert entry.data["reason"] == "Erreur de saisie relevée à la relecture."
    assert entry.registration_id == registration.pk


def test_it_refuses_a_correction_before_validation(campaign, commission, evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission)
    result = _record(registration, 1, evaluator)
    with pytest.raises(DomainError, match="pas encore validés"):
        capacity_result_correct(
            result=result,
            outcome="acquired",
            justification="",
            methods=["interview"],
            reason="Motif",
            by=evaluator,
        )


@pytest.mark.parametrize(
    ("rating", "outcome", "flagged"),
    [
        (Rating.MASTERED, "not_acquired", True),
        (Rating.NOT_MASTERED, "acquired", True),
        (Rating.IN_PROGRESS, "acquired", True),
        (Rating.MASTERED, "acquired", False),
        (Rating.NOT_MASTERED, "not_acquired", False),
        (Rating.IN_PROGRESS, "not_acquired", False),
        (Rating.NOT_OBSERVED, "acquired", False),
        (Rating.NOT_OBSERVED, "not_acquired", False),
        ("", "acquired", False),
    ],
)
def test_it_defines_disagreement_with_the_company_opinion(rating, outcome, flagged):
    assert opinion_disagrees(rating=rating, outcome=outcome) is flagged


def test_it_flags_a_result_that_contradicts_the_submitted_opinion(campaign, commission, evaluator):
    registration = evaluated_registration(campaign=campaign, session=commission)
    submitted_opinion(registration, {1: Rating.NOT_MASTERED, 2: Rating.MASTERED})
    assert _record(registration, 1, evaluator).disagrees_with_opinion is True
    assert _record(registration, 2, evaluator).disagrees_with_opinion is False
    third = _record(registration, 3, evaluator, outcome="not_acquired", justification="Non vu.")
    assert third.disagrees_with_opinion is False


def test_it_refreshes_flags_at_validation_when_the_opinion_came_late(
    campaign, commission, evaluator
):
    registration = evaluated_registration(campaign=campaign, session=commission)
    _record_all(registration, evaluator)
    assert not CapacityResult.objects.filter(disagrees_with_opinion=True).exists()
    submitted_opinion(registration, {3: Rating.NOT_MASTERED})
    result_sheet_validate(
        registration=registration, by=evaluator, reason="Rapport remis sur papier."
    )
    flagged = CapacityResult.objects.filter(disagrees_with_opinion=True)
    assert [r.capacity.number for r in flagged] == [3]
