"""Every irreversible step meets its confirmation page first (cqpm.core.confirmation), in Chromium,
as the person who does it: what the step will do and what is missing are shown, « Annuler »
writes nothing (read back from the database), and « Confirmer » does the step. Each confirmation
page is checked by axe-core at 1280 and at 390 px (no serious or critical violation) and fits
both widths without horizontal scroll. The state is built with the factories; the people sign
in by their session cookie (the login pages are the main journey's business)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from candidates.models import Campaign
from deliberations.models import Decision, JurySession, ResultSheet
from documents.models import Document, DocumentBatch
from evaluations.models import (
    CommissionAssignment,
    CompanyOpinion,
    EvaluationDossier,
    OpinionCapacity,
)

from ..celery_support import private_broker
from ..factories.candidates import CampaignFactory, CandidateFactory, RegistrationFactory
from ..factories.deliberations import approved_dossier, evaluated_registration, results
from ..factories.documents import college_members, decide, jury_session
from ..factories.evaluations import OpinionFactory, SessionFactory, dossier_for
from .conftest import ROOT, Journey
from .test_journey import ISO_DATE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOLDER = ROOT / "artifacts" / "confirmations"
WIDTHS = (1280, 390)
S = Campaign.Status


@pytest.fixture
def journey():
    """axe-core and the width check at 1280 and 390 px on every page checked."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    journey = Journey(FOLDER, widths=WIDTHS)
    yield journey
    assert not journey.violations, "accessibility (axe-core):\n" + "\n".join(journey.violations)
    assert not journey.too_wide, "horizontal scroll:\n" + "\n".join(journey.too_wide)
    assert journey.csp_violations == [], "\n".join(journey.csp_violations)


