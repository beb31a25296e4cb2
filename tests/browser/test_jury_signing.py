"""The jury signs its minutes in a browser (issue 20 part 3): a closed session's PV is signed by
two jury members (one per college) and the president, each from their home's task, through the
two-factor reauthentication and the explicit statement; the worker seals the signed PV; staff see
everyone signed, and the sealed file passes pyHanko's validation. axe finds nothing serious."""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from candidates.models import Campaign, CentreMembership
from documents import services
from documents.models import Document, Signature
from tests.factories.accounts import PASSWORD, UserFactory, enable_totp
from tests.factories.candidates import CampaignFactory, MembershipFactory
from tests.factories.documents import decide, jury_session

from ..seal_support import assert_sealed
from .conftest import ROOT, Journey, totp_code, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FOLDER = ROOT / "artifacts" / "jury-signing"
College = CentreMembership.College
# A sign-in is itself a fresh two-factor confirmation: with a short window, the signers come
# to sign after it lapsed and go through allauth's reauthentication, as a day later.
FRESH_FOR = 12


@pytest.fixture
def scene(celery_worker_thread, centre_a, staff_a, jury_president, jury_member):
    """A closed jury: the president (employers), a member of each college, all present; its
    minutes rendered by the worker, ready to sign."""
    jury_president.civility = "Mme"
    jury_president.save(update_fields=["civility"])
    jury_member.civility = "M."
    jury_member.save(update_fields=["civility"])
    employer = UserFactory(
        email="jure.employeur@exemple.fr", first_name="Inès", last_name="Roussel", civility="Mme"
    )
    MembershipFactory(centre=centre_a, user=employer, role="jury", college=College.EMPLOYER)
    enable_totp(employer)
    campaign = CampaignFactory(centre=centre_a, status=Campaign.Status.JURY)
    session = jury_session(
        campaign=campaign,
        members=[
            (jury_president, College.EMPLOYER, True, True),
            (employer, College.EMPLOYER, False, True),
            (jury_member, College.EMPLOYEE, False, True),
        ],
    )
    decide(session=session, outcome="admissible", by=jury_president, last_name="Lefèvre")
    minutes = services.document_request(
        kind=Document.Kind.JURY_MINUTES, jury_session=session, by=staff_a
    )
    wait_until(lambda: Document.objects.get(pk=minutes.pk).status == Document.Status.READY)
    return {"session": session, "minutes": minutes, "employer": employer}


def _login(page, journey, user, name) -> str:
    page.goto(reverse("account_login"))
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', PASSWORD)
    page.get_by_role("button", name="Connexion", exact=True).click()
    page.wait_for_url(re.compile(r"/comptes/2fa/authenticate/"))
    code = totp_code(user)
    page.fill('input[name="code"]', code)
    page.get_by_role("button", name="Connexion", exact=True).click()
    page.wait_for_url(re.compile(r"^(?!.*/comptes/).*$"))
    journey.check(page, f"{name}-accueil")
    return code


def _sign(page, journey, user, name, login_code: str, *, president: bool) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"Procès-verbal du jury du .* à signer")).click()
    journey.check(page, f"{name}-pv-a-signer")
    assert "Pour signer, confirmez d'abord votre identité" in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name="Confirmer mon identité").click()
    journey.check(page, f"{name}-reauthentification")
    # A code is used once: the reauthentication takes the next one the app shows.
    wait_until(lambda: totp_code(user) != login_code, timeout=35)
    page.fill('input[name="code"]', totp_code(user))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/signer/$"))
    journey.check(page, f"{name}-declaration")
    statements = page.locator("fieldset p").all_inner_texts()
    assert any("Je signe la feuille d'émargement" in s for s in statements)
    agreed = "présente" if user.civility == "Mme" else "présent "
    assert any(agreed in s for s in statements), statements
    if president:
        assert any("Je signe le procès-verbal du jury" in s for s in statements)
    page.get_by_label("Je confirme cette déclaration et je signe.").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Signer", exact=True).click()
    journey.check(page, f"{name}-signe")
    assert Signature.objects.filter(user=user).count() == (2 if president else 1)


def test_two_members_and_the_president_sign_then_staff_see_the_sealed_minutes(
    browser, live_server, scene, staff_a, jury_president, jury_member, settings
):
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = FRESH_FOR
    FOLDER.mkdir(parents=True, exist_ok=True)
    journey = Journey(FOLDER, widths=(1280, 390))  # every page at both widths
    signers = [
        (scene["employer"], "membre-employeurs", False),
        (jury_member, "membre-salaries", False),
        (jury_president, "presidente", True),
    ]
    contexts, pages = [], []
    for user, name, _president in signers:
        context = browser.new_context(base_url=live_server.url, locale="fr-FR")
        context.set_default_timeout(20_000)
        journey.watch(context)
        contexts.append(context)
        page = context.new_page()
        pages.append((page, _login(page, journey, user, name)))
    time.sleep(FRESH_FOR + 1)
    for (user, name, president), (page, code) in zip(signers, pages, strict=True):
        page.goto(reverse("home"))
        _sign(page, journey, user, name, code, president=president)

    minutes = scene["minutes"]
    wait_until(
        lambda: (
            Document.objects.filter(
                pk=minutes.pk, status=Document.Status.READY, signed_at__isnull=False
            ).exists()
            and Document.objects.get(pk=minutes.pk).files.count() >= 2
        ),
        timeout=90,
    )
    minutes.refresh_from_db()
    with default_storage.open(minutes.file.name, "rb") as handle:
        data = handle.read()
    # pyHanko's validation runs its own event loop: out of Playwright's.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(assert_sealed, data).result()

    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(20_000)
    journey.watch(context)
    contexts.append(context)
    page = context.new_page()
    _login(page, journey, staff_a, "personnel")
    page.goto(reverse("documents:session", args=[scene["session"].pk]))
    journey.check(page, "personnel-signatures")
    panel = page.locator("table", has=page.locator("caption", has_text="Qui a signé"))
    assert "pas encore signé" not in panel.inner_text()
    assert panel.locator("tbody tr").count() == 4  # three attendance lines, the minutes
    assert "Signé par tout le jury le" in page.content()
    for context in contexts:
        context.close()
    assert not journey.csp_violations, journey.csp_violations
    assert not journey.violations, journey.violations
    assert not journey.too_wide, "horizontal scroll:\n" + "\n".join(journey.too_wide)
