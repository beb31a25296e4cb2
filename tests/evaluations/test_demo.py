"""seed_demo gains dossiers in every state, reports, opinions, a commission and interviews."""

import io

import pytest
from django.core import mail
from django.core.management import call_command

from candidates.models import Campaign
from cqpm.core.models import AuditEntry
from cqpm.core.registry import demo_seeders, replaced
from evaluations.models import (
    CommissionAssignment,
    CommissionSession,
    CompanyOpinion,
    EvaluationDossier,
    Interview,
    Report,
)
from evaluations.selectors import opinion_list_for_respondent

pytestmark = pytest.mark.django_db
MODELS = [EvaluationDossier, Report, CompanyOpinion, CommissionSession, CommissionAssignment,
          Interview, AuditEntry]  # fmt: skip


@pytest.fixture(autouse=True)
def _only_up_to_evaluations(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    kept = {c.name: c for c in demo_seeders() if c.name in ("candidates", "evaluations")}
    with replaced("demo_seeders", kept):
        yield


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_seeds_every_evaluation_step_once():
    output = _seed()
    assert set(EvaluationDossier.objects.values_list("status", flat=True)) == set(
        EvaluationDossier.Status.values
    )
    assert Report.objects.filter(is_late=True).exists()
    assert Report.objects.filter(is_late=False).exists()
    assert set(CompanyOpinion.objects.values_list("status", flat=True)) == {"draft", "submitted"}
    # One commission per demo campaign: planned in the open ones, sitting in the others.
    assert CommissionSession.objects.count() == Campaign.objects.count() == 8
    for session in CommissionSession.objects.select_related("campaign"):
        assert session.date >= max(
            session.campaign.report_deadline, session.campaign.opinion_deadline
        )
    # Evidence only where evaluations are in progress (or further on).
    assert not Report.objects.filter(registration__campaign__status="open").exists()
    for session in CommissionSession.objects.all():
        assert session.evaluators.filter(email__startswith="evaluator.").exists()
    assert Interview.objects.count() == CommissionAssignment.objects.count() > 0
    assert mail.outbox == []
    assert all(line.count("\t") >= 3 for line in output.splitlines())

    counts = {model.__name__: model.objects.count() for model in MODELS}
    _seed()
    assert {model.__name__: model.objects.count() for model in MODELS} == counts


def test_the_demo_tutor_sees_their_candidates(client):
    _seed()
    tutor = CompanyOpinion.objects.first().respondent
    client.force_login(tutor)
    response = client.get("/tuteur/")
    assert response.status_code == 200
    assert (
        response.content.decode().count("/avis/")
        # What the tutor's list reaches (a registration's tutor is named on creation, in
        # every campaign: the list leaves out those it does not show).
        == opinion_list_for_respondent(user=tutor).count()
    )
