"""The jury's and the tutor's pages on a phone (390 x 844), and the staff's and the reviewer's
pages of the journey on a phone and on a 1280 px laptop: nothing wider than the screen (no
horizontal scroll), a screenshot of each under artifacts/narrow/, and no serious or critical
accessibility violation (axe-core)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from candidates.models import Campaign, Candidate
from deliberations.models import JurySession
from tests.factories.candidates import CampaignFactory, CandidateFactory, RegistrationFactory
from tests.factories.deliberations import jury, results
from tests.factories.evaluations import OpinionFactory

from .conftest import ROOT, WIDEST, Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FOLDER = ROOT / "artifacts" / "narrow"


def _signed_in(browser, live_server, journey, user, viewport=PHONE):
    """A phone-sized browser context already signed in as `user` (the login pages are the
    journey's business; here, the pages a person uses on a phone)."""
    client = Client()
    client.force_login(user)
    phone = viewport["width"] < 576
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport=viewport,
        device_scale_factor=1,
        is_mobile=phone,
        has_touch=phone,
    )
    context.set_default_timeout(15_000)
    journey.watch(context)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context


def _long_named(campaign, n):
    return RegistrationFactory(
        campaign=campaign,
        candidate=CandidateFactory(
            civility=Candidate.Civility.MADAME,
            last_name=f"De La Fontaine-Saint-Exupéry-Montmorency {n}",
            first_name="Marie-Bernadette",
            email=f"marie-bernadette.delafontaine-saintexupery.{n}@entreprise-metallurgie.fr",
        ),
    )


@pytest.fixture
def scene(centre_a, jury_president, jury_member, tutor):
    campaign = CampaignFactory(
        centre=centre_a,
        name="Campagne de printemps 2027 — Responsable d'affaires",
        status=Campaign.Status.JURY,
    )
    people = [_long_named(campaign, n) for n in range(4)]
    for n, registration in enumerate(people):
        results(registration, not_acquired=(2,) if n % 2 else ())
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.DELIBERATING,
        registrations=people,
    )
    opinion = OpinionFactory(registration=people[0], respondent=tutor)
    OpinionFactory(registration=people[1], respondent=tutor)
    return session, opinion


def _pages(session, opinion):
    return {
        "jury": [
            ("jury-detail", reverse("deliberations:jury_detail", args=[session.pk])),
            ("jury-deliberation", reverse("deliberations:jury_deliberation", args=[session.pk])),
        ],
        "tutor": [
            ("tuteur-accueil", reverse("evaluations:tutor_home")),
            ("tuteur-avis", reverse("evaluations:opinion_form", args=[opinion.pk])),
        ],
    }


def test_the_jury_and_tutor_pages_fit_a_390px_phone(
    browser, live_server, scene, jury_president, tutor
):
    FOLDER.mkdir(parents=True, exist_ok=True)
    for old in FOLDER.glob("*.png"):
        old.unlink()
    journey = Journey(FOLDER)
    session, opinion = scene
    pages = _pages(session, opinion)
    too_wide = []
    for role, user in (("jury", jury_president), ("tutor", tutor)):
        context = _signed_in(browser, live_server, journey, user)
        try:
            page = context.new_page()
            for name, url in pages[role]:
                response = page.goto(url)
                assert response.status == 200, (name, response.status)
                assert page.url.endswith(url), (name, page.url)  # not sent to a login page
                journey.check(page, name)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    wide = page.evaluate(WIDEST)
                    too_wide.append(f"{name}: {width}px — {wide}")
        finally:
            context.close()
    assert not too_wide, "horizontal scroll at 390 px:\n" + "\n".join(too_wide)
    assert journey.violations == [], "\n".join(journey.violations)
    assert journey.csp_violations == []
    assert len(list(FOLDER.glob("*.png"))) == 4


