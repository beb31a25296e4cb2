"""Assigning candidates to a commission in bulk: the session's page lists the campaign's
candidates in no commission with checkboxes and « Tout cocher », a choice of session and one
submit; a confirmation names every candidate refused and why; then one service call puts the
whole batch in, or nothing when one candidate is refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import CentreMembership, Registration
from cqpm.core.errors import BatchRefused, DomainError
from cqpm.core.models import AuditEntry
from evaluations.models import CommissionAssignment, EvaluationDossier
from evaluations.services.commissions import commission_assign_batch
from tests.evaluations.helpers import text
from tests.factories.candidates import CampaignFactory, RegistrationFactory
from tests.factories.evaluations import SessionFactory, assign, dossier_for

pytestmark = pytest.mark.django_db
APPROVED = EvaluationDossier.Status.APPROVED


def _ready(campaign, n, **kwargs):
    registrations = [RegistrationFactory(campaign=campaign, **kwargs) for _ in range(n)]
    for registration in registrations:
        dossier_for(registration, status=APPROVED)
    return registrations


def _cancelled(campaign, by, date):
    return SessionFactory(
        campaign=campaign,
        date=date,
        cancelled_at=timezone.now(),
        cancelled_by=by,
        cancellation_reason="Salle indisponible.",
    )


def _url(session):
    return reverse("evaluations:session_assign", args=[session.campaign_id, session.pk])


def test_the_session_page_offers_checkboxes_select_all_and_a_choice_of_session(
    client_for, staff_a, campaign_a
):
    session = SessionFactory(campaign=campaign_a)
    other = SessionFactory(campaign=campaign_a, date=datetime.date(2027, 4, 20), place="Annexe")
    cancelled = _cancelled(campaign_a, staff_a, datetime.date(2027, 4, 21))
    ready = _ready(campaign_a, 2)
    late = RegistrationFactory(campaign=campaign_a, candidate__last_name="Aaron")
    assigned = RegistrationFactory(campaign=campaign_a)
    assign(other, assigned)
    withdrawn = RegistrationFactory(campaign=campaign_a, stage=Registration.Stage.WITHDRAWN)
    page = text(
        client_for(staff_a).get(
            reverse("evaluations:session_detail", args=[campaign_a.pk, session.pk])
        )
    )
    assert "data-select-all" in page and "Tout cocher" in page
    assert "Affecter les candidats cochés…" in page
    for registration in [*ready, late]:
        assert f'name="ids" value="{registration.pk}"' in page
    for registration in (assigned, withdrawn):
        assert f'name="ids" value="{registration.pk}"' not in page
    # Those that can be assigned come first; a candidate without a dossier says so.
    assert page.index(f'value="{ready[0].pk}"') < page.index(f'value="{late.pk}"')
    assert "Aucun dossier" in page
    # The session is chosen, this one by default; a cancelled one is not offered.
    assert f'<option value="{session.pk}" selected>10/04/2027' in page
    assert f'<option value="{other.pk}">20/04/2027 — Annexe (1 candidat(s))' in page
    assert f'<option value="{cancelled.pk}"' not in page


def test_a_batch_is_confirmed_then_assigned_in_one_go(client_for, staff_a, campaign_a):
    session = SessionFactory(campaign=campaign_a)
    ready = _ready(campaign_a, 3)
    client = client_for(staff_a)
    form = {"ids": [r.pk for r in ready], "session": session.pk}
    confirm = client.post(_url(session), form)
    body = text(confirm)
    assert confirm.status_code == 200
    assert (
        "3 candidats sont affectés à la commission du 10/04/2027 (Salle du conseil, UIMM)" in body
    )
    assert "Rien ne manque." in body and "Confirmer l'affectation" in body
    assert not CommissionAssignment.objects.exists()  # not confirmed: nothing written
    done = client.post(_url(session), {**form, "confirm": "1"}, follow=True)
    assert "3 candidats sont affectés à cette commission." in text(done)
    assert set(CommissionAssignment.objects.values_list("registration_id", flat=True)) == {
        r.pk for r in ready
    }
    assert set(CommissionAssignment.objects.values_list("session_id", flat=True)) == {session.pk}
    entries = AuditEntry.objects.filter(action="cqpm.commission.assignment.created")
    assert sorted(entries.values_list("registration_id", flat=True)) == sorted(r.pk for r in ready)


def test_the_batch_goes_to_the_session_chosen(client_for, staff_a, campaign_a):
    here = SessionFactory(campaign=campaign_a)
    there = SessionFactory(campaign=campaign_a, date=datetime.date(2027, 4, 20))
    ready = _ready(campaign_a, 2)
    response = client_for(staff_a).post(
        _url(here), {"ids": [r.pk for r in ready], "session": there.pk, "confirm": "1"}
    )
    assert response["Location"] == reverse(
        "evaluations:session_detail", args=[campaign_a.pk, there.pk]
    )
    assert set(CommissionAssignment.objects.values_list("session_id", flat=True)) == {there.pk}


def test_one_refused_candidate_refuses_the_batch_and_each_is_named(
    client_for, staff_a, campaign_a, centre_a, evaluator
):
    session = SessionFactory(campaign=campaign_a, evaluators=[evaluator])
    ready = _ready(campaign_a, 2)
    no_dossier = RegistrationFactory(campaign=campaign_a, candidate__last_name="Sansdossier")
    submitted = RegistrationFactory(campaign=campaign_a, candidate__last_name="Soumis")
    dossier_for(submitted, status=EvaluationDossier.Status.SUBMITTED)
    company = CentreMembership.objects.get(user=evaluator, centre=centre_a).company
    colleague = _ready(campaign_a, 1, company=company, candidate__last_name="Collegue")[0]
    elsewhere = SessionFactory(campaign=campaign_a, date=datetime.date(2027, 4, 20))
    taken = _ready(campaign_a, 1, candidate__last_name="Deja")[0]
    assign(elsewhere, taken)
    chosen = [*ready, no_dossier, submitted, colleague, taken]
    form = {"ids": [r.pk for r in chosen], "session": session.pk}
    client = client_for(staff_a)

    body = text(client.post(_url(session), form))
    assert f"{no_dossier.candidate} : aucun dossier d'évaluation." in body
    assert f"{submitted.candidate} : dossier d'évaluation non approuvé." in body
    assert f"{taken.candidate} : déjà affecté à la commission du 20/04/2027." in body
    assert (
        f"{colleague.candidate} : conflit d'intérêts, {evaluator} travaille chez "
        "Entreprise de l'évaluateur, son entreprise."
    ) in body
    assert "décochez les candidats nommés ci-dessus" in body
    assert "Confirmer l'affectation" not in body  # refused: no button to go on

    # Confirmed anyway (a stale page): refused whole, each named, nothing written.
    refused = client.post(_url(session), {**form, "confirm": "1"})
    assert refused.status_code == 400
    assert set(CommissionAssignment.objects.values_list("registration_id", flat=True)) == {taken.pk}
    assert not AuditEntry.objects.filter(action="cqpm.commission.assignment.created").exists()


def test_the_service_refuses_the_batch_when_a_check_fails_after_the_page(staff_a, campaign_a):
    """Between the confirmation and the service call a candidate may have been assigned: the
    service checks again, in its transaction, and writes nothing."""
    session = SessionFactory(campaign=campaign_a)
    ready = _ready(campaign_a, 3)
    assign(SessionFactory(campaign=campaign_a, date=datetime.date(2027, 4, 20)), ready[1])
    with pytest.raises(BatchRefused) as exc:
        commission_assign_batch(session=session, registrations=ready, by=staff_a)
    assert exc.value.message == "Aucun candidat n'est affecté : 1 candidat ne peut pas l'être."
    assert exc.value.lines == [
        f"{ready[1].candidate} : déjà affecté à la commission du 20/04/2027."
    ]
    assert CommissionAssignment.objects.filter(session=session).count() == 0


def test_a_cancelled_session_refuses_the_batch(client_for, staff_a, campaign_a):
    session = _cancelled(campaign_a, staff_a, datetime.date(2027, 4, 10))
    ready = _ready(campaign_a, 2)
    with pytest.raises(DomainError) as exc:
        commission_assign_batch(session=session, registrations=ready, by=staff_a)
    assert exc.value.message == "Cette commission est annulée : elle ne se modifie plus."
    # The page does not offer it either; posted anyway, it is not a choice.
    other = SessionFactory(campaign=campaign_a, date=datetime.date(2027, 4, 20))
    response = client_for(staff_a).post(
        _url(other),
        {"ids": [r.pk for r in ready], "session": session.pk, "confirm": "1"},
        follow=True,
    )
    assert "Choisissez une commission de la campagne." in text(response)
    assert not CommissionAssignment.objects.exists()


def test_candidates_of_another_campaign_or_centre_are_refused(
    client_for, staff_a, campaign_a, centre_a, registration_b
):
    session = SessionFactory(campaign=campaign_a)
    ready = _ready(campaign_a, 1)
    sibling = _ready(CampaignFactory(centre=centre_a, status=campaign_a.status), 1)[0]
    client = client_for(staff_a)
    # Same centre, another campaign: named and refused.
    body = text(
        client.post(_url(session), {"ids": [ready[0].pk, sibling.pk], "session": session.pk})
    )
    assert (
        f"{sibling.candidate} : inscrit à une autre campagne que celle de cette commission."
    ) in body
    # Another centre: out of this user's reach, not a choice at all.
    response = client.post(
        _url(session),
        {"ids": [ready[0].pk, registration_b.pk], "session": session.pk, "confirm": "1"},
        follow=True,
    )
    assert "Cochez des candidats de la campagne." in text(response)
    assert not CommissionAssignment.objects.exists()


def test_nothing_checked_says_so(client_for, staff_a, campaign_a):
    session = SessionFactory(campaign=campaign_a)
    response = client_for(staff_a).post(_url(session), {"session": session.pk}, follow=True)
    assert "Cochez au moins un candidat à affecter." in text(response)
    assert not CommissionAssignment.objects.exists()


def test_staff_of_another_centre_reach_nothing(client_for, staff_b, campaign_a):
    session = SessionFactory(campaign=campaign_a)
    ready = _ready(campaign_a, 1)
    response = client_for(staff_b).post(
        _url(session), {"ids": [ready[0].pk], "session": session.pk, "confirm": "1"}
    )
    assert response.status_code == 404
    assert not CommissionAssignment.objects.exists()
