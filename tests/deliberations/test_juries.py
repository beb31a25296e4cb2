"""Jury sessions: composition in two colleges, one president, attendance, opening deliberation."""

import datetime
import html

import pytest
from django.urls import reverse

from candidates.models import CentreMembership
from cqpm.core.access import can
from cqpm.core.errors import DomainError
from deliberations.models import JuryCandidate, JurySession
from deliberations.services import (
    jury_attendance_record,
    jury_candidates_assign,
    jury_deliberation_start,
    jury_member_add,
    jury_session_create,
)

from ..factories.accounts import UserFactory
from ..factories.candidates import MembershipFactory, RegistrationFactory
from ..factories.deliberations import jury, results


@pytest.fixture(autouse=True)
def _at_the_jury(at_jury):
    """Jury sessions deliberate and close while the campaign is at the jury (lifecycle.py)."""


pytestmark = pytest.mark.django_db


def _membership(user, centre):
    return CentreMembership.objects.get(user=user, centre=centre, role="jury")


def test_it_creates_a_session_with_one_president_and_colleges(
    campaign, centre_a, staff_a, jury_president, jury_member
):
    session = jury_session_create(
        campaign=campaign,
        date=datetime.date(2027, 5, 15),
        place="Salle A",
        president=_membership(jury_president, centre_a),
        members=[_membership(jury_member, centre_a), _membership(jury_president, centre_a)],
        by=staff_a,
        start_time=datetime.time(9, 30),
    )
    seats = {m.user: (m.college, m.is_president) for m in session.members.all()}
    assert seats == {jury_president: ("employer", True), jury_member: ("employee", False)}
    assert session.start_time == datetime.time(9, 30)  # the convocation's hour


def test_it_refuses_members_from_outside_the_centres_jury(
    campaign, centre_a, centre_b, staff_a, jury_president
):
    outsider_jury = MembershipFactory(centre=centre_b, role="jury", college="employee")
    evaluator_seat = MembershipFactory(centre=centre_a, role="evaluator")
    for membership in (outsider_jury, evaluator_seat):
        with pytest.raises(DomainError, match="n'est pas membre de jury de ce centre"):
            jury_session_create(
                campaign=campaign,
                date=datetime.date(2027, 5, 15),
                place="Salle A",
                president=_membership(jury_president, centre_a),
                members=[membership],
                by=staff_a,
            )
    assert not JurySession.objects.exists()


def test_it_refuses_a_member_without_college(campaign, centre_a, staff_a):
    collegeless = MembershipFactory(centre=centre_a, role="jury", college="")
    with pytest.raises(DomainError, match="n'a pas de collège"):
        jury_session_create(
            campaign=campaign,
            date=datetime.date(2027, 5, 15),
            place="Salle A",
            president=collegeless,
            members=[],
            by=staff_a,
        )


def test_it_refuses_staff_of_another_centre(campaign, centre_a, staff_b, jury_president):
    with pytest.raises(DomainError, match="personnel de ce centre"):
        jury_session_create(
            campaign=campaign,
            date=datetime.date(2027, 5, 15),
            place="Salle A",
            president=_membership(jury_president, centre_a),
            members=[],
            by=staff_b,
        )


def test_it_keeps_one_president_when_another_is_named(
    campaign, centre_a, staff_a, jury_president, jury_member
):
    session = jury(campaign, president=jury_president)
    jury_member_add(
        session=session,
        membership=_membership(jury_member, centre_a),
        is_president=True,
        by=staff_a,
    )
    assert list(session.members.filter(is_president=True).values_list("user", flat=True)) == [
        jury_member.pk
    ]


def test_it_requires_both_colleges_present_to_deliberate(
    campaign, staff_a, jury_president, jury_member
):
    registration = RegistrationFactory(campaign=campaign)
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        present=False,
        registrations=[registration],
    )
    employer = session.members.get(user=jury_president)
    jury_attendance_record(session=session, present_ids=[employer.pk], by=staff_a)
    with pytest.raises(DomainError) as refused:
        jury_deliberation_start(session=session, by=staff_a)
    assert "deux collèges sont présents" in refused.value.message
    assert "collège salariés" in refused.value.message
    session.refresh_from_db()
    assert session.status == "planned"
    employee = session.members.get(user=jury_member)
    jury_attendance_record(session=session, present_ids=[employer.pk, employee.pk], by=staff_a)
    assert employee.__class__.objects.get(pk=employee.pk).signed_at is not None
    session = jury_deliberation_start(session=session, by=jury_president)
    assert session.status == "deliberating"


def test_it_refuses_to_deliberate_without_a_present_president(
    campaign, staff_a, jury_president, jury_member, other_jury_member
):
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member, other_jury_member],
        present=False,
        registrations=[RegistrationFactory(campaign=campaign)],
    )
    session.members.exclude(user=jury_president).update(present=True)
    with pytest.raises(DomainError, match="président du jury doit avoir émargé"):
        jury_deliberation_start(session=session, by=staff_a)
    session.refresh_from_db()
    assert session.status == "planned"


def test_it_keeps_signatures_once_deliberation_is_open(
    campaign, staff_a, jury_president, jury_member
):
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.DELIBERATING,
    )
    with pytest.raises(DomainError, match="ne peut pas être retirée"):
        jury_attendance_record(session=session, present_ids=[], by=staff_a)
    assert session.members.filter(present=True).count() == 2


