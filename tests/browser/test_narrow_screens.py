"""The jury's and the tutor's pages on a phone (390 x 844): nothing wider than the screen (no
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

from .conftest import ROOT, Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FOLDER = ROOT / "artifacts" / "narrow"


def _signed_in(browser, live_server, journey, user):
    """A phone-sized browser context already signed in as `user` (the login pages are the
    journey's business; here, the pages a person uses on a phone)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport=PHONE,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
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


# Names the elements that stick out of the screen, to say what to fix when the test fails.
WIDEST = """() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => !e.closest('.table-responsive') || e.classList.contains('table-responsive'))
  .slice(0, 8)
  .map(e => e.tagName.toLowerCase()
            + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
            + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')
  .join(', ')"""