@pytest.fixture
def signed_in(browser, live_server, journey):
    """`signed_in(user)`: a page of a browser context holding `user`'s session."""
    contexts = []

    def make(user):
        client = Client()
        client.force_login(user)
        context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        journey.watch(context)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _open(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    assert page.url.endswith(url), (url, page.url)  # not sent to a login page


def _press(page, name: str, *, within: str = "main") -> None:
    """Click the button `name` and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(within).get_by_role("button", name=name, exact=True).first.click()


def _confirmation(page, journey, step: str, title: str) -> str:
    """The confirmation page, checked at both widths; its main text."""
    page.wait_for_load_state("load")
    heading = page.locator("#confirmation-titre")
    assert heading.count() == 1, (step, page.url, page.locator("main").inner_text())
    assert title in heading.inner_text(), (step, heading.inner_text())
    journey.check(page, step)
    text = page.locator("main").inner_text()
    assert not ISO_DATE.search(text), (step, text)  # dates in French
    return text


def _missing(page) -> list[str]:
    return page.locator(".confirmation-missing li").all_inner_texts()


def _cancel(page, back: str) -> None:
    """« Annuler » leads back to the page the step started from."""
    with page.expect_navigation():
        page.locator(".confirmation-form").get_by_role("link", name="Annuler").click()
    assert page.url.endswith(back), (page.url, back)


def _confirm(page, label: str, reason: str | None = None) -> None:
    form = page.locator(".confirmation-form")
    if reason is not None:
        form.locator('textarea[name="motif"]').fill(reason)
    with page.expect_navigation():
        form.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state("load")


def _main(page) -> str:
    return page.locator("main").inner_text()


# --- The commission ---------------------------------------------------------------------------


def test_validating_results_without_the_report_names_it_and_asks_why(
    signed_in, journey, centre_a, evaluator
):
    campaign = CampaignFactory(centre=centre_a, status=S.IN_PROGRESS)
    registration = evaluated_registration(
        campaign=campaign, evaluator=evaluator, candidate__last_name="Sansrapport"
    )
    results(registration, validated=False)
    url = reverse("deliberations:evaluation", args=[registration.pk])
    page = signed_in(evaluator)
    _open(page, url)

    def status():
        return ResultSheet.objects.get(registration=registration).status

    _press(page, "Valider les résultats de la commission")
    _confirmation(page, journey, "valider-resultats", "Valider les résultats de la commission")
    assert "Rapport du candidat : non remis." in _missing(page)
    assert status() != ResultSheet.Status.VALIDATED
    _cancel(page, url)
    assert status() != ResultSheet.Status.VALIDATED

    _press(page, "Valider les résultats de la commission")
    _confirm(page, "Confirmer la validation")  # no reason: refused, in French
    assert "Indiquez le motif : il est enregistré dans l'historique." in _main(page)
    assert status() != ResultSheet.Status.VALIDATED
    journey.check(page, "valider-resultats-sans-motif")

    _confirm(page, "Confirmer la validation", "Rapport remis sur papier le jour de l'entretien.")
    assert "Les résultats de la commission sont validés." in _main(page)
    assert status() == ResultSheet.Status.VALIDATED


def test_putting_a_candidate_without_a_dossier_in_a_commission_is_refused_by_name(
    signed_in, journey, centre_a, staff_a, evaluator
):
    campaign = CampaignFactory(centre=centre_a, status=S.IN_PROGRESS)
    session = SessionFactory(campaign=campaign, evaluators=[evaluator])
    bare = RegistrationFactory(
        campaign=campaign, candidate=CandidateFactory(last_name="Sansdossier")
    )
    ready = RegistrationFactory(campaign=campaign, candidate=CandidateFactory(last_name="Prête"))
    approved_dossier(ready)
    url = reverse("evaluations:session_detail", args=[campaign.pk, session.pk])
    page = signed_in(staff_a)
    _open(page, url)

    def assigned() -> set[int]:
        return set(CommissionAssignment.objects.values_list("registration_id", flat=True))

    # Both checked: the one without a dossier is named, and nothing can be confirmed.
    page.locator("#affecter-tout").check()
    _press(page, "Affecter les candidats cochés…")
    _confirmation(page, journey, "affecter-sans-dossier", "Affecter des candidats")
    missing = _missing(page)
    assert len(missing) == 1 and "SANSDOSSIER" in missing[0].upper(), missing
    assert "aucun dossier d'évaluation" in missing[0], missing
    assert page.locator(".confirmation-form").count() == 0
    assert assigned() == set()
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Retour", exact=True).click()
    assert assigned() == set()

    def ask():
        page.check(f'input[name="ids"][value="{ready.pk}"]')
        _press(page, "Affecter les candidats cochés…")
        _confirmation(page, journey, "affecter", "Affecter des candidats")
        assert _missing(page) == []

    ask()
    assert assigned() == set()
    _cancel(page, url)
    assert assigned() == set()
    ask()
    _confirm(page, "Confirmer l'affectation")
    assert assigned() == {ready.pk}
    assert bare.pk not in assigned()


# --- The campaign -----------------------------------------------------------------------------


def test_the_campaign_status_buttons_confirm_and_the_jury_names_who_is_not_evaluated(
    signed_in, journey, centre_a, staff_a
):
    campaign = CampaignFactory(centre=centre_a, status=S.IN_PROGRESS)
    results(RegistrationFactory(campaign=campaign, candidate__last_name="Evalué"))
    for name in ("Martin", "Bernard"):
        RegistrationFactory(campaign=campaign, candidate__last_name=name)
    url = reverse("candidates:campaign_detail", args=[campaign.pk])
    page = signed_in(staff_a)
    _open(page, url)

    def status():
        campaign.refresh_from_db()
        return campaign.status

    # Every status button of the page meets its confirmation first.
    buttons = page.locator(
        f"main form[action='{reverse('candidates:campaign_transition', args=[campaign.pk])}'] "
        "button[type=submit]"
    ).all_inner_texts()
    assert "Passer à l'étape du jury" in buttons, buttons
    for label in buttons:
        _press(page, label)
        _confirmation(page, journey, f"campagne-{label[:20]}", label)
        assert status() == S.IN_PROGRESS
        _cancel(page, url)
        assert status() == S.IN_PROGRESS

    _press(page, "Passer à l'étape du jury")
    missing = _missing(page)
    assert sorted(m.split(" : ")[1].split()[0] for m in missing) == ["BERNARD", "MARTIN"], missing
    assert all(m.startswith("Non évalué (résultats non validés)") for m in missing), missing
    _confirm(page, "Confirmer")
    assert "Indiquez le motif" in _main(page)
    assert status() == S.IN_PROGRESS
    _confirm(page, "Confirmer", "Deux candidats évalués à la session d'automne.")
    assert status() == S.JURY


# --- The company's opinion and the dossier ----------------------------------------------------


def test_the_tutors_final_transmettre_confirms_and_cancelling_saves_nothing(
    signed_in, journey, centre_a, tutor
):
    campaign = CampaignFactory(centre=centre_a, status=S.IN_PROGRESS)
    registration = RegistrationFactory(campaign=campaign)
    opinion = OpinionFactory(registration=registration, respondent=tutor)
    url = reverse("evaluations:opinion_form", args=[opinion.pk])
    page = signed_in(tutor)
    _open(page, url)
    capacities = list(campaign.referential.capacities.order_by("number"))

    def fill():
        for capacity in capacities:
            rating = "not_observed" if capacity.number == 1 else "mastered"
            page.check(f'input[name="rating_{capacity.pk}"][value="{rating}"]')
        page.fill('textarea[name="overall_comment"]', "Un salarié autonome.")
        _press(page, "Transmettre")
        _confirmation(page, journey, "transmettre-avis", "Transmettre l'avis de l'entreprise")
        assert any("non observée" in line for line in _missing(page)), _missing(page)

    def unchanged() -> bool:
        opinion.refresh_from_db()
        return (
            opinion.status == CompanyOpinion.Status.DRAFT
            and not opinion.overall_comment
            and not OpinionCapacity.objects.filter(opinion=opinion).exists()
        )

    fill()
    assert unchanged()
    _cancel(page, url)
    assert unchanged()
    fill()
    _confirm(page, "Confirmer la transmission")
    opinion.refresh_from_db()
    assert opinion.status == CompanyOpinion.Status.SUBMITTED
    assert opinion.overall_comment == "Un salarié autonome."


def test_submitting_a_dossier_confirms(signed_in, journey, centre_a, staff_a):
    campaign = CampaignFactory(centre=centre_a, status=S.OPEN)
    registration = RegistrationFactory(campaign=campaign)
    dossier = dossier_for(registration)
    url = reverse("evaluations:dossier_edit", args=[registration.pk])
    page = signed_in(staff_a)
    _open(page, url)

    def status():
        dossier.refresh_from_db()
        return dossier.status

    _press(page, "Soumettre au centre de ressource")
    _confirmation(page, journey, "soumettre-dossier", "Soumettre le dossier au centre de ressource")
    assert status() == EvaluationDossier.Status.DRAFT
    _cancel(page, url)
    assert status() == EvaluationDossier.Status.DRAFT
    _press(page, "Soumettre au centre de ressource")
    _confirm(page, "Confirmer la soumission")
    assert "Le dossier est soumis au centre de ressource." in _main(page)
    assert status() == EvaluationDossier.Status.SUBMITTED


def test_returning_a_dossier_confirms_and_is_refused_without_what_to_correct(
    signed_in, journey, centre_a, reviewer
):
    campaign = CampaignFactory(centre=centre_a, status=S.OPEN)
    dossier = dossier_for(RegistrationFactory(campaign=campaign), status="submitted")
    url = reverse("evaluations:review_detail", args=[dossier.pk])
    page = signed_in(reviewer)
    _open(page, url)

    def status():
        dossier.refresh_from_db()
        return dossier.status

    # Without a comment (the browser's own check set aside): refused, and nothing to confirm.
    page.locator("#id_return_comment").evaluate("e => e.removeAttribute('required')")
    _press(page, "Renvoyer le dossier")
    _confirmation(page, journey, "renvoyer-sans-commentaire", "Renvoyer le dossier")
    assert "Ce qu'il faut corriger : non indiqué." in _missing(page)
    assert page.locator(".confirmation-form").count() == 0
    assert status() == EvaluationDossier.Status.SUBMITTED
    _open(page, url)

    page.fill("#id_return_comment", "La capacité 2 n'a pas de modalité adaptée.")
    _press(page, "Renvoyer le dossier")
    _confirmation(page, journey, "renvoyer", "Renvoyer le dossier pour correction")
    assert status() == EvaluationDossier.Status.SUBMITTED
    _cancel(page, url)
    assert status() == EvaluationDossier.Status.SUBMITTED
    page.fill("#id_return_comment", "La capacité 2 n'a pas de modalité adaptée.")
    _press(page, "Renvoyer le dossier")
    _confirm(page, "Confirmer le renvoi")
    assert status() == EvaluationDossier.Status.RETURNED
    assert dossier.review_comment == "La capacité 2 n'a pas de modalité adaptée."


def test_approving_a_dossier_confirms(signed_in, journey, centre_a, reviewer):
    campaign = CampaignFactory(centre=centre_a, status=S.OPEN)
    dossier = dossier_for(RegistrationFactory(campaign=campaign), status="submitted")
    url = reverse("evaluations:review_detail", args=[dossier.pk])
    page = signed_in(reviewer)
    _open(page, url)

    def status():
        dossier.refresh_from_db()
        return dossier.status

    _press(page, "Approuver le dossier")
    text = _confirmation(page, journey, "approuver", "Approuver le dossier")
    assert "est approuvé et figé" in text, text
    assert status() == EvaluationDossier.Status.SUBMITTED
    _cancel(page, url)
    assert status() == EvaluationDossier.Status.SUBMITTED
    _press(page, "Approuver le dossier")
    _confirm(page, "Confirmer l'approbation")
    assert status() == EvaluationDossier.Status.APPROVED


# --- The jury ---------------------------------------------------------------------------------


@pytest.fixture
def closed_jury(centre_a, jury_president, jury_member):
    campaign = CampaignFactory(centre=centre_a, status=S.JURY)
    session = jury_session(
        campaign=campaign,
        members=college_members(president=jury_president, member=jury_member, member_present=True),
    )
    decision = decide(
        session=session, outcome="admissible", by=jury_president, last_name="Rectifiée"
    )
    return session, decision


def test_the_presidents_amendment_needs_its_reason_then_confirms(
    signed_in, journey, closed_jury, jury_president
):
    session, decision = closed_jury
    url = reverse("deliberations:decision_amend", args=[decision.pk])
    page = signed_in(jury_president)
    _open(page, url)

    def amended() -> bool:
        return Decision.objects.filter(registration=decision.registration).count() > 1

    page.select_option('select[name="outcome"]', "absent")
    # The browser itself asks for the reason (a required field) ...
    reason = page.locator('textarea[name="reason"]')
    assert reason.evaluate("e => e.required")
    page.get_by_role("button", name="Rectifier", exact=True).click()
    assert page.url.endswith(url) and not amended()
    # ... and the server refuses it, in French, when the browser does not.
    reason.evaluate("e => e.removeAttribute('required')")
    _press(page, "Rectifier")
    assert page.locator("#confirmation-titre").count() == 0
    assert "Ce champ est obligatoire." in _main(page), _main(page)
    journey.check(page, "rectifier-sans-motif")
    assert not amended()

    page.select_option('select[name="outcome"]', "absent")
    page.fill('textarea[name="reason"]', "Le candidat était absent, noté présent par erreur.")
    _press(page, "Rectifier")
    text = _confirmation(page, journey, "rectifier", "Rectifier la décision de")
    assert "est remplacée par « Absent »" in text, text
    assert not amended()
    _cancel(page, url)
    assert not amended()

    page.select_option('select[name="outcome"]', "absent")
    page.fill('textarea[name="reason"]', "Le candidat était absent, noté présent par erreur.")
    _press(page, "Rectifier")
    _confirm(page, "Confirmer la rectification")
    assert "La décision est rectifiée" in _main(page)
    new = Decision.objects.get(registration=decision.registration, is_active=True)
    assert (new.outcome, new.supersedes_id) == ("absent", decision.pk)
    assert new.reason == "Le candidat était absent, noté présent par erreur."


def test_generating_every_document_confirms_what_it_makes(
    signed_in, journey, closed_jury, staff_a, tmp_path
):
    session, _decision = closed_jury
    url = reverse("documents:session", args=[session.pk])
    with private_broker(tmp_path):  # the queued renderings land nowhere shared
        page = signed_in(staff_a)
        _open(page, url)
        _press(page, "Générer tous les documents")
        text = _confirmation(page, journey, "generer", "Générer tous les documents du jury")
        assert "1 attestation de réussite (candidat admissible)." in text, text
        assert not DocumentBatch.objects.exists() and not Document.objects.exists()
        _cancel(page, url)
        assert not DocumentBatch.objects.exists() and not Document.objects.exists()
        _press(page, "Générer tous les documents")
        _confirm(page, "Confirmer la génération")
        assert "La génération de tous les documents est lancée." in _main(page)
        assert DocumentBatch.objects.filter(jury_session=session).count() == 1
        assert set(Document.objects.values_list("kind", flat=True)) == {
            Document.Kind.JURY_MINUTES,
            Document.Kind.CERTIFICATE,
        }
        page.goto("about:blank")  # the page polls the progress every 2 s: leave it
    assert JurySession.objects.get(pk=session.pk).is_closed