LAPTOP = {"width": 1280, "height": 800}
# The middle height of each entry of the navigation bar: within a few pixels when it holds on one
# line (a wrapped entry sits a line, some 40 px, lower).
NAV_MIDDLES = """() => Object.fromEntries(
  Array.from(document.querySelectorAll('#nav-principale .nav-link')).map(e => {
    const r = e.getBoundingClientRect();
    return [e.textContent.trim(), r.top + r.height / 2];
  }))"""


@pytest.fixture
def office(centre_a, staff_a, evaluator, jury_president, jury_member):
    """What staff and the reviewer handle in the journey: long names, submitted dossiers, a
    commission, a closed jury with its decisions."""
    from tests.factories.documents import decide
    from tests.factories.evaluations import SessionFactory, assign, dossier_for

    campaign = CampaignFactory(
        centre=centre_a,
        name="Campagne de printemps 2027 — Responsable d'affaires",
        status=Campaign.Status.JURY,
    )
    people = [_long_named(campaign, n) for n in range(3)]
    for registration in people:
        dossier_for(registration, status="submitted")
    commission = SessionFactory(campaign=campaign, evaluators=[evaluator])
    for registration in people:
        assign(commission, registration)
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.CLOSED,
        registrations=people,
    )
    for registration in people:
        decide(session=session, outcome="admissible", by=jury_president, registration=registration)
    return campaign, people, commission, session


def _office_pages(campaign, people, commission, session):
    registration = people[0]
    dossier = registration.dossier
    return {
        "staff": [
            ("accueil", reverse("home")),
            ("campagnes", reverse("candidates:campaign_list")),
            ("campagne", reverse("candidates:campaign_detail", args=[campaign.pk])),
            ("candidats", reverse("candidates:registration_list", args=[campaign.pk])),
            ("fiche", reverse("candidates:registration_detail", args=[registration.pk])),
            ("dossier", reverse("evaluations:dossier_edit", args=[registration.pk])),
            ("dossiers", reverse("evaluations:campaign_dossiers", args=[campaign.pk])),
            ("commissions", reverse("evaluations:campaign_commissions", args=[campaign.pk])),
            (
                "commission",
                reverse("evaluations:session_detail", args=[campaign.pk, commission.pk]),
            ),
            ("jurys", reverse("deliberations:campaign_juries", args=[campaign.pk])),
            ("jury", reverse("deliberations:jury_detail", args=[session.pk])),
            ("jury-candidats", reverse("deliberations:jury_candidates", args=[session.pk])),
            ("documents", reverse("documents:session", args=[session.pk])),
        ],
        "reviewer": [
            ("relecture", reverse("evaluations:review_queue")),
            ("relecture-dossier", reverse("evaluations:review_detail", args=[dossier.pk])),
        ],
    }


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1280px"])
def test_the_staff_and_reviewer_pages_fit_a_phone_and_a_laptop(
    browser, live_server, office, staff_a, reviewer, viewport
):
    folder = FOLDER / f"{viewport['width']}px"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    journey = Journey(folder)
    pages = _office_pages(*office)
    too_wide = []
    for role, user in (("staff", staff_a), ("reviewer", reviewer)):
        context = _signed_in(browser, live_server, journey, user, viewport)
        try:
            page = context.new_page()
            for name, url in pages[role]:
                response = page.goto(url)
                assert response.status == 200, (name, response.status)
                assert page.url.endswith(url), (name, page.url)
                journey.check(page, name)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > viewport["width"]:
                    too_wide.append(f"{name}: {width}px — {page.evaluate(WIDEST)}")
                if role == "staff" and viewport is LAPTOP:
                    # The whole menu on one line.
                    middles = page.evaluate(NAV_MIDDLES)
                    assert max(middles.values()) - min(middles.values()) < 10, (name, middles)
        finally:
            context.close()
    assert not too_wide, f"horizontal scroll at {viewport['width']} px:\n" + "\n".join(too_wide)
    assert journey.violations == [], "\n".join(journey.violations)
    assert journey.csp_violations == []
