"""Each step of the workflow happens only in the campaign statuses that allow it
(candidates/lifecycle.py): the service refuses with the French sentence, and the page neither
offers the action nor performs it when posted anyway."""

import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates.models import Campaign, CentreMembership
from cqpm.core.errors import DomainError
from deliberations.models import Decision, JurySession
from deliberations.services import (
    capacity_result_record,
    jury_decision_amend,
    jury_decision_record,
    jury_deliberation_start,
    jury_member_add,
    jury_session_create,
)
from documents.models import Document
from documents.services import batch_request, document_request
from evaluations.models import CommissionSession, Report
from evaluations.pdf import tiny_pdf
from evaluations.services.commissions import commission_session_create
from evaluations.services.dossiers import CapacityChoice, dossier_save
from evaluations.services.opinions import OpinionAnswers, opinion_save
from evaluations.services.reports import report_upload
from tests.factories.candidates import CampaignFactory, RegistrationFactory
from tests.factories.deliberations import evaluated_registration, jury, results
from tests.factories.documents import decide
from tests.factories.evaluations import OpinionFactory

S = Campaign.Status


def _set(campaign, status):
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    campaign.status = status
    return campaign


# --- Evidence waits for the evaluations --------------------------------------------------------


def test_a_report_waits_for_the_evaluations(centre_a, staff_a, client_for):
    registration = RegistrationFactory(campaign=CampaignFactory(centre=centre_a, status=S.OPEN))
    upload = SimpleUploadedFile("rapport.pdf", tiny_pdf(), content_type="application/pdf")
    with pytest.raises(DomainError, match="démarrez les évaluations avant de déposer un rapport"):
        report_upload(registration=registration, upload=upload, original_name="r.pdf", by=staff_a)
    url = reverse("evaluations:report_page", args=[registration.pk])
    client = client_for(staff_a)
    page = client.get(url).content.decode()
    assert 'type="file"' not in page and "démarrez les évaluations" in page
    upload.seek(0)
    response = client.post(url, {"file": upload})
    assert "démarrez les évaluations avant de déposer un rapport" in response.content.decode()
    assert not Report.objects.exists()


def test_the_tutor_answers_only_during_the_evaluations(centre_a, tutor, client_for):
    campaign = CampaignFactory(centre=centre_a, status=S.OPEN)
    opinion = OpinionFactory(registration=RegistrationFactory(campaign=campaign), respondent=tutor)
    with pytest.raises(DomainError, match="démarrez les évaluations avant de remplir"):
        opinion_save(opinion=opinion, answers=OpinionAnswers(), revision=0, by=tutor)
    url = reverse("evaluations:opinion_form", args=[opinion.pk])
    client = client_for(tutor)
    page = client.get(url).content.decode()
    assert 'name="transmettre"' not in page
    response = client.post(url, {"revision": 0, "overall_comment": "Bien.", "brouillon": "1"})
    assert "démarrez les évaluations" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.overall_comment == "" and opinion.revision == 0


def test_a_dossier_is_no_longer_drafted_at_the_jury(centre_a, staff_a, client_for):
    registration = RegistrationFactory(campaign=CampaignFactory(centre=centre_a, status=S.JURY))
    capacities = registration.campaign.referential.capacities.all()
    choices = {c.pk: CapacityChoice(methods=["professional_project"]) for c in capacities}
    with pytest.raises(DomainError, match="il n'est plus possible de préparer"):
        dossier_save(registration=registration, choices=choices, by=staff_a)
    url = reverse("evaluations:dossier_edit", args=[registration.pk])
    page = client_for(staff_a).get(url).content.decode()
    assert reverse("evaluations:dossier_submit", args=[registration.pk]) not in page


def test_commissions_and_juries_are_planned_from_planifiee_but_commissions_not_at_the_jury(
    centre_a, staff_a, jury_president, jury_member, client_for
):
    planned = CampaignFactory(centre=centre_a, status=S.PLANNED)
    commission_session_create(
        campaign=planned, date=datetime.date(2027, 4, 10), place="Lyon", by=staff_a
    )
    jury_session_create(
        campaign=planned,
        date=planned.jury_date,
        place="Lyon",
        president=CentreMembership.objects.get(user=jury_president, role="jury"),
        members=[CentreMembership.objects.get(user=jury_member, role="jury")],
        by=staff_a,
    )
    at_jury = CampaignFactory(centre=centre_a, status=S.JURY)
    with pytest.raises(DomainError, match="il n'est plus possible d'organiser les commissions"):
        commission_session_create(
            campaign=at_jury, date=datetime.date(2027, 4, 10), place="Lyon", by=staff_a
        )
    url = reverse("evaluations:campaign_commissions", args=[at_jury.pk])
    client = client_for(staff_a)
    assert "Créer la commission" not in client.get(url).content.decode()
    client.post(url, {"date": "2027-04-10", "place": "Lyon"})
    assert CommissionSession.objects.filter(campaign=at_jury).count() == 0


# --- Results, deliberation, documents ------------------------------------------------------------


