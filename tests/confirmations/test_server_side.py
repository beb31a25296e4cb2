"""The steps that used to ask in a JavaScript dialog (`data-confirm`, which posted `confirme`)
now answer the server's confirmation page (cqpm/core/confirmation.py): what the step will do,
what is missing, and the same fields posted again with confirm=1. A POST without it changes
nothing, with or without JavaScript; the old dialog is gone from the pages and the script."""

import html
import pathlib

import pytest
from django.conf import settings
from django.urls import reverse

from candidates.models import Campaign, CentreMembership
from deliberations.models import JuryCandidate, JuryMember, JurySession
from evaluations.models import CommissionAssignment, EvaluationDossier

from ..factories.candidates import CampaignFactory, RegistrationFactory
from ..factories.deliberations import jury, jury_person, results
from ..factories.evaluations import SessionFactory, assign, dossier_for

pytestmark = pytest.mark.django_db
S = Campaign.Status


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_approving_a_dossier_confirms_on_the_server(client_for, reviewer, centre_a):
    registration = RegistrationFactory(
        campaign=CampaignFactory(centre=centre_a, status=S.IN_PROGRESS)
    )
    dossier = dossier_for(registration, status=EvaluationDossier.Status.SUBMITTED)
    client = client_for(reviewer)
    detail = _text(client.get(reverse("evaluations:review_detail", args=[dossier.pk])))
    assert "data-confirm" not in detail and "Approuver le dossier" in detail
    url = reverse("evaluations:review_approve", args=[dossier.pk])
    page = _text(client.post(url, {"comment": "Rien à redire."}))
    assert "Ce que cette action va faire" in page
    assert f"Le dossier de {registration.candidate} est approuvé et figé" in page
    assert "Le centre d'examen peut alors l'affecter à une commission" in page
    assert "Rien ne manque." in page and "Confirmer l'approbation" in page
    assert 'name="comment" value="Rien à redire."' in page  # posted again with the confirmation
    dossier.refresh_from_db()
    assert dossier.status == EvaluationDossier.Status.SUBMITTED
    client.post(url, {"comment": "Rien à redire.", "confirm": "1"})
    dossier.refresh_from_db()
    assert dossier.status == EvaluationDossier.Status.APPROVED
    assert dossier.review_comment == "Rien à redire."


def test_approval_is_refused_on_the_page_while_a_capacity_has_no_method(
    client_for, reviewer, centre_a
):
    registration = RegistrationFactory(
        campaign=CampaignFactory(centre=centre_a, status=S.IN_PROGRESS)
    )
    dossier = dossier_for(registration, status=EvaluationDossier.Status.SUBMITTED)
    row = dossier.capacities.order_by("capacity__number").first()
    row.methods = []
    row.save()
    url = reverse("evaluations:review_approve", args=[dossier.pk])
    page = _text(client_for(reviewer).post(url))
    assert f"Capacité {row.capacity.number} : aucune modalité d'évaluation." in page
    assert "Confirmer l'approbation" not in page
    client_for(reviewer).post(url, {"confirm": "1"})
    dossier.refresh_from_db()
    assert dossier.status == EvaluationDossier.Status.SUBMITTED


def test_taking_a_candidate_off_a_commission_confirms_first(client_for, staff_a, centre_a):
    campaign = CampaignFactory(centre=centre_a, status=S.IN_PROGRESS)
    session = SessionFactory(campaign=campaign)
    registration = RegistrationFactory(campaign=campaign)
    assignment = assign(session, registration)
    url = reverse("evaluations:session_unassign", args=[campaign.pk, session.pk, assignment.pk])
    client = client_for(staff_a)
    page = _text(client.post(url))
    assert f"Retirer {registration.candidate} de la commission" in page
    assert f"{registration.candidate} n'est plus affecté à la commission du 10/04/2027" in page
    assert "Confirmer le retrait" in page
    assert CommissionAssignment.objects.filter(pk=assignment.pk).exists()
    client.post(url, {"confirm": "1"})
    assert not CommissionAssignment.objects.filter(pk=assignment.pk).exists()


