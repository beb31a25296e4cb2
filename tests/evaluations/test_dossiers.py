"""The evaluation dossier: methods per capacity, submission, approval or return, history."""

import re

import pytest
from django.urls import reverse

from candidates.models import Registration
from cqpm.core.errors import DomainError
from cqpm.core.models import AuditEntry
from evaluations.models import DossierCapacity, EvaluationDossier
from evaluations.services.dossiers import (
    CapacityChoice,
    DossierChoicesInvalid,
    dossier_approve,
    dossier_return,
    dossier_save,
    dossier_submit,
)
from referentials.models import Capacity
from tests.evaluations.helpers import text
from tests.factories.evaluations import dossier_for

pytestmark = pytest.mark.django_db
Status = EvaluationDossier.Status


def _all(registration, methods=("professional_project",), justification=""):
    return {
        c.pk: CapacityChoice(methods=list(methods), justification=justification)
        for c in registration.campaign.referential.capacities.all()
    }


def _form_data(registration, methods=("professional_project",)):
    data = {}
    for capacity in registration.campaign.referential.capacities.all():
        data[f"methods_{capacity.pk}"] = list(methods)
    return data


def test_it_saves_allowed_methods_for_every_capacity(registration_a, staff_a):
    dossier = dossier_save(
        registration=registration_a,
        choices=_all(registration_a, ["interview", "professional_project"]),
        by=staff_a,
    )
    rows = list(dossier.capacities.all())
    assert len(rows) == 3
    assert rows[0].methods == ["professional_project", "interview"]  # referential order
    entry = AuditEntry.objects.get(action="cqpm.dossier.saved")
    assert entry.registration_id == registration_a.pk
    assert entry.centre_id == registration_a.campaign.centre_id


def test_it_refuses_a_capacity_without_method(registration_a, staff_a):
    choices = _all(registration_a)
    first = next(iter(choices))
    choices[first] = CapacityChoice(methods=[])
    with pytest.raises(DossierChoicesInvalid) as exc:
        dossier_save(registration=registration_a, choices=choices, by=staff_a)
    assert "choisissez au moins une modalité" in exc.value.message
    assert not EvaluationDossier.objects.exists()


def test_it_refuses_a_method_the_referential_does_not_allow(registration_a, staff_a):
    with pytest.raises(DomainError) as exc:
        dossier_save(
            registration=registration_a,
            choices=_all(registration_a, ["work_observation"]),
            by=staff_a,
        )
    assert "n'est pas autorisée par le référentiel" in exc.value.message
    assert not DossierCapacity.objects.exists()


def _allow_reconstituted(registration):
    # Published referential rows refuse save(); an update() sets up this rare case for the test.
    Capacity.objects.filter(referential=registration.campaign.referential).update(
        methods=["professional_project", "reconstituted_situation"]
    )


def test_it_requires_a_justification_for_a_reconstituted_situation(registration_a, staff_a):
    _allow_reconstituted(registration_a)
    with pytest.raises(DomainError) as exc:
        dossier_save(
            registration=registration_a,
            choices=_all(registration_a, ["reconstituted_situation"]),
            by=staff_a,
        )
    assert "exige une justification écrite" in exc.value.message
    dossier = dossier_save(
        registration=registration_a,
        choices=_all(registration_a, ["reconstituted_situation"], justification="Atelier fermé."),
        by=staff_a,
    )
    assert dossier.capacities.first().justification == "Atelier fermé."


def test_it_refuses_staff_of_another_centre(registration_a, staff_b):
    with pytest.raises(DomainError):
        dossier_save(registration=registration_a, choices=_all(registration_a), by=staff_b)
    assert not EvaluationDossier.objects.exists()


