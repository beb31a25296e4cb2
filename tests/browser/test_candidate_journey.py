"""The candidate in their own space, in Chromium: staff invite them from their registration, they
sign in with the code found in the e-mail (no password), hand in their report (a real PDF),
acknowledge their convocation; nothing of the commission's results or the company's opinion
shows while the jury deliberates; once it is closed, they download their certificate (rendered
by a real Celery worker) and find the LinkedIn « add to profile » link. Every page is checked by
axe-core at 1280 and at 390 px wide (no serious or critical violation), and the candidate's
pages fit a 390 px phone without horizontal scroll."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from candidates.models import Campaign, Candidate
from deliberations.models import Decision, JurySession
from documents import services as documents
from documents.convocations import convocation_send
from documents.models import Convocation, Document
from evaluations.models import Report
from evaluations.pdf import tiny_pdf
from portal.models import ConvocationAnswer

from ..factories.accounts import PASSWORD
from ..factories.candidates import CampaignFactory, CandidateFactory, RegistrationFactory
from ..factories.deliberations import evaluated_registration, submitted_opinion
from ..factories.documents import college_members, decide, jury_session
from .conftest import ROOT, Journey, wait_until
from .test_journey import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "lea.martin.navigateur@exemple.fr"
WIDE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# The candidate's home: their list of things to do.
TODO = "section[aria-labelledby='h-todo']"
FOLDER = ROOT / "artifacts" / "candidate"


class Visitor(Person):
    """A person whose every page is checked twice: at 1280 px, then at 390 px."""

    def __init__(self, *args, narrow_fits: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.narrow_fits = narrow_fits
        self.too_wide: list[str] = []

    def check(self, step: str) -> None:
        self.page.set_viewport_size(WIDE)
        self.journey.check(self.page, f"{self.name}-{step}")
        self.page.set_viewport_size(PHONE)
        self.journey.check(self.page, f"{self.name}-{step}-390")
        if self.narrow_fits:
            width = self.page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                self.too_wide.append(f"{step} ({self.page.url}): {width}px")
        self.page.set_viewport_size(WIDE)


@pytest.fixture
def scene(centre_a, tutor, evaluator):
    """During the evaluations: the report due in ten days, the interview in twenty (its
    commission seated), the company's opinion already given."""
    today = timezone.localdate()
    campaign = CampaignFactory(
        centre=centre_a,
        name="Campagne du candidat 2027",
        status=Campaign.Status.IN_PROGRESS,
        registration_opens=today - datetime.timedelta(days=60),
        registration_closes=today - datetime.timedelta(days=30),
        report_deadline=today + datetime.timedelta(days=10),
        opinion_deadline=today + datetime.timedelta(days=10),
        commission_starts=today + datetime.timedelta(days=20),
        commission_ends=today + datetime.timedelta(days=30),
        jury_date=today + datetime.timedelta(days=40),
    )
    registration = evaluated_registration(
        campaign=campaign,
        evaluator=evaluator,
        tutor=tutor,
        candidate=CandidateFactory(
            civility=Candidate.Civility.MADAME,
            last_name="Martin",
            first_name="Léa",
            email=EMAIL,
        ),
    )
    # Someone else of the same campaign, whose pages stay out of the candidate's reach.
    other = RegistrationFactory(campaign=campaign)
    submitted_opinion(registration, {1: "mastered", 2: "mastered", 3: "mastered"}, tutor)
    return registration, other


def _code(message) -> str:
    return re.search(r"^\s*([A-Z0-9-]{6,})\s*$", message.body, re.M).group(1)


