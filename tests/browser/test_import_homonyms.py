"""The homonym step of the import journey, in Chromium: the preview asks who is who, staff answer
"different people" for one line and "same person" (with the new e-mail) for another."""

import datetime

import pytest
from django.urls import reverse

from candidates.models import Candidate, Registration
from tests.factories.candidates import CampaignFactory, CandidateFactory

from ..factories.accounts import PASSWORD
from .test_journey import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "civilite;nom;prenom;date_naissance;email;telephone;entreprise;siret;parcours;tuteur_email\n"
    "M.;Martin;Jean;07/06/1985;jean.martin@autre.fr;;;;Formation continue;\n"
    "Mme;Petit;Anne;02/01/1980;anne.petit@nouveau.fr;;;;VAE;\n"
)


def test_staff_choose_who_is_who_in_the_preview(browser, live_server, journey, centre_a, staff_a):
    campaign = CampaignFactory(centre=centre_a, name="Campagne des homonymes")
    jean = CandidateFactory(
        last_name="Martin", first_name="Jean", birth_date=datetime.date(1985, 6, 7),
        email="jean.martin@exemple.fr",
    )  # fmt: skip
    anne = CandidateFactory(
        last_name="Petit", first_name="Anne", birth_date=datetime.date(1980, 1, 2),
        email="anne.petit@exemple.fr",
    )  # fmt: skip
    staff = Person(browser, live_server.url, journey, "personnel")
    try:
        staff.login(staff_a.email, PASSWORD, staff_a)
        page = staff.visit(reverse("candidates:import_upload", args=[campaign.pk]), "import")
        page.set_input_files(
            'input[name="file"]',
            {"name": "homonymes.csv", "mimeType": "text/csv", "buffer": CSV.encode()},
        )
        staff.submit("Vérifier le fichier")
        staff.check("import-homonymes")
        staff.expect_message("Homonymes possibles")

        staff.submit("Inscrire les 2 candidats")  # unanswered: the browser asks first
        assert not Registration.objects.exists()

        page.get_by_label("Personnes différentes : créer une nouvelle fiche").first.check()
        page.locator("#homonym-3").get_by_label("Même personne que PETIT Anne").check()
        page.locator("#homonym-3").get_by_label("reprendre l’e-mail et le téléphone").check()
        staff.submit("Inscrire les 2 candidats")
        staff.check("import-inscrits")
        staff.expect_message("2 candidats inscrits")
    finally:
        staff.context.close()
    assert journey.violations == []
    assert journey.csp_violations == []
    people = {r.candidate for r in Registration.objects.filter(campaign=campaign)}
    new_jean = next(p for p in people if p.last_name == "Martin")
    assert new_jean != jean and new_jean.homonym == 1
    assert anne in people
    anne.refresh_from_db()
    assert anne.email == "anne.petit@nouveau.fr"
    assert Candidate.objects.count() == 3
