"""Each person's home lists what they must do next, with counts and due dates, each linked to
the page where it is done; its query count does not grow with the registrations."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.models import Campaign, Registration
from deliberations.models import JurySession
from tests.factories.candidates import CampaignFactory, CompanyFactory, bulk_registrations
from tests.factories.deliberations import (
    approved_dossier,
    evaluated_registration,
    jury,
    jury_person,
    results,
)
from tests.factories.evaluations import OpinionFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def running(centre_a):
    """A campaign in its evaluations, the evidence deadlines past, the commissions this week."""
    return CampaignFactory(
        centre=centre_a,
        name="Campagne en cours",
        status=Campaign.Status.IN_PROGRESS,
        registration_opens=days(-90),
        registration_closes=days(-60),
        report_deadline=days(-10),
        opinion_deadline=days(-5),
        commission_starts=days(3),
        commission_ends=days(20),
        jury_date=days(40),
    )


def tasks_of(client) -> dict[str, tuple[str, str]]:
    """The home's tasks: label -> (count, link)."""
    response = client.get(reverse("home"))
    assert response.status_code == 200
    section = response.content.decode().split('id="h-tasks"', 1)[1].split('id="h-spaces"')[0]
    found = {}
    for item in re.findall(r"<li[^>]*>(.*?)</li>", section, re.S):
        count = re.search(r'badge text-bg-primary">(\d+)<', item)
        link = re.search(r'<a href="([^"]+)">([^<]+)</a>', item)
        found[html.unescape(link.group(2))] = (count.group(1) if count else "", link.group(1))
    return found


def test_it_shows_the_staff_what_is_late_or_due_this_week(client_for, staff_a, running):
    bulk_registrations(running, 3, company=CompanyFactory())
    done = Registration.objects.filter(campaign=running).first()
    approved_dossier(done)
    tasks = tasks_of(client_for(staff_a))
    dossiers = reverse("evaluations:campaign_dossiers", args=[running.pk])
    # Each opens the list filtered on what it counts (tests/home/test_task_links.py).
    assert tasks["Rapports de candidats manquants"] == ("3", f"{dossiers}?a_faire=rapport")
    assert tasks["Avis de l'entreprise attendus"] == ("3", f"{dossiers}?a_faire=avis")
    assert tasks["Candidats à affecter à une commission d'évaluation"] == (
        "1",
        f"{dossiers}?a_faire=commission",
    )
    body = client_for(staff_a).get(reverse("home")).content.decode()
    assert "Campagne en cours" in body
    assert f"en retard, attendu le {running.report_deadline:%d/%m/%Y}" in body


def test_it_leaves_out_what_is_due_later_than_this_week(client_for, staff_a, running):
    running.report_deadline = running.opinion_deadline = days(30)
    running.save()
    bulk_registrations(running, 2, company=CompanyFactory())
    tasks = tasks_of(client_for(staff_a))
    assert "Rapports de candidats manquants" not in tasks


def test_it_asks_the_staff_to_convene_a_jury(client_for, staff_a, running):
    running.status = Campaign.Status.JURY
    running.commission_starts, running.commission_ends, running.jury_date = (
        days(-9),
        days(-3),
        days(2),
    )
    running.save()
    registration = evaluated_registration(campaign=running)
    results(registration)
    tasks = tasks_of(client_for(staff_a))
    juries = reverse("deliberations:campaign_juries", args=[running.pk])
    assert tasks["Jury à constituer"] == ("1", juries)
    assert tasks["Candidats aux résultats validés à présenter au jury"] == ("1", juries)


def test_it_shows_the_reviewer_the_dossiers_to_review(client_for, reviewer, running):
    (registration,) = bulk_registrations(running, 1, company=CompanyFactory())
    dossier = approved_dossier(registration)
    dossier.status = "submitted"
    dossier.save()
    tasks = tasks_of(client_for(reviewer))
    assert tasks["Dossiers à approuver ou renvoyer"] == ("1", reverse("evaluations:review_queue"))