def test_taking_a_role_away_confirms_first(client_for, staff_a, centre_a, evaluator):
    membership = CentreMembership.objects.get(user=evaluator, centre=centre_a)
    url = reverse("candidates:membership_remove", args=[centre_a.pk, membership.pk])
    client = client_for(staff_a)
    page = _text(client.post(url))
    assert "Son compte reste ouvert ; ce rôle pourra lui être donné de nouveau." in page
    assert CentreMembership.objects.filter(pk=membership.pk).exists()
    client.post(url, {"confirm": "1"})
    assert not CentreMembership.objects.filter(pk=membership.pk).exists()


@pytest.fixture
def planned(centre_a, jury_president, jury_member):
    campaign = CampaignFactory(centre=centre_a, status=S.JURY)
    ready = RegistrationFactory(campaign=campaign, candidate__last_name="Prêt")
    results(ready)
    unready = RegistrationFactory(campaign=campaign, candidate__last_name="Attente")
    return jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        registrations=[ready, unready],
    )


def test_removing_a_jury_member_or_candidate_confirms_first(client_for, staff_a, planned):
    extra = jury_person(planned.campaign.centre, CentreMembership.College.EMPLOYER)
    seat = JuryMember.objects.create(session=planned, user=extra, college="employer")
    client = client_for(staff_a)
    url = reverse("deliberations:jury_member_remove", args=[planned.pk, seat.pk])
    page = _text(client.post(url))
    assert f"{extra} (Collège employeurs) ne siège plus dans ce jury" in page
    assert JuryMember.objects.filter(pk=seat.pk).exists()
    client.post(url, {"confirm": "1"})
    assert not JuryMember.objects.filter(pk=seat.pk).exists()

    seat = JuryCandidate.objects.filter(session=planned).select_related("registration").first()
    url = reverse("deliberations:jury_candidate_remove", args=[planned.pk, seat.pk])
    page = _text(client.post(url))
    assert f"{seat.registration.candidate} n'est plus présenté à ce jury." in page
    assert JuryCandidate.objects.filter(pk=seat.pk).exists()
    client.post(url, {"confirm": "1"})
    assert not JuryCandidate.objects.filter(pk=seat.pk).exists()


def test_opening_deliberation_names_what_is_missing_then_opens(client_for, jury_president, planned):
    url = reverse("deliberations:jury_start", args=[planned.pk])
    client = client_for(jury_president)
    page = _text(client.post(url))
    assert "La délibération du jury du 15/05/2027 s'ouvre pour 2 candidat(s)" in page
    assert "La composition du jury, sa date et l'émargement ne pourront plus changer." in page
    unready = planned.candidates.get(registration__candidate__last_name="Attente")
    assert (
        f"{unready.registration.candidate} : résultats de la commission non validés, "
        "pas de décision possible."
    ) in page
    planned.refresh_from_db()
    assert planned.status == JurySession.Status.PLANNED
    client.post(url, {"confirm": "1"})
    planned.refresh_from_db()
    assert planned.status == JurySession.Status.DELIBERATING


def test_closing_names_the_candidates_without_a_decision(client_for, jury_president, planned):
    JurySession.objects.filter(pk=planned.pk).update(status=JurySession.Status.DELIBERATING)
    url = reverse("deliberations:jury_close", args=[planned.pk])
    page = _text(client_for(jury_president).post(url))
    assert "Les décisions de la session sont verrouillées" in page
    for seat in planned.candidates.select_related("registration__candidate"):
        assert f"{seat.registration.candidate} : aucune décision." in page
    assert "Confirmer la clôture" not in page  # refused while a candidate has no decision
    client_for(jury_president).post(url, {"confirm": "1"})
    planned.refresh_from_db()
    assert planned.status == JurySession.Status.DELIBERATING


def test_no_page_and_no_script_keeps_the_old_dialog():
    root = pathlib.Path(settings.BASE_DIR)
    templates = [p for p in root.glob("**/templates/**/*.html") if ".venv" not in p.parts]
    assert templates
    assert [p for p in templates if "data-confirm" in p.read_text()] == []
    script = (root / "static" / "js" / "actions.js").read_text()
    assert "data-confirm" not in script and "confirme" not in script and "dialog" not in script
    assert "data-select-all" in script  # « Tout cocher » stays