def test_it_walks_submit_return_resubmit_approve_and_records_each_step(
    registration_a, staff_a, reviewer
):
    dossier = dossier_save(registration=registration_a, choices=_all(registration_a), by=staff_a)
    dossier = dossier_submit(dossier=dossier, by=staff_a)
    assert dossier.status == Status.SUBMITTED
    registration_a.refresh_from_db()
    assert registration_a.stage == Registration.Stage.DOSSIER
    dossier = dossier_return(dossier=dossier, comment="Capacité 2 : préciser.", by=reviewer)
    assert dossier.status == Status.RETURNED
    dossier = dossier_save(
        registration=registration_a, choices=_all(registration_a, ["interview"]), by=staff_a
    )
    dossier = dossier_submit(dossier=dossier, by=staff_a)
    dossier = dossier_approve(dossier=dossier, by=reviewer)
    assert dossier.status == Status.APPROVED
    assert dossier.reviewed_by == reviewer
    actions = list(
        AuditEntry.objects.filter(registration_id=registration_a.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert [a for a in actions if a.startswith("cqpm.dossier.")] == [
        "cqpm.dossier.saved",
        "cqpm.dossier.submitted",
        "cqpm.dossier.returned",
        "cqpm.dossier.saved",
        "cqpm.dossier.resubmitted",
        "cqpm.dossier.approved",
    ]
    assert not AuditEntry.objects.filter(
        action__startswith="cqpm.dossier.", centre_id__isnull=True
    ).exists()


def test_it_freezes_an_approved_dossier(registration_a, staff_a):
    dossier_for(registration_a, status=Status.APPROVED)
    with pytest.raises(DomainError) as exc:
        dossier_save(
            registration=registration_a, choices=_all(registration_a, ["interview"]), by=staff_a
        )
    assert "ne peut plus être modifié" in exc.value.message
    assert DossierCapacity.objects.filter(methods=["interview"]).count() == 0


def test_it_refuses_approving_an_approved_dossier_and_changes_nothing(registration_a, reviewer):
    dossier = dossier_for(registration_a, status=Status.APPROVED, reviewed_by=reviewer)
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        dossier_approve(dossier=dossier, by=reviewer)
    assert exc.value.message == "Ce dossier est déjà approuvé : rien n'a été modifié."
    assert AuditEntry.objects.count() == before


def test_it_requires_a_comment_to_return(registration_a, reviewer):
    dossier = dossier_for(registration_a, status=Status.SUBMITTED)
    with pytest.raises(DomainError) as exc:
        dossier_return(dossier=dossier, comment="  ", by=reviewer)
    assert "commentaire est obligatoire" in exc.value.message
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_it_lets_only_the_resource_centre_approve(registration_a, staff_a):
    dossier = dossier_for(registration_a, status=Status.SUBMITTED)
    with pytest.raises(DomainError):
        dossier_approve(dossier=dossier, by=staff_a)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


# --- Pages ---------------------------------------------------------------------------------------


def test_it_proposes_professional_project_first_and_preselected(
    client_for, staff_a, registration_a
):
    response = client_for(staff_a).get(
        reverse("evaluations:dossier_edit", args=[registration_a.pk])
    )
    inputs = [i for i in re.findall(r"<input[^>]*>", text(response)) if "methods_" in i]
    assert response.status_code == 200
    assert len(inputs) == 9
    assert all('value="professional_project"' in i for i in inputs[::3])  # first of each capacity
    checked = [i for i in inputs if " checked" in i]
    assert len(checked) == 3
    assert all('value="professional_project"' in i for i in checked)


def test_it_saves_and_submits_through_the_pages(client_for, staff_a, registration_a):
    client = client_for(staff_a)
    url = reverse("evaluations:dossier_edit", args=[registration_a.pk])
    response = client.post(url, _form_data(registration_a), follow=True)
    assert "Le dossier d'évaluation est enregistré." in text(response)
    submit = reverse("evaluations:dossier_submit", args=[registration_a.pk])
    assert "Ce que cette action va faire" in text(client.post(submit))
    assert EvaluationDossier.objects.get().status != Status.SUBMITTED  # not confirmed yet
    response = client.post(submit, {"confirm": "1"}, follow=True)
    assert "Le dossier est soumis au centre de ressource." in text(response)
    assert EvaluationDossier.objects.get().status == Status.SUBMITTED


def test_it_shows_the_capacity_error_on_the_page(client_for, staff_a, registration_a):
    data = _form_data(registration_a)
    data.pop(next(iter(data)))
    response = client_for(staff_a).post(
        reverse("evaluations:dossier_edit", args=[registration_a.pk]), data
    )
    assert response.status_code == 200
    assert "Capacité 1 : choisissez au moins une modalité" in text(response)
    assert not EvaluationDossier.objects.exists()


def test_it_lists_every_dossier_state_on_the_campaign_page(
    client_for, staff_a, campaign_a, registration_a
):
    from tests.factories.candidates import RegistrationFactory

    other = RegistrationFactory(campaign=campaign_a)
    dossier_for(other, status=Status.RETURNED)
    response = client_for(staff_a).get(
        reverse("evaluations:campaign_dossiers", args=[campaign_a.pk])
    )
    body = text(response)
    assert "Sans dossier" in body
    assert "Renvoyé pour correction" in body
    filtered = client_for(staff_a).get(
        reverse("evaluations:campaign_dossiers", args=[campaign_a.pk]), {"statut": "returned"}
    )
    assert str(other.candidate) in text(filtered)
    assert str(registration_a.candidate) not in text(filtered)


def test_the_campaign_dossiers_search_forgives_accents_and_keeps_the_state(
    client_for, staff_a, campaign_a
):
    from tests.factories.candidates import RegistrationFactory

    helene = RegistrationFactory(
        campaign=campaign_a, candidate__last_name="Dupré", candidate__first_name="Hélène"
    )
    dossier_for(helene, status=Status.RETURNED)
    marc = RegistrationFactory(
        campaign=campaign_a, candidate__last_name="Durand", candidate__first_name="Marc"
    )
    dossier_for(marc, status=Status.RETURNED)
    url = reverse("evaluations:campaign_dossiers", args=[campaign_a.pk])
    client = client_for(staff_a)
    found = text(client.get(url, {"q": "helene DUPRE", "statut": "returned"}))
    assert str(helene.candidate) in found and str(marc.candidate) not in found
    assert text(client.get(url, {"q": "x\x00" * 300})).count("Durand") == 0


def test_it_queues_submitted_dossiers_of_all_centres_oldest_first(
    client_for, reviewer, registration_a, registration_b
):
    import datetime

    newer = dossier_for(
        registration_a,
        status=Status.SUBMITTED,
        submitted_at=datetime.datetime(2026, 11, 5, tzinfo=datetime.UTC),
    )
    older = dossier_for(
        registration_b,
        status=Status.SUBMITTED,
        submitted_at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC),
    )
    body = text(client_for(reviewer).get(reverse("evaluations:review_queue")))
    assert body.index(str(older.registration.candidate)) < body.index(
        str(newer.registration.candidate)
    )


def test_it_lets_the_reviewer_approve_then_refuses_a_second_approval(
    client_for, reviewer, registration_a
):
    dossier = dossier_for(registration_a, status=Status.SUBMITTED)
    client = client_for(reviewer)
    url = reverse("evaluations:review_approve", args=[dossier.pk])
    page = text(client.post(url, {"comment": "Complet."}))  # the confirmation page first
    assert "Approuver le dossier" in page and "Confirmer l'approbation" in page
    assert f"Le dossier de {registration_a.candidate} est approuvé et figé" in page
    assert 'name="comment" value="Complet."' in page  # carried to the confirmation
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    response = client.post(url, {"comment": "", "confirm": "1"}, follow=True)
    assert "Le dossier est approuvé" in text(response)
    dossier.refresh_from_db()
    reviewed_at = dossier.reviewed_at
    response = client.post(url, {"comment": "encore", "confirm": "1"}, follow=True)
    assert "Ce dossier est déjà approuvé : rien n'a été modifié." in text(response)
    dossier.refresh_from_db()
    assert dossier.reviewed_at == reviewed_at
    assert dossier.review_comment == ""


def test_it_lets_the_reviewer_return_with_a_comment_only(client_for, reviewer, registration_a):
    dossier = dossier_for(registration_a, status=Status.SUBMITTED)
    client = client_for(reviewer)
    url = reverse("evaluations:review_return", args=[dossier.pk])
    response = client.post(url, {"comment": "", "confirm": "1"}, follow=True)
    assert "Indiquez ce qu'il faut corriger." in text(response)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert "Confirmer le renvoi" in text(client.post(url, {"comment": "Préciser la capacité 3."}))
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED  # not confirmed: nothing changed
    client.post(url, {"comment": "Préciser la capacité 3.", "confirm": "1"})
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert dossier.review_comment == "Préciser la capacité 3."


def test_it_refuses_a_change_to_a_submitted_dossier_on_the_page(
    client_for, staff_a, registration_a
):
    dossier_for(registration_a, status=Status.SUBMITTED)
    response = client_for(staff_a).post(
        reverse("evaluations:dossier_edit", args=[registration_a.pk]),
        _form_data(registration_a, methods=("interview",)),
    )
    assert "Le dossier est à l'état « Soumis au centre de ressource »" in text(response)
    assert not DossierCapacity.objects.filter(methods=["interview"]).exists()


def test_it_refuses_any_step_for_a_withdrawn_registration(registration_a, staff_a):
    Registration.objects.filter(pk=registration_a.pk).update(stage=Registration.Stage.WITHDRAWN)
    registration_a.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        dossier_save(registration=registration_a, choices=_all(registration_a), by=staff_a)
    assert "Ce candidat est désinscrit" in exc.value.message
    assert not EvaluationDossier.objects.exists()