def test_it_shows_the_tutor_the_opinions_to_give(client_for, tutor, running):
    for registration in bulk_registrations(running, 2, company=CompanyFactory()):
        OpinionFactory(registration=registration, respondent=tutor)
    tasks = tasks_of(client_for(tutor))
    url = reverse("evaluations:tutor_home")
    assert tasks["Avis de l'entreprise à donner"] == (
        "2",
        f"{url}?a_faire=1&amp;campagne={running.pk}",
    )


def test_it_links_the_evaluator_to_interviews_and_to_each_results_page(
    client_for, evaluator, running
):
    registration = evaluated_registration(campaign=running, evaluator=evaluator)
    tasks = tasks_of(client_for(evaluator))
    url = reverse("evaluations:evaluator_home")
    assert tasks["Entretiens à mener"] == (
        "1",
        f"{url}?a_faire=entretien&amp;campagne={running.pk}",
    )
    label = f"Résultats à enregistrer — {registration.candidate}"
    assert tasks[label] == ("1", reverse("deliberations:evaluation", args=[registration.pk]))
    results(registration)
    assert label not in tasks_of(client_for(evaluator))


def test_it_shows_jury_members_their_sessions_and_the_president_what_to_close(
    client_for, centre_a, running, jury_president
):
    member = jury_person(centre_a, "employee", "jure.accueil@exemple.fr")
    session = jury(running, president=jury_president, members=[member], date=days(1))
    deliberation = reverse("deliberations:jury_deliberation", args=[session.pk])
    assert tasks_of(client_for(member))["Session du jury à siéger (Salle du jury)"] == (
        "1",
        deliberation,
    )
    session.status = JurySession.Status.DELIBERATING
    session.save()
    assert tasks_of(client_for(jury_president))["Délibération à clore"] == ("1", deliberation)


def test_it_tells_a_person_with_nothing_to_do(client_for, outsider):
    assert "Rien à faire pour l'instant." in client_for(outsider).get("/").content.decode()


def _count(client) -> int:
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx)


@pytest.mark.parametrize("persona", ["staff_a", "evaluator", "tutor"])
def test_it_keeps_the_query_count_flat_from_10_to_1000_registrations(
    request, client_for, running, persona
):
    user = request.getfixturevalue(persona)

    def grow(n, start):
        rows = bulk_registrations(running, n, start=start, company=CompanyFactory(), tutor=user)
        for registration in rows[:3]:
            approved_dossier(registration)
            OpinionFactory(registration=registration, respondent=user)
        evaluated_registration(campaign=running, evaluator=user)

    grow(10, 0)
    client = client_for(user)
    small = _count(client)
    grow(990, 10)
    assert _count(client) == small
    assert small <= 30  # a ceiling, so that a loop over rows fails even at 10


def test_it_asks_the_staff_to_generate_the_documents_of_a_closed_jury(
    client_for, staff_a, running, jury_president
):
    running.status = Campaign.Status.JURY
    running.commission_starts, running.commission_ends = days(-9), days(-3)
    running.jury_date = days(-1)
    running.save()
    session = jury(running, president=jury_president, date=days(-1))
    session.status = JurySession.Status.CLOSED
    session.save()
    tasks = tasks_of(client_for(staff_a))
    label = f"Documents du jury du {days(-1):%d/%m/%Y} à générer et envoyer"
    assert tasks[label] == ("1", reverse("documents:session", args=[session.pk]))


def test_it_links_each_row_of_the_evaluators_list_to_its_results_page(
    client_for, evaluator, running
):
    registration = evaluated_registration(campaign=running, evaluator=evaluator)
    results(registration)  # validated: no task left, the list still leads there
    body = client_for(evaluator).get(reverse("evaluations:evaluator_home")).content.decode()
    assert reverse("deliberations:evaluation", args=[registration.pk]) in body
