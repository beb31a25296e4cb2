"""Each task of a home opens the list filtered on exactly what it counts: the filter is applied
and shown in the list's filter form, and the list has as many rows as the task says. Lists put
what is to do first. The pages hold done items, withdrawn candidates and another campaign's
work, so that an unfiltered list would not match."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import Campaign, Candidate, Registration
from evaluations.models import CompanyOpinion, EvaluationDossier, Interview
from tests.factories.candidates import CampaignFactory, CompanyFactory, bulk_registrations
from tests.factories.deliberations import approved_dossier, commission_for, jury, results
from tests.factories.evaluations import OpinionFactory, assign, dossier_for, report_for

from .test_home_tasks import tasks_of

pytestmark = pytest.mark.django_db
WITHDRAWN = Registration.Stage.WITHDRAWN


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _campaign(centre, name):
    return CampaignFactory(
        centre=centre,
        name=name,
        status=Campaign.Status.IN_PROGRESS,
        registration_opens=days(-90),
        registration_closes=days(-60),
        report_deadline=days(-10),
        opinion_deadline=days(-5),
        commission_starts=days(3),
        commission_ends=days(20),
        jury_date=days(40),
    )


def _task(client, label) -> tuple[int, str]:
    count, link = tasks_of(client)[label]
    return int(count), html.unescape(link)


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def staff_world(centre_a, staff_a):
    """Seven candidates in the running campaign, each at another point, and some noise."""
    running = _campaign(centre_a, "Campagne en cours")
    regs = bulk_registrations(running, 7, company=CompanyFactory())
    # 0: nothing yet. 1: a draft dossier. 2: returned. 3: submitted (not staff's to do).
    dossier_for(regs[1])
    dossier_for(regs[2], status=EvaluationDossier.Status.RETURNED)
    dossier_for(regs[3], status=EvaluationDossier.Status.SUBMITTED)
    # 4: approved, to assign. 5: approved and assigned, report and opinion in: nothing to do.
    approved_dossier(regs[4])
    approved_dossier(regs[5])
    assign(commission_for(running), regs[5])
    report_for(regs[5], by=staff_a)
    OpinionFactory(
        registration=regs[5], status=CompanyOpinion.Status.SUBMITTED, submitted_at=timezone.now()
    )
    report_for(regs[4], by=staff_a)
    # 6: withdrawn (nothing awaited from them).
    Registration.objects.filter(pk=regs[6].pk).update(stage=WITHDRAWN)
    # Another campaign of the centre with its own work.
    bulk_registrations(_campaign(centre_a, "Autre campagne"), 2, start=100)
    return running, regs


@pytest.mark.parametrize(
    ("label", "todo", "expected"),
    [
        ("Dossiers d'évaluation à préparer ou à reprendre", "dossier", {0, 1, 2}),
        ("Rapports de candidats manquants", "rapport", {0, 1, 2, 3}),
        ("Avis de l'entreprise attendus", "avis", {0, 1, 2, 3, 4}),
        ("Candidats à affecter à une commission d'évaluation", "commission", {4}),
    ],
)
def test_each_staff_task_opens_the_list_filtered_on_its_rows(
    client_for, staff_a, staff_world, label, todo, expected
):
    running, regs = staff_world
    client = client_for(staff_a)
    count, link = _task(client, label)
    url = reverse("evaluations:campaign_dossiers", args=[running.pk])
    assert link == f"{url}?a_faire={todo}"
    page = _text(client.get(link))
    rows = {int(pk) for pk in re.findall(r'name="ids" value="(\d+)"', page)}
    assert rows == {regs[i].pk for i in expected}
    assert count == len(rows)
    assert f'<option value="{todo}" selected>' in page  # the filter shows in the form
    assert re.search(rf"À faire — .+ : {count} candidats?\.", page)


def test_the_evaluations_list_puts_what_is_to_do_first(client_for, staff_a, staff_world):
    running, regs = staff_world
    # By name, the candidate with nothing to do and the withdrawn one would come first.
    Candidate.objects.filter(pk=regs[5].candidate_id).update(last_name="Aaa")
    Candidate.objects.filter(pk=regs[6].candidate_id).update(last_name="Aab")
    url = reverse("evaluations:campaign_dossiers", args=[running.pk])
    page = _text(client_for(staff_a).get(url))
    order = [int(pk) for pk in re.findall(r'name="ids" value="(\d+)"', page)]
    assert order == [regs[i].pk for i in (0, 1, 2, 3, 4, 5, 6)]


def test_the_reviewer_task_counts_the_rows_of_the_queue(client_for, reviewer, centre_a):
    running = _campaign(centre_a, "Campagne en cours")
    regs = bulk_registrations(running, 4, company=CompanyFactory())
    for registration in regs[:3]:
        dossier_for(registration, status=EvaluationDossier.Status.SUBMITTED)
    approved_dossier(regs[3])  # reviewed: not in the queue
    client = client_for(reviewer)
    count, link = _task(client, "Dossiers à approuver ou renvoyer")
    page = _text(client.get(link))
    rows = re.findall(r'name="ids" value="(\d+)"', page)
    assert count == len(rows) == 3


def test_the_tutor_task_opens_the_opinions_to_give_of_its_campaign(client_for, tutor, centre_a):
    first = _campaign(centre_a, "Campagne A")
    second = _campaign(centre_a, "Campagne B")
    to_give = bulk_registrations(first, 3, company=CompanyFactory())
    for registration in to_give:
        OpinionFactory(registration=registration, respondent=tutor)
    # Sent already, withdrawn, and another campaign's: not this task's rows.
    sent, withdrawn = bulk_registrations(first, 2, start=10)
    OpinionFactory(
        registration=sent,
        respondent=tutor,
        status=CompanyOpinion.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    OpinionFactory(registration=withdrawn, respondent=tutor)
    Registration.objects.filter(pk=withdrawn.pk).update(stage=WITHDRAWN)
    (other,) = bulk_registrations(second, 1, start=20)
    OpinionFactory(registration=other, respondent=tutor)
    client = client_for(tutor)
    tasks = [t for label, t in tasks_of(client).items() if label == "Avis de l'entreprise à donner"]
    assert tasks  # one per campaign, the label alike: read them from the home's items
    home = _text(client.get(reverse("home")))
    links = re.findall(r'href="([^"]*a_faire=1[^"]*)"', home)
    assert len(links) == 2
    (link,) = [link for link in links if f"campagne={first.pk}" in link]
    page = _text(client.get(link))
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count('<th scope="row">')
    assert rows == 3
    assert 'name="a_faire" value="1" id="avis-a-faire" checked' in page
    assert f'<option value="{first.pk}" selected>Campagne A</option>' in page
    assert "3 avis à donner." in page
    # Unfiltered, the one sent comes after those to give.
    everything = _text(client.get(reverse("evaluations:tutor_home")))
    assert everything.index(str(sent.candidate)) > max(
        everything.index(str(r.candidate)) for r in to_give
    )


def test_the_evaluator_task_opens_the_interviews_to_hold(client_for, evaluator, staff_a, centre_a):
    running = _campaign(centre_a, "Campagne en cours")
    session = commission_for(running, evaluators=[evaluator])
    regs = bulk_registrations(running, 4, company=CompanyFactory())
    for registration in regs:
        assign(session, registration)
    Interview.objects.create(registration=regs[0], date=days(-1), recorded_by=staff_a)
    Registration.objects.filter(pk=regs[1].pk).update(stage=WITHDRAWN)
    client = client_for(evaluator)
    count, link = _task(client, "Entretiens à mener")
    page = _text(client.get(link))
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count('<th scope="row">')
    assert count == rows == 2
    assert 'value="entretien" id="evaluator-a-faire" checked' in page
    assert "2 entretiens à mener." in page
    # Unfiltered, the interview recorded comes after those to hold.
    everything = _text(client.get(reverse("evaluations:evaluator_home")))
    assert everything.index(str(regs[0].candidate)) > everything.index(str(regs[3].candidate))


def test_commission_and_jury_candidates_put_what_is_to_do_first(
    client_for, staff_a, centre_a, jury_president, jury_member
):
    running = _campaign(centre_a, "Campagne en cours")
    session = commission_for(running)
    heard, waiting = bulk_registrations(running, 2, company=CompanyFactory())
    Candidate.objects.filter(pk=heard.candidate_id).update(last_name="Aaa")
    Candidate.objects.filter(pk=waiting.candidate_id).update(last_name="Zzz")
    for registration in (heard, waiting):
        assign(session, registration)
    Interview.objects.create(registration=heard, date=days(-1), recorded_by=staff_a)
    client = client_for(staff_a)
    page = _text(client.get(reverse("evaluations:session_detail", args=[running.pk, session.pk])))
    table = page.split("<tbody>", 1)[1]
    assert table.index("ZZZ") < table.index("AAA")  # the interview to hold first

    validated, pending = heard, waiting
    results(validated)
    results(pending, validated=False)
    jury_session = jury(
        running, president=jury_president, members=[jury_member], registrations=[heard, waiting]
    )
    page = _text(client.get(reverse("deliberations:jury_candidates", args=[jury_session.pk])))
    table = page.split("<tbody>", 1)[1]
    assert table.index("ZZZ") < table.index("AAA")  # results not validated yet first