def test_results_are_recorded_only_while_evaluations_are_in_progress(
    centre_a, evaluator, client_for
):
    campaign = CampaignFactory(centre=centre_a, status=S.JURY)
    registration = evaluated_registration(campaign=campaign, evaluator=evaluator)
    capacity = campaign.referential.capacities.first()
    with pytest.raises(DomainError, match="il n'est plus possible d'enregistrer les résultats"):
        capacity_result_record(
            registration=registration,
            capacity=capacity,
            outcome="acquired",
            justification="",
            methods=["interview"],
            by=evaluator,
        )
    page = client_for(evaluator).get(reverse("deliberations:evaluation", args=[registration.pk]))
    url = reverse("deliberations:results_record", args=[registration.pk])
    assert url not in page.content.decode()


def test_a_jury_deliberates_only_once_the_campaign_is_at_the_jury(
    centre_a, staff_a, jury_president, jury_member, client_for
):
    campaign = CampaignFactory(centre=centre_a, status=S.IN_PROGRESS)
    registration = RegistrationFactory(campaign=campaign)
    results(registration)
    session = jury(
        campaign, president=jury_president, members=[jury_member], registrations=[registration]
    )
    message = "passez la campagne à l'étape du jury avant de délibérer"
    with pytest.raises(DomainError, match=message):
        jury_deliberation_start(session=session, by=jury_president)
    client = client_for(jury_president)
    page = client.get(reverse("deliberations:jury_detail", args=[session.pk])).content.decode()
    assert reverse("deliberations:jury_start", args=[session.pk]) not in page
    url = reverse("deliberations:jury_start", args=[session.pk])
    response = client.post(url)  # refused on the confirmation page, with no button to go on
    assert message in html.unescape(response.content.decode())
    assert "Confirmer l'ouverture" not in response.content.decode()
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert message in html.unescape(response.content.decode())
    session.refresh_from_db()
    assert session.status == JurySession.Status.PLANNED

    _set(campaign, S.JURY)
    session = jury_deliberation_start(session=session, by=jury_president)
    assert session.status == JurySession.Status.DELIBERATING
    _set(campaign, S.IN_PROGRESS)  # sent back to the commission: the jury waits
    with pytest.raises(DomainError, match=message):
        jury_decision_record(
            session=session,
            registration=registration,
            outcome="admissible",
            expected_decision_id=None,
            by=jury_member,
        )
    assert not Decision.objects.exists()


def test_documents_wait_for_the_jury(centre_a, staff_a, jury_president, client_for):
    campaign = CampaignFactory(centre=centre_a, status=S.IN_PROGRESS)
    session = jury(campaign, president=jury_president, status=JurySession.Status.CLOSED)
    decide(session=session, outcome="admissible", by=jury_president)
    with pytest.raises(DomainError, match="avant de générer les documents"):
        batch_request(jury_session=session, by=staff_a)
    assert not Document.objects.exists()


def test_a_closed_campaign_takes_the_presidents_amendment_and_nothing_else(
    centre_a, staff_a, jury_president, jury_member, client_for
):
    campaign = CampaignFactory(centre=centre_a, status=S.CLOSED)
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.CLOSED,
        date=datetime.date(2026, 5, 15),
    )
    decision = decide(
        session=session, outcome="not_admissible", by=jury_president, acquired=[1, 2, 3]
    )
    # Documents may still be delivered once the campaign is closed.
    notice = document_request(
        kind="capacity_notice", registration=decision.registration, by=staff_a
    )
    membership = CentreMembership.objects.get(user=jury_member, role="jury")
    with pytest.raises(DomainError, match="clôturée : elle est en lecture seule"):
        jury_member_add(session=session, membership=membership, by=staff_a)
    page = client_for(staff_a).get(reverse("deliberations:campaign_juries", args=[campaign.pk]))
    assert "Créer le jury" not in page.content.decode()

    amended = jury_decision_amend(
        decision=decision,
        outcome="admissible",
        reason="Erreur de saisie du résultat de la capacité 2.",
        by=jury_president,
    )
    assert amended.is_active and amended.supersedes_id == decision.pk
    # The old notice is revoked and the certificate it brings requested, in the same transaction.
    notice.refresh_from_db()
    assert notice.status == Document.Status.REVOKED
    assert Document.objects.filter(kind="certificate", decision=amended).exists()


def test_the_resource_centre_reviews_only_while_dossiers_may_move(centre_a, reviewer, client_for):
    from evaluations.models import EvaluationDossier
    from evaluations.services.dossiers import dossier_approve
    from tests.factories.evaluations import dossier_for

    registration = RegistrationFactory(campaign=CampaignFactory(centre=centre_a, status=S.JURY))
    dossier = dossier_for(registration, status=EvaluationDossier.Status.SUBMITTED)
    with pytest.raises(DomainError, match="il n'est plus possible de préparer ou d'examiner"):
        dossier_approve(dossier=dossier, by=reviewer)
    client = client_for(reviewer)
    page = client.get(reverse("evaluations:review_detail", args=[dossier.pk])).content.decode()
    assert reverse("evaluations:review_approve", args=[dossier.pk]) not in page
    url = reverse("evaluations:review_approve", args=[dossier.pk])
    response = client.post(url)
    assert "il n&#x27;est plus possible de préparer" in response.content.decode()
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "il n&#x27;est plus possible de préparer" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == EvaluationDossier.Status.SUBMITTED
