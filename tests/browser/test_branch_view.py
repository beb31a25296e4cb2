"""The branch's view in a browser: the GTP signs in with its TOTP, reaches the statistics from
its home (charts and tables), finds a campaign of 3 candidates suppressed, cannot open a
registration, and sees what centres sent it; a centre's staff see their own figures and the
public page. axe-core finds nothing serious on any page, and the CSP is never violated."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories.accounts import UserFactory, enable_totp
from tests.factories.candidates import CampaignFactory, ExamCentreFactory
from tests.factories.deliberations import jury_person
from tests.factories.stats import closed_session

from .conftest import ROOT, Journey, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Un-mot-de-passe-solide-2027"
FOLDER = ROOT / "artifacts" / "branch"


@pytest.fixture
def scene(centre_a, staff_a):
    recent = timezone.localdate() - datetime.timedelta(days=40)
    campaign = CampaignFactory(centre=centre_a, name="Campagne nombreuse", status="closed")
    president = jury_person(centre_a, "employer", "president.branche@exemple.fr")
    closed_session(
        campaign,
        president=president,
        admissible=18,
        partial=7,
        absent=5,
        date=recent,
        disagreements=6,
    )
    small_centre = ExamCentreFactory(name="UIMM Petit Centre", code="petit-centre")
    small = CampaignFactory(
        centre=small_centre,
        referential=campaign.referential,
        name="Trois candidats",
        status="closed",
    )
    closed_session(
        small,
        president=jury_person(small_centre, "employer", "president.petit@exemple.fr"),
        admissible=2,
        partial=1,
        date=recent,
        start=500,
    )
    branch = UserFactory(email="gtp.navigateur@exemple.fr", is_branch=True, password=PASSWORD)
    enable_totp(branch)
    registration = campaign.registrations.order_by("pk").first()
    return {"campaign": campaign, "branch": branch, "registration": registration}


def _login(page, journey, user, name):
    page.goto(reverse("account_login"))
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name="Connexion", exact=True).click()
    page.wait_for_url(re.compile(r"/comptes/2fa/authenticate/"))
    page.fill('input[name="code"]', totp_code(user))
    page.get_by_role("button", name="Connexion", exact=True).click()
    page.wait_for_url(re.compile(r"^(?!.*/comptes/).*$"))
    journey.check(page, f"{name}-accueil")


def _row(page, table_caption: str, label: str) -> list[str]:
    table = page.locator("table", has=page.locator("caption", has_text=table_caption))
    row = table.locator("tr", has=page.locator(f"th:text-is('{label}')"))
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_the_branch_reads_charts_and_tables_never_a_registration(
    browser, live_server, scene, staff_a
):
    FOLDER.mkdir(parents=True, exist_ok=True)
    journey = Journey(FOLDER)
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(15_000)
    journey.watch(context)
    page = context.new_page()
    _login(page, journey, scene["branch"], "branche")
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name="Statistiques").click()
    journey.check(page, "branche-statistiques")
    charts = page.locator("svg[role='img']")
    assert charts.count() == 2  # obtention rate, delays (choose a CQPM for capacities)
    assert "Taux d'obtention par centre" in charts.first.locator("title").text_content()
    # The campaign of 3: every count and its rate hidden; with the national total published,
    # centre A's cells would give them back by subtraction, so they are hidden too.
    assert _row(page, "Résultats du jury", "UIMM Petit Centre") == ["< 5"] * 5
    assert _row(page, "Résultats du jury", "UIMM Centre A") == ["< 5"] * 5
    assert _row(page, "Résultats du jury", "Total") == ["28", "20", "8", "5", "71,4 %"]
    page.select_option("select[name='centre']", label="UIMM Centre A")
    with page.expect_navigation():
        page.get_by_role("button", name="Afficher").click()
    journey.check(page, "branche-statistiques-centre")
    assert _row(page, "Résultats du jury", "UIMM Centre A") == ["25", "18", "7", "5", "72,0 %"]
    code = scene["campaign"].referential.code
    page.select_option("select[name='cqpm']", code)
    with page.expect_navigation():
        page.get_by_role("button", name="Afficher").click()
    journey.check(page, "branche-statistiques-cqpm")
    assert page.locator("svg[role='img']").count() == 3
    assert page.get_by_role("heading", name="Capacités professionnelles").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^CSV — Résultats du jury")).click()
    # The download is the table as shown, with the page's filters.
    assert "UIMM Centre A;25;18;7;5;72,0 %" in download.value.path().read_text("utf-8-sig")
    # A candidate's file: not found, as anything out of reach.
    detail = page.goto(reverse("candidates:registration_detail", args=[scene["registration"].pk]))
    assert detail.status == 404
    page.goto(reverse("stats:inbox"))
    journey.check(page, "branche-transmissions")
    assert "Aucune transmission reçue" in page.content()
    # The centre's public page, as a visitor reads it.
    public = reverse("stats:public_rate", args=["centre-a", code.replace(" ", "-")])
    page.goto(public)
    journey.check(page, "page-publique")
    assert page.locator("#taux").inner_text() == "72,0 %"
    context.close()
    assert journey.violations == [], "\n".join(journey.violations)
    assert journey.csp_violations == [], "\n".join(journey.csp_violations)
