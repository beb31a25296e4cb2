"""The company opinion: respondent named (invited if new), drafts, submission, lock, reopening."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from candidates.models import Campaign, Registration
from cqpm.core.errors import ConcurrentUpdate, DomainError
from cqpm.core.models import AuditEntry
from evaluations.models import CompanyOpinion, OpinionCapacity, OpinionCriterion
from evaluations.services.opinions import (
    Answer,
    OpinionAnswers,
    opinion_assign_respondent,
    opinion_reopen,
    opinion_save,
    opinion_submit,
)
from tests.evaluations.helpers import text
from tests.factories.candidates import RegistrationFactory
from tests.factories.evaluations import OpinionFactory

pytestmark = pytest.mark.django_db
Status = CompanyOpinion.Status


def _answers(registration, rating="mastered", skip=()):
    capacities = list(registration.campaign.referential.capacities.all())
    return OpinionAnswers(
        overall_comment="Candidat sérieux.",
        capacities={
            c.pk: Answer("" if c.number in skip else rating, f"Commentaire {c.number}")
            for c in capacities
        },
    )


@pytest.fixture
def opinion(registration_a, tutor):
    return OpinionFactory(registration=registration_a, respondent=tutor)


def _form_data(opinion, rating="mastered", **extra):
    data = {"revision": opinion.revision, "overall_comment": "Très bien."}
    for capacity in opinion.registration.campaign.referential.capacities.all():
        data[f"rating_{capacity.pk}"] = rating
        data[f"comment_{capacity.pk}"] = f"Commentaire {capacity.number}"
    data.update(extra)
    return data


# --- Respondent ----------------------------------------------------------------------------------


def test_it_names_an_existing_account_without_inviting(
    registration_a, staff_a, tutor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        opinion = opinion_assign_respondent(
            registration=registration_a,
            email="TUTEUR@exemple.fr",
            role="hierarchical",
            by=staff_a,
        )
    assert opinion.respondent == tutor
    assert opinion.respondent_role == "hierarchical"
    assert User.objects.filter(email__iexact="tuteur@exemple.fr").count() == 1
    assert len(mail.outbox) == 1
    assert "Un avis d'entreprise vous est demandé" in mail.outbox[0].subject
    assert "invitation" not in mail.outbox[0].body.lower()
    entry = AuditEntry.objects.get(action="cqpm.opinion.respondent_named")
    assert entry.registration_id == registration_a.pk


def test_it_refuses_a_bad_email_or_role(registration_a, staff_a):
    with pytest.raises(DomainError) as exc:
        opinion_assign_respondent(
            registration=registration_a, email="pas-un-email", role="tutor", by=staff_a
        )
    assert exc.value.message == "L'adresse e-mail du répondant est invalide."
    with pytest.raises(DomainError):
        opinion_assign_respondent(
            registration=registration_a, email="a@exemple.fr", role="boss", by=staff_a
        )
    assert not CompanyOpinion.objects.exists()
    assert not User.objects.filter(email="a@exemple.fr").exists()


def test_it_refuses_to_change_the_respondent_of_a_submitted_opinion(opinion, staff_a):
    CompanyOpinion.objects.filter(pk=opinion.pk).update(status=Status.SUBMITTED)
    with pytest.raises(DomainError) as exc:
        opinion_assign_respondent(
            registration=opinion.registration, email="x@exemple.fr", role="tutor", by=staff_a
        )
    assert "rouvrez-le avant de changer de répondant" in exc.value.message
    opinion.refresh_from_db()
    assert opinion.respondent.email == "tuteur@exemple.fr"


def test_it_names_the_respondent_through_the_staff_page(client_for, staff_a, registration_a):
    response = client_for(staff_a).post(
        reverse("evaluations:opinion_staff", args=[registration_a.pk]),
        {"role": "tutor", "email": "nouveau@exemple.fr", "first_name": "Léa", "last_name": "Roux"},
        follow=True,
    )
    assert "Le répondant est enregistré" in text(response)
    assert CompanyOpinion.objects.get().respondent.email == "nouveau@exemple.fr"


def test_the_staff_page_offers_the_respondent_form_only_while_the_campaign_allows_it(
    client_for, staff_a, registration_a
):
    url = reverse("evaluations:opinion_staff", args=[registration_a.pk])
    assert 'name="email"' in text(client_for(staff_a).get(url))
    Campaign.objects.filter(pk=registration_a.campaign_id).update(status="jury")
    page = text(client_for(staff_a).get(url))
    assert 'name="email"' not in page and "Enregistrer le répondant" not in page


# --- Drafting and submitting ---------------------------------------------------------------------


def test_it_saves_a_draft_and_bumps_the_revision(opinion, tutor):
    saved = opinion_save(
        opinion=opinion,
        answers=_answers(opinion.registration, skip=(2,)),
        revision=0,
        by=tutor,
    )
    assert saved.status == Status.DRAFT
    assert saved.revision == 1
    assert OpinionCapacity.objects.filter(opinion=opinion).exclude(rating="").count() == 2


def test_it_refuses_a_stale_form(opinion, tutor):
    opinion_save(opinion=opinion, answers=_answers(opinion.registration), revision=0, by=tutor)
    with pytest.raises(ConcurrentUpdate) as exc:
        opinion_save(
            opinion=opinion,
            answers=_answers(opinion.registration, rating="not_mastered"),
            revision=0,
            by=tutor,
        )
    assert "Cet avis a été modifié entre-temps" in exc.value.message
    assert not OpinionCapacity.objects.filter(rating="not_mastered").exists()


def test_it_requires_a_rating_on_every_capacity_to_submit(opinion, tutor):
    with pytest.raises(DomainError) as exc:
        opinion_submit(
            opinion=opinion,
            answers=_answers(opinion.registration, skip=(3,)),
            revision=0,
            by=tutor,
        )
    assert "capacités sans appréciation : 3" in exc.value.message
    opinion.refresh_from_db()
    assert opinion.status == Status.DRAFT and opinion.revision == 0
    assert not OpinionCapacity.objects.exists()


def test_it_submits_locks_and_moves_the_stage(opinion, tutor):
    submitted = opinion_submit(
        opinion=opinion, answers=_answers(opinion.registration), revision=0, by=tutor
    )
    assert submitted.status == Status.SUBMITTED and submitted.submitted_at
    registration = Registration.objects.get(pk=opinion.registration_id)
    assert registration.stage == Registration.Stage.EVIDENCE
    entry = AuditEntry.objects.get(action="cqpm.opinion.submitted")
    assert entry.registration_id == registration.pk and entry.centre_id


def test_it_refuses_a_second_submission_and_changes_nothing(opinion, tutor):
    submitted = opinion_submit(
        opinion=opinion, answers=_answers(opinion.registration), revision=0, by=tutor
    )
    with pytest.raises(DomainError) as exc:
        opinion_submit(
            opinion=opinion,
            answers=_answers(opinion.registration, rating="not_mastered"),
            revision=submitted.revision,
            by=tutor,
        )
    assert exc.value.message == "Cet avis a déjà été transmis : il ne peut plus être modifié."
    assert not OpinionCapacity.objects.filter(rating="not_mastered").exists()
    opinion.refresh_from_db()
    assert opinion.submitted_at == submitted.submitted_at


def test_it_refuses_someone_else_than_the_respondent(opinion, other_tutor):
    with pytest.raises(DomainError):
        opinion_save(
            opinion=opinion, answers=_answers(opinion.registration), revision=0, by=other_tutor
        )
    assert not OpinionCapacity.objects.exists()


def test_it_reopens_with_a_reason_kept_in_the_history(opinion, tutor, staff_a):
    opinion_submit(opinion=opinion, answers=_answers(opinion.registration), revision=0, by=tutor)
    with pytest.raises(DomainError) as exc:
        opinion_reopen(opinion=opinion, reason=" ", by=staff_a)
    assert exc.value.message == "Indiquez le motif de la réouverture."
    reopened = opinion_reopen(opinion=opinion, reason="Capacité 2 mal notée.", by=staff_a)
    assert reopened.status == Status.DRAFT and reopened.submitted_at is None
    entry = AuditEntry.objects.get(action="cqpm.opinion.reopened")
    assert entry.data["reason"] == "Capacité 2 mal notée."
    assert entry.registration_id == opinion.registration_id


def test_it_refuses_a_reopening_by_staff_of_another_centre(opinion, tutor, staff_b):
    opinion_submit(opinion=opinion, answers=_answers(opinion.registration), revision=0, by=tutor)
    with pytest.raises(DomainError):
        opinion_reopen(opinion=opinion, reason="Pour voir", by=staff_b)
    opinion.refresh_from_db()
    assert opinion.status == Status.SUBMITTED


# --- Pages ---------------------------------------------------------------------------------------


def _form_url(opinion):
    return reverse("evaluations:opinion_form", args=[opinion.pk])


def test_it_follows_the_referential_on_the_form(client_for, tutor, opinion):
    response = client_for(tutor).get(_form_url(opinion))
    body = text(response)
    assert response.status_code == 200
    for label in ("Maîtrisée", "En cours d'acquisition", "Non maîtrisée", "Non observée"):
        assert label in body
    assert "Capacité 3" in body
    assert "Critère results 1 de la capacité 1" in body
    assert "Enregistrer le brouillon" in body and "Transmettre" in body


def test_it_saves_a_draft_with_criteria_through_the_form(client_for, tutor, opinion):
    criterion = opinion.registration.campaign.referential.capacities.first().criteria.first()
    data = _form_data(opinion, **{f"crating_{criterion.pk}": "in_progress", "brouillon": "1"})
    response = client_for(tutor).post(_form_url(opinion), data, follow=True)
    assert "Le brouillon est enregistré." in text(response)
    assert OpinionCriterion.objects.get().rating == "in_progress"
    opinion.refresh_from_db()
    assert opinion.status == Status.DRAFT and opinion.overall_comment == "Très bien."


def test_it_submits_through_the_form_then_refuses_a_second_submission(client_for, tutor, opinion):
    client = client_for(tutor)
    data = _form_data(opinion, transmettre="1")
    assert "Confirmer la transmission" in client.post(_form_url(opinion), data).content.decode()
    assert not CompanyOpinion.objects.get(pk=opinion.pk).is_locked  # not confirmed yet
    response = client.post(_form_url(opinion), {**data, "confirm": "1"}, follow=True)
    assert "Votre avis est transmis" in text(response)
    opinion.refresh_from_db()
    submitted_at = opinion.submitted_at
    again = client.post(
        _form_url(opinion), _form_data(opinion, "not_mastered", transmettre="1", confirm="1")
    )
    followed = client.get(again["Location"])
    assert "Cet avis a déjà été transmis : il ne peut plus être modifié." in text(followed)
    opinion.refresh_from_db()
    assert opinion.submitted_at == submitted_at
    assert not OpinionCapacity.objects.filter(rating="not_mastered").exists()


def test_it_shows_the_conflict_message_for_a_stale_form(client_for, tutor, opinion):
    stale = _form_data(opinion, brouillon="1")
    client = client_for(tutor)
    client.post(_form_url(opinion), stale)
    response = client.post(_form_url(opinion), {**stale, "overall_comment": "Écrasé ?"})
    assert "Cet avis a été modifié entre-temps" in text(response)
    opinion.refresh_from_db()
    assert opinion.overall_comment == "Très bien."


def test_it_shows_missing_ratings_on_the_form(client_for, tutor, opinion):
    data = _form_data(opinion, transmettre="1")
    first = opinion.registration.campaign.referential.capacities.first()
    data[f"rating_{first.pk}"] = ""
    response = client_for(tutor).post(_form_url(opinion), data)
    assert "capacités sans appréciation : 1" in text(response)
    opinion.refresh_from_db()
    assert opinion.status == Status.DRAFT


def test_it_answers_404_to_a_tutor_opening_another_candidates_form(
    client_for, other_tutor, opinion, campaign_a
):
    assert client_for(other_tutor).get(_form_url(opinion)).status_code == 404
    response = client_for(other_tutor).post(_form_url(opinion), _form_data(opinion))
    assert response.status_code == 404
    assert not OpinionCapacity.objects.exists()


def test_it_lists_only_the_tutors_own_candidates_with_the_deadline(
    client_for, tutor, opinion, campaign_a, other_tutor
):
    other = OpinionFactory(
        registration=RegistrationFactory(campaign=campaign_a), respondent=other_tutor
    )
    body = text(client_for(tutor).get(reverse("evaluations:tutor_home")))
    assert str(opinion.registration.candidate) in body
    assert str(other.registration.candidate) not in body
    assert "Avant le 15/03/2027" in body


def test_it_lets_staff_reopen_through_the_page(client_for, staff_a, tutor, opinion):
    opinion_submit(opinion=opinion, answers=_answers(opinion.registration), revision=0, by=tutor)
    url = reverse("evaluations:opinion_reopen", args=[opinion.registration_id])
    response = client_for(staff_a).post(url, {"reason": ""}, follow=True)
    assert "Indiquez le motif de la réouverture." in text(response)
    response = client_for(staff_a).post(url, {"reason": "Erreur de saisie"}, follow=True)
    assert "L'avis est rouvert" in text(response)
    opinion.refresh_from_db()
    assert opinion.status == Status.DRAFT
    assert "Erreur de saisie" in text(client_for(tutor).get(_form_url(opinion)))


def test_it_shows_a_sent_opinion_as_a_page_to_read_not_a_form(client_for, tutor, opinion):
    criterion = opinion.registration.campaign.referential.capacities.first().criteria.first()
    data = _form_data(
        opinion, **{f"crating_{criterion.pk}": "in_progress", "transmettre": "1", "confirm": "1"}
    )
    client = client_for(tutor)
    client.post(_form_url(opinion), data)
    response = client.get(_form_url(opinion))
    html = response.content.decode()
    body = text(response)
    assert "<form" not in html.split('id="contenu"')[1]  # no form in the page's content
    assert "disabled" not in html
    assert "Transmis le" in body and "ne peut plus être modifié" in body
    assert "Commentaire 1" in body and "Maîtrisée" in body
    words = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    assert f"{criterion.text} : En cours d'acquisition" in words
    assert "Très bien." in body


def test_a_draft_save_writes_only_what_changed_in_a_few_statements(opinion, tutor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from referentials.models import Criterion

    capacities = list(opinion.registration.campaign.referential.capacities.order_by("number"))
    criteria = list(Criterion.objects.filter(capacity__in=capacities).order_by("pk"))
    assert len(criteria) >= 2
    first, second = criteria[0], criteria[1]
    answers = _answers(opinion.registration)
    saved = opinion_save(
        opinion=opinion,
        answers=OpinionAnswers(
            overall_comment=answers.overall_comment,
            capacities=answers.capacities,
            criteria={first.pk: Answer("mastered", "Précis"), second.pk: Answer("", "")},
        ),
        revision=0,
        by=tutor,
    )
    capacity_ids = {c.pk: c for c in capacities}
    changed = dict(answers.capacities)
    changed[capacities[0].pk] = Answer("not_mastered", "Revu")
    with CaptureQueriesContext(connection) as ctx:
        opinion_save(
            opinion=saved,
            answers=OpinionAnswers(
                overall_comment=answers.overall_comment,
                capacities=changed,
                criteria={
                    **{criterion.pk: Answer("", "") for criterion in criteria},
                    second.pk: Answer("in_progress", ""),
                },
            ),
            revision=1,
            by=tutor,
        )
    rows = {
        row.capacity_id: (row.rating, row.comment)
        for row in OpinionCapacity.objects.filter(opinion=opinion)
    }
    assert set(rows) == set(capacity_ids)
    assert rows[capacities[0].pk] == ("not_mastered", "Revu")
    assert rows[capacities[1].pk] == ("mastered", f"Commentaire {capacities[1].number}")
    details = {
        row.criterion_id: (row.rating, row.comment)
        for row in OpinionCriterion.objects.filter(opinion=opinion)
    }
    assert details == {second.pk: ("in_progress", "")}
    # One statement per kind of write, whatever the number of capacities and criteria (it was
    # a SELECT … FOR UPDATE, a savepoint and an UPDATE per capacity and criterion).
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
        and ("opinioncapacity" in q["sql"] or "opinioncriterion" in q["sql"])
    ]
    assert len(writes) == 3, writes
    assert len(ctx.captured_queries) < 20