def test_the_candidate_takes_their_part_in_the_browser(
    browser,
    live_server,
    celery_worker_thread,
    settings,
    scene,
    staff_a,
    jury_president,
    jury_member,
):
    settings.SITE_URL = live_server.url
    cache.clear()  # the code requests' rate limits, spent by earlier tests of the process
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    registration, other = scene
    FOLDER.mkdir(parents=True, exist_ok=True)
    for old in FOLDER.glob("*.png"):
        old.unlink()
    journey = Journey(FOLDER)
    people: list[Visitor] = []

    def person(name, **kwargs):
        people.append(Visitor(browser, live_server.url, journey, name, **kwargs))
        return people[-1]

    try:
        # --- Staff open the candidate's space from the registration's page.
        staff = person("personnel")
        staff.login(staff_a.email, PASSWORD, staff_a)
        staff.menu("Campagnes", "campagnes")
        staff.follow("Campagne du candidat 2027", "campagne")
        staff.follow("Candidats", "candidats", exact=True)
        staff.follow("MARTIN Léa", "fiche")
        mail.outbox.clear()
        staff.submit("Inviter dans son espace candidat")
        staff.expect_message("est invité(e) dans son espace candidat")
        staff.check("invite")
        (invitation,) = [m for m in mail.outbox if EMAIL in m.to]
        link = re.search(r"https?://\S+/comptes/\S+/", invitation.body).group(0)
        assert "mot de passe" in invitation.body

        # The convocation to the interview, sent as staff send it (PDF and .ics by e-mail).
        convocation_send(registration=registration, kind=Convocation.Kind.INTERVIEW, by=staff_a)

        # --- The candidate follows the e-mail's link and signs in with the code sent to them.
        candidate = person("candidat", narrow_fits=True)
        page = candidate.visit(link, "demande-code")
        mail.outbox.clear()
        page.fill('input[name="email"]', EMAIL)
        with page.expect_navigation():
            page.locator("main form button[type='submit']").first.click()
        candidate.check("saisie-code")
        (message,) = [m for m in mail.outbox if EMAIL in m.to]
        page.fill('input[name="code"]', _code(message))
        with page.expect_navigation():
            page.locator("main form button[type='submit']").first.click()
        page.wait_for_url(re.compile(r"^(?!.*/comptes/).*$"))
        candidate.check("accueil")
        page = candidate.follow("Mon espace candidat", "espace", within="header", exact=True)
        todo = page.locator(TODO).inner_text()
        assert "Remettre votre rapport" in todo and "Répondre à votre convocation" in todo, todo

        # --- Their report: a real PDF, through the staff's one upload service.
        page = candidate.follow("Remettre votre rapport", "rapport", within=TODO)
        page.set_input_files(
            'input[name="file"]',
            {
                "name": "rapport-lea-martin.pdf",
                "mimeType": "application/pdf",
                "buffer": tiny_pdf("Rapport de Léa Martin"),
            },
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Envoyer mon rapport").click()
        candidate.check("rapport-recu")
        candidate.expect_message("Votre rapport est bien reçu (version 1).")
        candidate.expect_message("rapport-lea-martin.pdf")
        report = Report.objects.get(registration=registration)
        assert (report.version, report.is_late, report.uploaded_by_id) == (
            1,
            False,
            Candidate.objects.get(pk=registration.candidate_id).account_id,
        )

        # --- The convocation: read it, take it to a calendar, acknowledge it.
        candidate.follow("Mon espace candidat", "espace", within="header", exact=True)
        page = candidate.follow(
            re.compile("^Répondre à votre convocation"), "convocation", within=TODO
        )
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile("agenda")).click()
        assert "BEGIN:VEVENT" in download.value.path().read_text("utf-8")
        page.get_by_label(re.compile("J'ai bien reçu cette convocation")).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Envoyer ma réponse").click()
        candidate.check("convocation-confirmee")
        candidate.expect_message("Votre réponse est transmise au centre d'examen.")
        assert ConvocationAnswer.objects.get().answer == ConvocationAnswer.Answer.ACKNOWLEDGED

        # --- Their data, as the centre holds it.
        candidate.follow("Voir ce que le centre détient sur vous", "donnees")
        candidate.expect_message(registration.company.name)

        # Another person's registration: not found, as anything out of reach.
        response = page.goto(reverse("portal:registration", args=[other.pk]))
        assert response.status == 404
        page.go_back()

        # --- Staff see the answer on the registration's page.
        staff.page.reload()
        staff.check("fiche-reponse")
        staff.expect_message("Présence confirmée")

        # --- The commission's results are in and the jury deliberates: nothing of it shows.
        campaign = registration.campaign
        Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.JURY)
        session = jury_session(
            campaign=campaign,
            status=JurySession.Status.DELIBERATING,
            date=timezone.localdate(),
            members=college_members(president=jury_president, member=jury_member),
        )
        decide(
            session=session,
            outcome=Decision.Outcome.ADMISSIBLE,
            by=jury_president,
            registration=registration,
        )
        candidate.follow("Mon espace candidat", "espace", within="header", exact=True)
        page = candidate.follow(re.compile("^Ouvrir"), "inscription-jury")
        text = page.locator("main").inner_text()
        assert "après la délibération du jury" in text, text
        for hidden in ("Acquise", "Admissible", "Maîtrisée", "maîtrisé"):
            assert hidden not in text, hidden

        # --- The jury is closed; the certificate is rendered by the worker.
        JurySession.objects.filter(pk=session.pk).update(
            status=JurySession.Status.CLOSED, closed_at=timezone.now()
        )
        registration.refresh_from_db()
        certificate = documents.document_request(
            kind=Document.Kind.CERTIFICATE, registration=registration, by=staff_a
        )
        wait_until(
            lambda: Document.objects.filter(
                pk=certificate.pk, status__in=[Document.Status.READY, Document.Status.FAILED]
            ).exists()
        )
        certificate.refresh_from_db()
        assert certificate.status == Document.Status.READY, certificate.error

        page.reload()
        candidate.check("resultat")
        candidate.expect_message("Admissible : le CQPM vous est attribué.")
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile("^Télécharger : ")).first.click()
        assert download.value.suggested_filename.startswith("attestation-de-reussite-martin-lea")
        with open(download.value.path(), "rb") as handle:
            assert handle.read(5) == b"%PDF-"

        linkedin = page.get_by_role("link", name=re.compile("LinkedIn"))
        href = linkedin.get_attribute("href")
        assert href.startswith("https://www.linkedin.com/profile/add?"), href
        query = parse_qs(urlsplit(href).query)
        assert query["startTask"] == ["CERTIFICATION_NAME"]
        assert query["certId"] == [f"urn:uuid:{certificate.credential.uuid}"]
        assert query["certUrl"] == [
            live_server.url + reverse("documents:verify", args=[certificate.verification_code])
        ]
        assert query["name"][0].startswith("CQPM ") and query["organizationName"][0]
        assert query["issueYear"] == [str(session.date.year)]

        # The verification page the certificate and the badge point to.
        candidate.follow("Ouvrir la page de vérification", "verification")
        candidate.expect_message("MARTIN")
    finally:
        for one in people:
            one.context.close()

    assert not journey.violations, "accessibility (axe-core):\n" + "\n".join(journey.violations)
    assert journey.csp_violations == [], "Content-Security-Policy:\n" + "\n".join(
        journey.csp_violations
    )
    too_wide = [line for one in people for line in one.too_wide]
    assert not too_wide, "horizontal scroll at 390 px:\n" + "\n".join(too_wide)