def test_it_lets_only_staff_or_the_president_record_attendance(
    campaign, jury_president, jury_member
):
    session = jury(campaign, president=jury_president, members=[jury_member], present=False)
    with pytest.raises(DomainError, match="président du jury"):
        jury_attendance_record(
            session=session, present_ids=[m.pk for m in session.members.all()], by=jury_member
        )
    assert not session.members.filter(present=True).exists()


def test_signing_and_opening_ask_the_access_models_jury_session_sign(
    campaign, staff_a, staff_b, jury_president, jury_member
):
    """Who records the attendance sheet and opens deliberation is `jury_session.sign` (staff of
    the centre, the session's president), asked as every services' guard asks (ensure):
    superusers, acting through the admin and commands, pass too, as they pass its planning."""
    registration = RegistrationFactory(campaign=campaign)
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        present=False,
        registrations=[registration],
    )
    seats = [m.pk for m in session.members.all()]
    for outsider in (staff_b, jury_member):
        assert not can(outsider, "jury_session.sign", session)
        with pytest.raises(DomainError, match="personnel du centre ou le président") as refused:
            jury_attendance_record(session=session, present_ids=seats, by=outsider)
        assert refused.value.code == "forbidden"
        with pytest.raises(DomainError, match="personnel du centre ou le président"):
            jury_deliberation_start(session=session, by=outsider)
    assert not session.members.filter(present=True).exists()
    for allowed in (staff_a, jury_president):
        assert can(allowed, "jury_session.sign", session)
        jury_attendance_record(session=session, present_ids=seats[:1], by=allowed)
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert not can(admin, "jury_session.sign", session)  # no role: the pages answer 404
    jury_attendance_record(session=session, present_ids=seats, by=admin)
    assert jury_deliberation_start(session=session, by=admin).status == "deliberating"


def test_it_assigns_registrations_and_refuses_those_already_before_a_jury(
    campaign, staff_a, jury_president
):
    ready, not_ready = (
        RegistrationFactory(campaign=campaign),
        RegistrationFactory(campaign=campaign),
    )
    results(ready)
    session = jury(campaign, president=jury_president)
    assert (
        jury_candidates_assign(session=session, registrations=[ready, not_ready], by=staff_a) == 2
    )
    ready.refresh_from_db()
    assert ready.stage == "jury"
    other = jury(campaign, president=jury_president)
    with pytest.raises(DomainError, match="déjà présenté à un jury"):
        jury_candidates_assign(session=other, registrations=[ready], by=staff_a)
    assert JuryCandidate.objects.filter(session=other).count() == 0


def test_it_shows_readiness_on_the_assignment_page(client_for, campaign, staff_a, jury_president):
    ready, not_ready = (
        RegistrationFactory(campaign=campaign),
        RegistrationFactory(campaign=campaign),
    )
    results(ready)
    session = jury(campaign, president=jury_president)
    url = reverse("deliberations:jury_candidates", args=[session.pk])
    client = client_for(staff_a)
    body = client.get(url).content.decode()
    assert str(ready.candidate) in body and str(not_ready.candidate) in body
    assert "Non validés (pas prêt)" in body
    response = client.post(url, {"all_ready": "1"}, follow=True)
    assert "1 candidat(s) présenté(s) au jury." in response.content.decode()
    assert list(session.candidates.values_list("registration", flat=True)) == [ready.pk]


def test_it_creates_a_session_from_the_campaign_page(
    client_for, campaign, centre_a, staff_a, jury_president, jury_member
):
    url = reverse("deliberations:campaign_juries", args=[campaign.pk])
    client = client_for(staff_a)
    assert "Nouveau jury" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "date": "2027-05-15",
            "place": "Salle B",
            "president": _membership(jury_president, centre_a).pk,
            "members": [_membership(jury_member, centre_a).pk],
        },
        follow=True,
    )
    assert "Le jury est créé." in response.content.decode()
    session = JurySession.objects.get()
    assert session.members.count() == 2


def test_it_signs_and_opens_from_the_session_page(
    client_for, campaign, jury_president, jury_member
):
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        present=False,
        registrations=[RegistrationFactory(campaign=campaign)],
    )
    client = client_for(jury_president)
    president_seat = session.members.get(user=jury_president)
    client.post(
        reverse("deliberations:jury_attendance", args=[session.pk]),
        {"present": [president_seat.pk]},
    )
    url = reverse("deliberations:jury_start", args=[session.pk])
    page = html.unescape(client.post(url).content.decode())  # the confirmation names the rule
    assert "deux collèges sont présents" in page and "Confirmer l'ouverture" not in page
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "deux collèges sont présents" in response.content.decode()
    client.post(
        reverse("deliberations:jury_attendance", args=[session.pk]),
        {"present": [m.pk for m in session.members.all()]},
    )
    page = html.unescape(client.post(url).content.decode())
    assert "résultats de la commission non validés, pas de décision possible" in page
    assert "Confirmer l'ouverture" in page  # named, not blocking
    session.refresh_from_db()
    assert session.status == "planned"  # not confirmed yet
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "La délibération est ouverte." in response.content.decode()
    session.refresh_from_db()
    assert session.status == "deliberating"
