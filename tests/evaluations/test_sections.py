"""The registration page's evaluation sections, the history of every step, and the navigation."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from cqpm.core import access
from cqpm.core.audit import audit_history
from cqpm.core.navigation import nav_items_for
from evaluations.models import EvaluationDossier, Interview
from evaluations.pdf import tiny_pdf
from evaluations.sections import registration_context
from evaluations.services.commissions import commission_assign
from evaluations.services.dossiers import (
    CapacityChoice,
    dossier_approve,
    dossier_save,
    dossier_submit,
)
from evaluations.services.interviews import interview_record
from evaluations.services.opinions import (
    Answer,
    OpinionAnswers,
    opinion_assign_respondent,
    opinion_submit,
)
from evaluations.services.reports import report_upload
from tests.factories.evaluations import (
    OpinionFactory,
    SessionFactory,
    assign,
    dossier_for,
    report_for,
)

pytestmark = pytest.mark.django_db


def _render(registration, user):
    context = {"registration": registration, "user": user}
    context.update(registration_context(registration=registration, user=user))
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("evaluations/_registration_sections.html", context, request=request)


def test_it_summarises_every_step_with_links_for_staff(registration_a, staff_a, tutor, evaluator):
    dossier_for(registration_a, status=EvaluationDossier.Status.APPROVED)
    report_for(registration_a, by=staff_a, is_late=True)
    OpinionFactory(registration=registration_a, respondent=tutor)
    session = SessionFactory(campaign=registration_a.campaign, evaluators=[evaluator])
    assign(session, registration_a)
    html = _render(registration_a, staff_a)
    assert "Approuvé" in html
    assert "En retard" in html
    assert "Brouillon" in html and str(tutor) in html
    assert "10/04/2027" in html
    assert "Non enregistré" in html
    assert f"/inscriptions/{registration_a.pk}/dossier/" in html
    assert f"/inscriptions/{registration_a.pk}/rapport/" in html


def test_it_renders_an_empty_registration(registration_a, staff_a):
    html = _render(registration_a, staff_a)
    assert "Sans dossier" in html and "Non remis" in html and "Non affecté" in html


def _full(registration, staff, reviewer, tutor, evaluator):
    choices = {
        c.pk: CapacityChoice(methods=["professional_project"])
        for c in registration.campaign.referential.capacities.all()
    }
    dossier = dossier_save(registration=registration, choices=choices, by=staff)
    dossier = dossier_submit(dossier=dossier, by=staff)
    dossier_approve(dossier=dossier, by=reviewer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    report_upload(
        registration=registration,
        upload=SimpleUploadedFile("r.pdf", tiny_pdf()),
        original_name="r.pdf",
        by=staff,
        today=datetime.date(2027, 1, 1),
    )
    opinion = opinion_assign_respondent(
        registration=registration, email=tutor.email, role="tutor", by=staff
    )
    answers = OpinionAnswers(
        capacities={
            c.pk: Answer("mastered") for c in registration.campaign.referential.capacities.all()
        }
    )
    opinion_submit(opinion=opinion, answers=answers, revision=opinion.revision, by=tutor)
    session = SessionFactory(campaign=registration.campaign, evaluators=[evaluator])
    commission_assign(session=session, registration=registration, by=staff)
    interview_record(
        registration=registration,
        date=datetime.date(2027, 4, 10),
        evaluators=[evaluator],
        by=evaluator,
    )


def test_it_writes_every_step_to_the_registration_history(
    registration_a, staff_a, reviewer, tutor, evaluator
):
    _full(registration_a, staff_a, reviewer, tutor, evaluator)
    actions = [e.action for e in audit_history(registration_id=registration_a.pk)]
    for expected in (
        "cqpm.dossier.saved",
        "cqpm.dossier.submitted",
        "cqpm.dossier.approved",
        "cqpm.report.uploaded",
        "cqpm.opinion.respondent_named",
        "cqpm.opinion.submitted",
        "cqpm.commission.assignment.created",
        "cqpm.interview.recorded",
    ):
        assert expected in actions
    assert Interview.objects.get().registration == registration_a


def test_it_fetches_the_sections_in_constant_queries(
    registration_a, staff_a, reviewer, tutor, evaluator, django_assert_num_queries
):
    access.forget(staff_a)  # the roles read afresh, as on a new request
    with django_assert_num_queries(3):
        registration_context(registration=registration_a, user=staff_a)
    _full(registration_a, staff_a, reviewer, tutor, evaluator)
    for extra in range(3):
        report_for(registration_a, by=staff_a, version=extra + 2)
    access.forget(staff_a)  # the roles read afresh, as on a new request
    with django_assert_num_queries(3):
        context = registration_context(registration=registration_a, user=staff_a)
    sections = context["evaluation"]
    assert sections.latest_report.version == 4
    assert sections.is_staff and not sections.is_session_evaluator
    assert registration_context(registration=registration_a, user=evaluator)[
        "evaluation"
    ].is_session_evaluator


def test_it_offers_navigation_by_role(reviewer, tutor, evaluator, outsider, registration_a):
    OpinionFactory(registration=registration_a, respondent=tutor)
    labels = lambda user: [item.label for item in nav_items_for(user)]  # noqa: E731
    assert "Relecture des dossiers" in labels(reviewer)
    assert "Mes avis à donner" in labels(tutor)
    assert "Mes candidats" in labels(evaluator)
    assert not {"Relecture des dossiers", "Mes avis à donner", "Mes candidats"} & set(
        labels(outsider)
    )
