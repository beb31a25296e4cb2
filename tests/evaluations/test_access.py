"""Who may open what: every page of the app against every persona (DESIGN.md §7)."""

import datetime

import pytest
from django.urls import reverse

from evaluations.models import EvaluationDossier, Interview
from tests.evaluations.helpers import text
from tests.factories.candidates import RegistrationFactory
from tests.factories.evaluations import (
    OpinionFactory,
    SessionFactory,
    assign,
    dossier_for,
    report_for,
)

pytestmark = pytest.mark.django_db
PERSONAS = ["staff_a", "staff_b", "reviewer", "tutor", "other_tutor", "evaluator", "outsider"]


@pytest.fixture
def world(registration_a, campaign_a, staff_a, tutor, evaluator):
    dossier = dossier_for(registration_a, status=EvaluationDossier.Status.SUBMITTED)
    report = report_for(registration_a, by=staff_a)
    opinion = OpinionFactory(registration=registration_a, respondent=tutor)
    session = SessionFactory(campaign=campaign_a, evaluators=[evaluator])
    assign(session, registration_a)
    interview = Interview.objects.create(
        registration=registration_a, date=datetime.date(2027, 4, 10), recorded_by=evaluator
    )
    interview.evaluators.set([evaluator])
    draft = dossier_for(RegistrationFactory(campaign=campaign_a))
    return {
        "registration": registration_a,
        "campaign": campaign_a,
        "dossier": dossier,
        "draft": draft,
        "report": report,
        "opinion": opinion,
        "session": session,
    }


def _urls(w):
    reg, campaign = w["registration"].pk, w["campaign"].pk
    return {
        "dossier_edit": reverse("evaluations:dossier_edit", args=[reg]),
        "report_page": reverse("evaluations:report_page", args=[reg]),
        "report_download": reverse("evaluations:report_download", args=[reg, w["report"].pk]),
        "opinion_staff": reverse("evaluations:opinion_staff", args=[reg]),
        "interview_page": reverse("evaluations:interview_page", args=[reg]),
        "campaign_dossiers": reverse("evaluations:campaign_dossiers", args=[campaign]),
        "campaign_commissions": reverse("evaluations:campaign_commissions", args=[campaign]),
        "session_detail": reverse("evaluations:session_detail", args=[campaign, w["session"].pk]),
        "review_queue": reverse("evaluations:review_queue"),
        "review_detail": reverse("evaluations:review_detail", args=[w["dossier"].pk]),
        "review_detail_draft": reverse("evaluations:review_detail", args=[w["draft"].pk]),
        "opinion_form": reverse("evaluations:opinion_form", args=[w["opinion"].pk]),
    }


# Who gets a 200; everyone else in PERSONAS gets a 404.
ALLOWED = {
    "dossier_edit": {"staff_a"},
    "report_page": {"staff_a"},
    "report_download": {"staff_a", "evaluator"},
    "opinion_staff": {"staff_a"},
    "interview_page": {"staff_a", "evaluator"},
    "campaign_dossiers": {"staff_a"},
    "campaign_commissions": {"staff_a"},
    "session_detail": {"staff_a"},
    "review_queue": {"reviewer"},
    "review_detail": {"reviewer"},
    "review_detail_draft": set(),
    "opinion_form": {"tutor"},
}


@pytest.mark.parametrize("page", sorted(ALLOWED))
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_answers_200_in_scope_and_404_outside(request, client_for, world, page, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(_urls(world)[page])
    expected = 200 if persona in ALLOWED[page] else 404
    assert response.status_code == expected


@pytest.mark.parametrize("page", sorted(ALLOWED))
def test_it_sends_anonymous_visitors_to_login(client, world, page):
    response = client.get(_urls(world)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


POSTS = {
    "dossier_submit": lambda w: reverse("evaluations:dossier_submit", args=[w["registration"].pk]),
    "review_approve": lambda w: reverse("evaluations:review_approve", args=[w["dossier"].pk]),
    "opinion_reopen": lambda w: reverse("evaluations:opinion_reopen", args=[w["registration"].pk]),
    "session_assign": lambda w: reverse(
        "evaluations:session_assign", args=[w["campaign"].pk, w["session"].pk]
    ),
}


@pytest.mark.parametrize("action", sorted(POSTS))
@pytest.mark.parametrize("persona", ["staff_b", "outsider", "tutor"])
def test_it_answers_404_to_actions_outside_scope(request, client_for, world, action, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(POSTS[action](world), {"comment": "x", "reason": "x"})
    assert response.status_code == 404
    world["dossier"].refresh_from_db()
    assert world["dossier"].status == EvaluationDossier.Status.SUBMITTED


def test_it_shows_home_lists_scoped_to_their_owner(client_for, world, tutor, other_tutor):
    candidate = str(world["registration"].candidate)
    assert candidate in text(client_for(tutor).get(reverse("evaluations:tutor_home")))
    assert candidate not in text(client_for(other_tutor).get(reverse("evaluations:tutor_home")))


def test_it_answers_404_to_an_evaluator_of_another_session(client_for, world, campaign_a):
    from tests.factories.candidates import MembershipFactory

    stranger = MembershipFactory(centre=campaign_a.centre, role="evaluator").user
    SessionFactory(campaign=campaign_a, evaluators=[stranger])
    urls = _urls(world)
    for page in ("interview_page", "report_download"):
        assert client_for(stranger).get(urls[page]).status_code == 404
