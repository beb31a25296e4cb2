"""Every page inside a campaign keeps its breadcrumbs and its tabs (drawn from the registry:
each app adds its own); those who see no tab still see where they are."""

import html as html_lib
import re

import pytest
from django.urls import reverse

from candidates.models import Campaign
from tests.factories.candidates import CampaignFactory
from tests.factories.deliberations import evaluated_registration, jury, results
from tests.factories.evaluations import SessionFactory

pytestmark = pytest.mark.django_db

TABS = ["Tableau de bord", "Candidats", "Dossiers", "Commissions", "Jurys"]


@pytest.fixture
def world(centre_a, evaluator, jury_president):
    campaign = CampaignFactory(centre=centre_a, status=Campaign.Status.JURY, name="Campagne cadre")
    registration = evaluated_registration(campaign=campaign, evaluator=evaluator)
    results(registration)
    return {
        "campaign": campaign,
        "registration": registration,
        "commission": SessionFactory(campaign=campaign, date=campaign.commission_starts),
        "jury": jury(campaign, president=jury_president, date=campaign.jury_date),
    }


def frame(body: str) -> tuple[list[str], list[str], str]:
    """(breadcrumb texts, tab labels, current tab)."""
    crumbs = re.search(r'<ol class="breadcrumb">(.*?)</ol>', body, re.S)
    tabs = re.search(r'<ul class="nav nav-tabs mb-3 campaign-tabs">(.*?)</ul>', body, re.S)

    def strip(html):
        return [
            html_lib.unescape(re.sub(r"<[^>]+>", "", li)).strip()
            for li in re.findall(r"<li.*?</li>", html, re.S)
        ]

    current = (
        re.search(r'active" aria-current="page"[^>]*>([^<]+)<', tabs.group(1)) if tabs else None
    )
    return (
        strip(crumbs.group(1)) if crumbs else [],
        strip(tabs.group(1)) if tabs else [],
        current.group(1) if current else "",
    )


STAFF_PAGES = [
    ("candidates:campaign_detail", "campaign", "Tableau de bord"),
    ("candidates:registration_list", "campaign", "Candidats"),
    ("candidates:registration_detail", "registration", ""),
    ("evaluations:campaign_dossiers", "campaign", "Dossiers"),
    ("evaluations:dossier_edit", "registration", "Candidats"),
    ("evaluations:report_page", "registration", "Candidats"),
    ("evaluations:opinion_staff", "registration", "Candidats"),
    ("evaluations:interview_page", "registration", "Candidats"),
    ("evaluations:campaign_commissions", "campaign", "Commissions"),
    ("evaluations:session_detail", "commission", "Commissions"),
    ("deliberations:evaluation", "registration", "Candidats"),
    ("deliberations:campaign_juries", "campaign", "Jurys"),
    ("deliberations:jury_detail", "jury", "Jurys"),
    ("deliberations:jury_candidates", "jury", "Jurys"),
    ("deliberations:jury_deliberation", "jury", "Jurys"),
    ("documents:session", "jury", "Jurys"),
    ("transmissions:tracker", "jury", "Jurys"),
]


@pytest.mark.parametrize(("name", "arg", "current"), STAFF_PAGES)
def test_it_frames_every_staff_page_of_a_campaign(client_for, staff_a, world, name, arg, current):
    obj = world[arg]
    args = [world["campaign"].pk, obj.pk] if name == "evaluations:session_detail" else [obj.pk]
    response = client_for(staff_a).get(reverse(name, args=args))
    assert response.status_code == 200
    crumbs, tabs, active = frame(response.content.decode())
    assert crumbs[:2] == ["Accueil", "Campagne cadre"]
    assert [t for t in tabs if t in TABS] == TABS
    assert active == current


def test_it_shows_the_evaluator_where_they_are_without_staff_tabs(client_for, evaluator, world):
    url = reverse("deliberations:evaluation", args=[world["registration"].pk])
    body = client_for(evaluator).get(url).content.decode()
    crumbs, tabs, _ = frame(body)
    assert crumbs == [
        "Accueil",
        "Campagne cadre",
        str(world["registration"].candidate),
        "Évaluation",
    ]
    assert tabs == []
    assert reverse("candidates:registration_detail", args=[world["registration"].pk]) not in body


def test_it_links_the_jury_president_back_to_the_session(client_for, jury_president, world):
    session = world["jury"]
    body = (
        client_for(jury_president)
        .get(reverse("deliberations:jury_deliberation", args=[session.pk]))
        .content.decode()
    )
    crumbs, tabs, _ = frame(body)
    assert crumbs[-1] == "Délibération" and tabs == []
    assert f'href="{reverse("deliberations:jury_detail", args=[session.pk])}"' in body
