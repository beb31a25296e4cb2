"""The whole campaign, as its people meet it in Chromium: one browser context per person, the real
login and TOTP step, the e-mailed invitation, a real Celery worker for the documents, and
axe-core's verdict on every page (no serious or critical violation).

Nobody types an address but the login page's: each person starts from their home (its tasks and
its spaces) and follows links, tabs and breadcrumbs, as people do."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from candidates.models import Campaign, Registration
from cqpm.core.confirmation import REASON_FIELD
from deliberations.models import JurySession
from documents.models import Document
from evaluations.models import CommissionSession, CompanyOpinion, EvaluationDossier
from evaluations.pdf import tiny_pdf

from ..factories.accounts import PASSWORD
from ..factories.referentials import referential_with_capacities
from ..pdf_support import pdf_text, qr_codes, raster_images
from .conftest import totp_code, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUTOR_EMAIL = "tuteur.nouveau@exemple.fr"
CENTRE_ADDRESS = "60 avenue Jean Mermoz\n69008 Lyon"
TUTOR_PASSWORD = "Un-mot-de-passe-solide-2027"
# The home's list of tasks.
TASKS = "section[aria-labelledby='h-tasks']"
CSV = (
    "civilite;nom;prenom;date_naissance;email;telephone;entreprise;siret;parcours;tuteur_email\n"
    "Mme;Lefèvre;Hélène;14/03/1988;helene.lefevre@exemple.fr;06 12 34 56 78;"
    f"Métallerie Rhône-Alpes;73282932000074;Formation continue;{TUTOR_EMAIL}\n"
    "M.;Garçon;François;30/06/2001;f.garcon@exemple.fr;;;;Demandeur d’emploi;\n"
)


class Person:
    """One person in their own browser context (cookies, session), checked page after page."""

    def __init__(self, browser, base_url, journey, name):
        self.context = browser.new_context(base_url=base_url, locale="fr-FR")
        journey.watch(self.context)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.journey = journey
        self.name = name
        self.iso_dates: list[str] = []

    def visit(self, url: str, step: str):
        self.page.goto(url)
        self.check(step)
        return self.page

    def check(self, step: str) -> None:
        self.journey.check(self.page, f"{self.name}-{step}")
        # Dates read in French on every page (« 7 décembre 2026 », 07/12/2026), never ISO.
        shown = self.page.locator("body").inner_text()
        self.iso_dates += [f"{self.name}-{step}: {d}" for d in ISO_DATE.findall(shown)]

    def login(self, email: str, password: str, user=None) -> None:
        page = self.visit(reverse("account_login"), "connexion")
        page.fill('input[name="login"]', email)
        page.fill('input[name="password"]', password)
        page.get_by_role("button", name="Connexion", exact=True).click()
        if user is not None and user.requires_mfa:  # staff and jury: the TOTP step
            page.wait_for_url(re.compile(r"/comptes/2fa/authenticate/"))
            self.check("code-totp")
            page.fill('input[name="code"]', totp_code(user))
            page.get_by_role("button", name="Connexion", exact=True).click()
        page.wait_for_url(re.compile(r"^(?!.*/comptes/).*$"))
        self.check("accueil")

    def follow(self, name, step: str, *, within: str = "main", exact: bool = False):
        """Click the link `name` (text or regex) in the page's `within` part and check the page."""
        link = self.page.locator(within).get_by_role("link", name=name, exact=exact).first
        with self.page.expect_navigation():
            link.click()
        self.check(step)
        return self.page

    def home(self):
        """Back home by the brand link of the navigation bar."""
        return self.follow("Campagnes CQPM", "accueil", within="header", exact=True)

    def menu(self, name: str, step: str):
        return self.follow(name, step, within="header", exact=True)

    def task(self, name, step: str):
        """From home, the task `name` (its link leads to the page where it is done)."""
        self.home()
        return self.follow(name, step, within=TASKS)

    def submit(self, button_text: str) -> None:
        self.page.get_by_role("button", name=button_text).first.click()
        self.page.wait_for_load_state("load")

    def confirm(self, button_text: str, ok: str, step: str) -> None:
        """Submit a form that asks first (the server's confirmation page, what it will do and
        what is missing), check that page, then confirm."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button_text).first.click()
        self.check(step)
        with self.page.expect_navigation():
            self.page.locator("main").get_by_role("button", name=ok, exact=True).click()
        self.page.wait_for_load_state("load")

    def expect_message(self, text: str) -> None:
        assert text in self.page.locator("main").inner_text(), (
            f"« {text} » absent de {self.page.url}:\n{self.page.locator('main').inner_text()}"
        )


def test_it_runs_a_whole_campaign_in_the_browser(
    browser,
    live_server,
    celery_worker_thread,
    journey,
    settings,
    centre_a,
    staff_a,
    reviewer,
    evaluator,
    jury_president,
    jury_member,
):
    journey.widths = (1280, 390)
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    referential = referential_with_capacities(2, criteria_per_kind=1)
    # The centre as its staff set it up once (its address and signatory sign its documents).
    centre_a.address = CENTRE_ADDRESS
    centre_a.signatory_name = "Claire Dubois"
    centre_a.signatory_title = "Responsable du centre d'examen"
    centre_a.save()
    for user, civility in ((jury_president, "Mme"), (jury_member, "M.")):
        user.civility = civility
        user.save(update_fields=["civility"])
    pdfs: dict[str, bytes] = {}
    today = timezone.localdate()
    people = []

    def person(name):
        people.append(Person(browser, live_server.url, journey, name))
        return people[-1]

    try:
        staff = person("personnel")
        staff.login(staff_a.email, PASSWORD, staff_a)

        # --- Staff create a campaign and import its candidates from a CSV file.
        staff.menu("Campagnes", "campagnes")
        page = staff.follow("Nouvelle campagne", "campagne-nouvelle")
        page.select_option('select[name="centre"]', str(centre_a.pk))
        page.select_option('select[name="referential"]', str(referential.pk))
        page.fill('input[name="name"]', "Campagne navigateur 2027")
        # The jury sits today: a deliberation is never closed before its date, and every date
        # holds (the commission after the evidence deadlines, the jury after the commission).
        dates = {
            "registration_opens": -60,
            "registration_closes": -40,
            "report_deadline": -30,
            "opinion_deadline": -25,
            "commission_starts": -20,
            "commission_ends": -10,
            "jury_date": 0,
        }
        for field, days in dates.items():
            page.fill(f'input[name="{field}"]', (today + datetime.timedelta(days)).isoformat())
        staff.submit("Enregistrer")
        campaign = Campaign.objects.get(name="Campagne navigateur 2027")
        staff.check("campagne-creee")
        # Registrations only while the campaign accepts them (docs/LIFECYCLE.md).
        staff.submit("Ouvrir les inscriptions")
        staff.submit("Confirmer")  # its confirmation step (cqpm.core.confirmation)
        staff.expect_message("Inscriptions ouvertes")

        page = staff.follow("Importer", "import", exact=True)
        page.set_input_files(
            'input[name="file"]',
            {"name": "candidats.csv", "mimeType": "text/csv", "buffer": CSV.encode()},
        )
        staff.submit("Vérifier le fichier")
        staff.check("import-apercu")
        staff.submit("Inscrire les 2 candidats")
        staff.check("candidats")
        staff.expect_message("2 candidats inscrits")
        registration = Registration.objects.get(campaign=campaign, candidate__last_name="Lefèvre")

        # A search without accents or capitals finds « Hélène » (and only her).
        page.fill('input[name="q"]', "helene")
        staff.submit("Filtrer")
        staff.check("recherche")
        rows = page.locator("main table tbody").inner_text()
        assert "LEFÈVRE Hélène" in rows and "GARÇON" not in rows, rows

        # --- Staff define the evaluation dossier and submit it; the reviewer approves it.
        staff.follow("LEFÈVRE Hélène", "fiche")
        page = staff.follow("Composer le dossier", "dossier")
        for box in page.locator('input[type="checkbox"][value="interview"]').all():
            box.check()
        staff.submit("Enregistrer le dossier")
        staff.expect_message("Le dossier d'évaluation est enregistré.")
        staff.submit("Soumettre au centre de ressource")
        staff.submit("Confirmer la soumission")
        staff.expect_message("Le dossier est soumis au centre de ressource.")
        staff.check("dossier-soumis")

        resource = person("relecteur")
        resource.login(reviewer.email, PASSWORD)
        page = resource.follow("Dossiers à approuver ou renvoyer", "relecture", within=TASKS)
        # Approved in bulk: select, confirm, and the worker's progress until done.
        page.locator("main").get_by_role("checkbox", name="Tout sélectionner").check()
        resource.submit("Approuver la sélection…")
        resource.check("approbation-confirmer")
        resource.expect_message("LEFÈVRE Hélène")
        resource.submit("Confirmer et lancer")
        page.get_by_text("traitement terminé").wait_for()
        resource.check("approbation-terminee")
        resource.expect_message("1 fait(s) sur 1")
        assert EvaluationDossier.objects.get(registration=registration).status == "approved"

        # --- Evidence is gathered once the evaluations are in progress.
        staff.menu("Campagnes", "campagnes")
        staff.follow("Campagne navigateur 2027", "campagne")
        staff.submit("Démarrer les évaluations")
        staff.submit("Confirmer")
        staff.expect_message("Évaluations en cours")

        # --- Staff name the tutor, who follows the e-mailed invitation and gives the opinion.
        mail.outbox.clear()
        page = staff.task("Avis de l'entreprise attendus", "dossiers")
        page = staff.follow("Gérer l'avis sur LEFÈVRE", "avis")
        assert page.input_value('input[name="email"]') == TUTOR_EMAIL
        staff.submit("Enregistrer le répondant")
        staff.expect_message("Le répondant est enregistré et prévenu par e-mail.")
        (message,) = [m for m in mail.outbox if TUTOR_EMAIL in m.to]
        link = re.search(r"https?://\S+/comptes/invitation/\S+/", message.body).group(0)

        tutor = person("tuteur")
        page = tutor.visit(link, "invitation")  # the e-mail's link
        page.fill('input[name="new_password1"]', TUTOR_PASSWORD)
        page.fill('input[name="new_password2"]', TUTOR_PASSWORD)
        page.locator('main form button[type="submit"]').click()
        page.wait_for_load_state("load")
        tutor.expect_message("Votre mot de passe est enregistré")
        tutor.login(TUTOR_EMAIL, TUTOR_PASSWORD)
        tutor.follow("Avis de l'entreprise à donner", "mes-avis", within=TASKS)
        page = tutor.follow("Remplir", "formulaire-avis")
        for capacity in referential.capacities.all():
            page.check(f'input[name="rating_{capacity.pk}"][value="mastered"]')
            page.fill(f'textarea[name="comment_{capacity.pk}"]', "Capacité mise en œuvre.")
        page.fill('textarea[name="overall_comment"]', "Un salarié autonome et rigoureux.")
        tutor.submit("Enregistrer le brouillon")
        tutor.expect_message("Le brouillon est enregistré.")
        tutor.submit("Transmettre")
        tutor.submit("Confirmer la transmission")
        tutor.expect_message("Votre avis est transmis au centre d'examen.")
        tutor.check("avis-transmis")
        assert CompanyOpinion.objects.get(registration=registration).status == "submitted"

        # --- Staff upload the report and seat the evaluator in a commission session.
        page = staff.task("Rapports de candidats manquants", "dossiers")
        page = staff.follow("Gérer le rapport de LEFÈVRE", "rapport")
        page.set_input_files(
            'input[name="file"]',
            {"name": "rapport.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()},
        )
        page.check('input[name="accept_late"]')  # the report deadline is past in this calendar
        staff.submit("Déposer")
        staff.expect_message("Le rapport est enregistré (version 1).")

        page = staff.follow("Commissions", "commissions", exact=True)
        page.fill('input[name="date"]', campaign.commission_starts.isoformat())
        page.fill('input[name="start_time"]', "14:30")
        page.fill('input[name="place"]', "Salle de commission, UIMM")
        page.check(f'input[name="evaluators"][value="{evaluator.pk}"]')
        staff.submit("Créer la commission")
        staff.expect_message("La commission est créée.")
        page.check(f'input[name="ids"][value="{registration.pk}"]')
        staff.submit("Affecter les candidats cochés…")
        staff.submit("Confirmer l'affectation")
        staff.check("commission")
        assert CommissionSession.objects.filter(assignments__registration=registration).exists()
        # The candidate's convocation to the interview, by e-mail with its PDF, from the worker.
        mail.outbox.clear()
        staff.submit("Envoyer les convocations à l'entretien…")
        staff.check("convocations-confirmer")
        staff.submit("Confirmer et lancer")
        page.get_by_text("traitement terminé").wait_for()
        staff.check("convocations-envoyees")
        (convocation,) = [m for m in mail.outbox if "helene.lefevre@exemple.fr" in m.to]
        assert "onvocation" in convocation.subject, convocation.subject
        (pdfs["convocation"],) = [
            a[1] for a in convocation.attachments if a[2] == "application/pdf"
        ]
        staff.follow("Retour à la liste", "commission")

        # --- The evaluator records the interview, then the results from their home's link.
        commission = person("evaluateur")
        commission.login(evaluator.email, PASSWORD, evaluator)
        commission.follow("Entretiens à mener", "mes-candidats", within=TASKS)
        page = commission.follow("À enregistrer", "entretien")
        page.fill('input[name="date"]', campaign.commission_starts.isoformat())
        page.check(f'input[name="evaluators"][value="{evaluator.pk}"]')
        page.fill('textarea[name="general_notes"]', "Entretien de 45 minutes.")
        commission.submit("Enregistrer l'entretien")
        commission.expect_message("L'entretien est enregistré.")

        page = commission.task(re.compile("^Résultats à enregistrer — LEFÈVRE"), "evaluation")
        # One form for every capacity, saved whole.
        for capacity in referential.capacities.order_by("number"):
            row = page.locator(f"#capacite-{capacity.number}")
            row.locator('input[type="radio"][value="acquired"]').check()
            row.locator('input[type="checkbox"][value="interview"]').check()
        commission.submit("Enregistrer les résultats")
        commission.expect_message("Les résultats de la commission sont enregistrés.")
        commission.submit("Valider les résultats de la commission")
        commission.submit("Confirmer la validation")
        commission.expect_message("Les résultats de la commission sont validés.")
        commission.check("resultats-valides")

        # --- The campaign moves to the jury; staff compose it (both colleges), present the
        # candidate, open deliberation.
        staff.follow("Tableau de bord", "campagne-jury", exact=True)
        staff.submit("Passer à l'étape du jury")
        # The confirmation names who is not evaluated (the imported candidates) and asks why.
        assert "Non évalué" in staff.page.locator("main").inner_text()
        staff.page.fill(
            f'textarea[name="{REASON_FIELD}"]', "Candidats importés évalués à la session suivante."
        )
        staff.submit("Confirmer")
        staff.expect_message("Jury")
        page = staff.task("Jury à constituer", "jurys")
        page.fill('input[name="date"]', campaign.jury_date.isoformat())
        page.fill('input[name="start_time"]', "09:30")
        page.fill('input[name="place"]', "Salle du jury, UIMM")
        page.select_option(
            'select[name="president"]',
            str(jury_president.centre_memberships.get(centre=centre_a).pk),
        )
        page.check(
            f'input[name="members"][value="{jury_member.centre_memberships.get(centre=centre_a).pk}"]'
        )
        staff.submit("Créer le jury")
        staff.expect_message("Le jury est créé.")
        session = JurySession.objects.get(campaign=campaign)
        for box in page.locator('input[name="present"]').all():
            box.check()
        staff.submit("Enregistrer la feuille d'émargement")
        staff.expect_message("La feuille d'émargement est enregistrée.")
        staff.check("jury-emargement")
        staff.follow(re.compile(r"^Candidats \("), "candidats")
        staff.submit("Présenter tous les candidats aux résultats validés")
        staff.expect_message("1 candidat(s) présenté(s) au jury.")
        staff.follow(str(session), "jury", within="nav[aria-label='Fil d’Ariane']", exact=True)
        staff.confirm("Ouvrir la délibération", "Confirmer l'ouverture", "ouvrir-confirmer")
        staff.expect_message("La délibération est ouverte.")

        # --- The jury member records the decision; the president closes the session.
        member = person("jure")
        member.login(jury_member.email, PASSWORD, jury_member)
        page = member.follow("Session du jury à siéger", "deliberation", within=TASKS)
        row = page.locator(f"#candidat-{registration.pk}")
        row.locator('select[name="outcome"]').select_option("admissible")
        row.get_by_role("button", name="Enregistrer").click()
        page.wait_for_load_state("load")
        member.expect_message("Décision enregistrée pour")

        president = person("president")
        president.login(jury_president.email, PASSWORD, jury_president)
        page = president.follow("Délibération à clore", "deliberation", within=TASKS)
        president.confirm("Clore la session", "Confirmer la clôture", "clore-confirmer")
        president.expect_message("La session est close")
        president.check("session-close")

        # --- Staff generate the documents (real worker) and download them.
        page = staff.task(re.compile("^Documents du jury du"), "documents")
        staff.submit("Générer tous les documents")
        staff.submit("Confirmer la génération")
        staff.expect_message("La génération de tous les documents est lancée.")
        wait_until(
            lambda: (
                Document.objects.filter(jury_session=session).count() >= 2
                and not Document.objects.filter(
                    jury_session=session,
                    status__in=[Document.Status.QUEUED, Document.Status.RUNNING],
                ).exists()
            )
        )
        page.reload()
        staff.check("documents-prets")
        documents = list(Document.objects.filter(jury_session=session))
        assert {d.status for d in documents} == {Document.Status.READY}, [
            (d.kind, d.status, d.error) for d in documents
        ]
        links = page.locator("table").get_by_role("link", name=re.compile("^Télécharger"))
        assert links.count() == len(documents)
        for index in range(links.count()):
            href = links.nth(index).get_attribute("href")
            kind = next(
                d.kind for d in documents if href.endswith(f"/documents/{d.pk}/telecharger/")
            )
            with page.expect_download() as download:
                links.nth(index).click()
            with open(download.value.path(), "rb") as handle:
                pdfs[kind] = handle.read()
            assert pdfs[kind].startswith(b"%PDF-")
        for name, pdf in pdfs.items():
            (journey.folder / f"{name}.pdf").write_bytes(pdf)
        _check_documents(pdfs, campaign, jury_president, jury_member)

        # --- An anonymous visitor checks a certificate through its verification code.
        certificate = next(d for d in documents if d.kind == Document.Kind.CERTIFICATE)
        visitor = person("visiteur")
        visitor.visit(reverse("account_login"), "connexion")
        page = visitor.follow("Vérifier un document", "verifier", within="footer")
        page.fill('input[name="code"]', certificate.verification_code)
        visitor.submit("Vérifier")
        visitor.check("verification")
        text = page.locator("main").inner_text()
        assert "LEFÈVRE" in text
        assert referential.title in text
        assert french_date(campaign.jury_date) in text or f"{campaign.jury_date:%d/%m/%Y}" in text
        assert not ISO_DATE.search(text), text

        # --- The registration's history tells the whole campaign in French sentences.
        staff.menu("Campagnes", "campagnes")
        staff.follow("Campagne navigateur 2027", "campagne-close")
        staff.follow("Candidats", "candidats", exact=True)
        page = staff.follow("LEFÈVRE Hélène", "historique")
        history = page.locator("#h-history").locator("xpath=..").inner_text()
        for sentence in (
            "a soumis le dossier d'évaluation au centre de ressource.",
            "a approuvé le dossier d'évaluation.",
            "a convoqué le candidat par e-mail, PDF joint",
            "a envoyé l'avis de l'entreprise, désormais verrouillé.",
            "a validé les résultats de la commission d'évaluation.",
            "a enregistré la décision du jury : Admissible.",
            "a été généré et peut être téléchargé.",
        ):
            assert sentence in history, sentence
        assert "cqpm." not in history
        assert not re.search(r"\b[0-9a-f]{64}\b", history)  # never a hash
    finally:
        for one in people:
            one.context.close()

    assert not journey.violations, "accessibility (axe-core):\n" + "\n".join(journey.violations)
    assert not journey.too_wide, "horizontal scroll:\n" + "\n".join(journey.too_wide)
    iso_dates = [line for one in people for line in one.iso_dates]
    assert not iso_dates, "ISO dates shown:\n" + "\n".join(iso_dates)
    assert journey.csp_violations == [], "Content-Security-Policy:\n" + "\n".join(
        journey.csp_violations
    )


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
DAYS = "lundi mardi mercredi jeudi vendredi samedi dimanche"


def french_date(day: datetime.date, *, weekday: bool = False) -> str:
    """« 9 août 2026 » (« dimanche 9 août 2026 » with `weekday`), as a French letter writes it."""
    text = f"{day.day} {MONTHS.split()[day.month - 1]} {day.year}"
    return f"{DAYS.split()[day.weekday()]} {text}" if weekday else text


def _check_documents(pdfs, campaign, president, member) -> None:
    """What the convocation, the minutes and the certificate the worker rendered say, read by
    pdftotext: date and time, the centre's address, who signs by role, French dates, no
    internal id, one QR code on the verifiable documents."""
    line = "60 avenue Jean Mermoz, 69008 Lyon"  # the centre's address on one line
    address = line.replace(",", "")  # and as pdftotext joins its two lines
    issued = timezone.localdate()
    texts = {kind: pdf_text(pdf) for kind, pdf in pdfs.items()}
    for kind, text in texts.items():
        assert not ISO_DATE.search(text), (kind, ISO_DATE.search(text), text)
        assert "Référence" not in text, (kind, text)
        assert "(e)" not in text, (kind, text)  # words agree with the civility
        assert address in text.replace(",", ""), (kind, text)  # the centre's, in the header

    convocation = texts["convocation"]
    for expected in (
        "Convocation à l'entretien avec la commission d'évaluation",
        "Madame Hélène LEFÈVRE",
        f"À Lyon, le {french_date(issued)}",
        "Vous êtes convoquée à un entretien",
        f"Date {french_date(campaign.commission_starts, weekday=True)}",
        "Heure 14h30",
        "Lieu Salle de commission, UIMM",
        f"Adresse UIMM Centre A {address}",
        "Pour le centre d'examen, Responsable du centre d'examen Claire Dubois",
    ):
        assert expected in convocation, (expected, convocation)

    minutes = texts[Document.Kind.JURY_MINUTES]
    sitting = campaign.jury_date
    for expected in (
        "PROCÈS-VERBAL DE DÉLIBÉRATION",
        f"s'est réuni le {french_date(sitting)} à 09h30",
        f"Lieu de la séance : Salle du jury, UIMM — UIMM Centre A, {line}.",
        # The jury signs through its colleges, the president named as such.
        f"Collège employeurs • {president.get_full_name()} — présidente du jury",
        f"Collège salariés • {member.get_full_name()}",
        f"{president.get_full_name()} Collège employeurs Présidente Présente",
        f"{member.get_full_name()} Collège salariés Membre Présent",
        f"Séance close le {sitting:%d/%m/%Y}.",
        # The centre signs for the centre.
        f"Pour le centre d'examen Fait à Lyon, le {issued:%d/%m/%Y} UIMM Centre A "
        "Responsable du centre d'examen Claire Dubois",
    ):
        assert expected in minutes, (expected, minutes)
    box = minutes[minutes.index("Pour le centre d'examen") :]
    assert president.get_full_name() not in box, box

    certificate = texts[Document.Kind.CERTIFICATE]
    for expected in (
        "ATTESTATION DE RÉUSSITE",
        f"réuni à Lyon le {french_date(sitting)}",
        "Madame Hélène LEFÈVRE née le 14/03/1988",
        "a été déclarée admissible",
        f"Centre d'examen UIMM Centre A, {line}",
        f"Fait à Lyon, le {issued:%d/%m/%Y}",
        "Pour le centre d'examen, Responsable du centre d'examen Claire Dubois",
        "Code de vérification :",
    ):
        assert expected in certificate, (expected, certificate)

    # One QR code on each verifiable document (drawn as vectors: no raster image at all).
    codes = {kind: qr_codes(pdf) for kind, pdf in pdfs.items()}
    assert codes == {"convocation": 0, "jury_minutes": 1, "certificate": 1}, codes
    assert {kind: raster_images(pdf) for kind, pdf in pdfs.items()} == dict.fromkeys(pdfs, 0)
