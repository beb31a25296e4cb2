"""Capacities acquired by a non-admissible candidate carry over for 24 months from the jury date."""

import datetime
import io

import pytest
from django.template.loader import render_to_string

from candidates.importing import registrations_import
from candidates.models import Registration
from candidates.services import PersonData, registration_create
from cqpm.core.errors import DomainError
from deliberations.models import CapacityResult, JurySession
from deliberations.rules import block_validity_end, carry_over_end
from deliberations.sections import registration_context
from deliberations.services import (
    capacity_result_record,
    carry_over_for,
    carry_over_for_campaign,
    jury_decision_record,
    jury_session_close,
    result_sheet_validate,
)
from referentials.models import Referential

from ..factories.candidates import CampaignFactory, MembershipFactory, RegistrationFactory
from ..factories.deliberations import commission_for, evaluated_registration, jury, results
from ..factories.referentials import referential_with_capacities

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _at_the_jury(at_jury):
    """The first campaign's jury deliberates and closes (lifecycle.py); later campaigns are open."""


JURY_DATE = datetime.date(2027, 5, 15)
END = datetime.date(2029, 5, 15)


@pytest.mark.parametrize(
    ("jury_date", "expected"),
    [
        (datetime.date(2027, 5, 15), datetime.date(2029, 5, 15)),
        (datetime.date(2028, 2, 29), datetime.date(2030, 2, 28)),  # the month's last day
        (datetime.date(2027, 12, 31), datetime.date(2029, 12, 31)),
    ],
)
def test_capacities_end_24_months_later_clamping_to_the_months_end(jury_date, expected):
    assert carry_over_end(jury_date) == expected


def test_blocks_end_5_years_later_clamping_to_the_months_end():
    assert block_validity_end(datetime.date(2028, 2, 29)) == datetime.date(2033, 2, 28)


def test_it_keeps_capacities_24_months_from_the_jury_date():
    assert carry_over_end(JURY_DATE) == END


def _register(campaign, candidate) -> Registration:
    """Register an existing person again, as staff do (the service fires the lifecycle hook)."""
    staff = MembershipFactory(centre=campaign.centre, role="staff").user
    person = PersonData(
        civility=candidate.civility,
        last_name=candidate.last_name,
        first_name=candidate.first_name,
        birth_date=candidate.birth_date,
        email=candidate.email,
    )
    return registration_create(campaign=campaign, person=person, pathway="continuing", by=staff)


def _later_campaign(centre, referential, commission_starts: datetime.date, status="open"):
    return CampaignFactory(
        centre=centre,
        referential=referential,
        status=status,
        registration_opens=commission_starts - datetime.timedelta(days=200),
        registration_closes=commission_starts - datetime.timedelta(days=100),
        report_deadline=commission_starts - datetime.timedelta(days=30),
        opinion_deadline=commission_starts - datetime.timedelta(days=15),
        commission_starts=commission_starts,
        commission_ends=commission_starts + datetime.timedelta(days=20),
        jury_date=commission_starts + datetime.timedelta(days=40),
    )


@pytest.fixture
def failed(campaign, jury_president, jury_member):
    """A candidate found not admissible (capacity 2 not acquired) by a jury closed on 15/05/2027."""
    registration = RegistrationFactory(campaign=campaign)
    results(registration, not_acquired={2})
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.DELIBERATING,
        date=JURY_DATE,
        registrations=[registration],
    )
    jury_decision_record(
        session=session,
        registration=registration,
        outcome="not_admissible",
        expected_decision_id=None,
        by=jury_member,
    )
    jury_session_close(session=session, by=jury_president, today=session.date)
    return registration


@pytest.fixture
def next_version(campaign):
    """The next version of the same referential (same code, new capacity rows)."""
    Referential.objects.filter(pk=campaign.referential_id).update(status="archived")
    return referential_with_capacities(3, code=campaign.referential.code, version=2)


def test_a_new_registration_starts_with_still_valid_capacities(centre_a, failed, next_version):
    later = _later_campaign(centre_a, next_version, datetime.date(2028, 4, 1))
    registration = _register(later, failed.candidate)
    carried = CapacityResult.objects.filter(sheet__registration=registration).order_by(
        "capacity__number"
    )
    assert [(r.capacity.number, r.capacity.referential_id) for r in carried] == [
        (1, next_version.pk),
        (3, next_version.pk),
    ]
    origins = CapacityResult.objects.filter(sheet__registration=failed, outcome="acquired")
    assert {r.carried_from_id for r in carried} == {r.pk for r in origins}
    assert {(r.source, r.outcome, r.valid_until) for r in carried} == {
        ("carried_over", "acquired", END)
    }


def test_it_carries_over_on_the_last_valid_day_and_not_after(centre_a, failed, next_version):
    last_day = _later_campaign(centre_a, next_version, END)
    too_late = _later_campaign(centre_a, next_version, END + datetime.timedelta(days=1))
    kept = _register(last_day, failed.candidate)
    lost = _register(too_late, failed.candidate)
    assert CapacityResult.objects.filter(sheet__registration=kept).count() == 2
    assert not CapacityResult.objects.filter(sheet__registration=lost).exists()
    assert not hasattr(lost, "result_sheet") or lost.result_sheet is None


def test_it_carries_nothing_to_another_referential_or_another_person(centre_a, failed):
    other_referential = _later_campaign(
        centre_a, referential_with_capacities(3), datetime.date(2028, 4, 1)
    )
    same_referential = _later_campaign(
        centre_a, failed.campaign.referential, datetime.date(2028, 4, 1)
    )
    _register(other_referential, failed.candidate)
    RegistrationFactory(campaign=same_referential)  # another person
    assert CapacityResult.objects.filter(source="carried_over").count() == 0


def test_it_carries_nothing_from_an_admissible_candidate(
    centre_a, campaign, jury_president, jury_member
):
    registration = RegistrationFactory(campaign=campaign)
    results(registration)
    session = jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.DELIBERATING,
        registrations=[registration],
    )
    jury_decision_record(
        session=session,
        registration=registration,
        outcome="admissible",
        expected_decision_id=None,
        by=jury_member,
    )
    jury_session_close(session=session, by=jury_president, today=session.date)
    later = _later_campaign(centre_a, campaign.referential, datetime.date(2028, 4, 1))
    _register(later, registration.candidate)
    assert not CapacityResult.objects.filter(source="carried_over").exists()


def test_bulk_created_registrations_catch_up_by_campaign(centre_a, failed, next_version):
    later = _later_campaign(centre_a, next_version, datetime.date(2028, 4, 1))
    Registration.objects.bulk_create(
        [
            Registration(
                campaign=later,
                candidate=failed.candidate,
                pathway="continuing",
                registered_on=datetime.date(2027, 10, 1),
            )
        ]
    )
    assert not CapacityResult.objects.filter(source="carried_over").exists()
    assert carry_over_for_campaign(campaign=later) == 2
    assert carry_over_for_campaign(campaign=later) == 0  # safe to run twice
    assert CapacityResult.objects.filter(source="carried_over").count() == 2


def test_an_imported_registration_starts_with_still_valid_capacities(
    centre_a, failed, next_version, staff_a
):
    later = _later_campaign(centre_a, next_version, datetime.date(2028, 4, 1))
    person = failed.candidate
    csv = (
        "civilite;nom;prenom;date_naissance;email;telephone;entreprise;siret;parcours;tuteur_email\n"
        f"Mme;{person.last_name};{person.first_name};{person.birth_date:%d/%m/%Y};"
        f"{person.email};;;;formation continue;\n"  # names, birth date and e-mail: the person
    ).encode()
    registrations_import(campaign=later, file=io.BytesIO(csv), filename="inscrits.csv", by=staff_a)
    imported = Registration.objects.get(campaign=later, candidate=person)
    carried = CapacityResult.objects.filter(sheet__registration=imported, source="carried_over")
    assert sorted(r.capacity.number for r in carried) == [1, 3]
    assert {r.valid_until for r in carried} == {END}


def test_the_commission_does_not_reevaluate_a_carried_capacity(
    centre_a, failed, next_version, evaluator
):
    later = _later_campaign(centre_a, next_version, datetime.date(2028, 4, 1), "in_progress")
    registration = evaluated_registration(
        campaign=later,
        session=commission_for(later, evaluators=[evaluator]),
        candidate=failed.candidate,
    )
    carry_over_for(registration=registration)  # the factory skips registration_create's hook
    capacity = next_version.capacities.get(number=1)
    with pytest.raises(DomainError, match="session antérieure"):
        capacity_result_record(
            registration=registration,
            capacity=capacity,
            outcome="not_acquired",
            justification="x",
            methods=["interview"],
            by=evaluator,
        )
    capacity_result_record(
        registration=registration,
        capacity=next_version.capacities.get(number=2),
        outcome="acquired",
        justification="",
        methods=["interview"],
        by=evaluator,
    )
    assert result_sheet_validate(
        registration=registration, by=evaluator, reason="Rapport remis sur papier."
    ).is_validated
    assert carry_over_for(registration=registration) == []


def test_the_registration_sections_show_end_dates_and_sources(
    centre_a, failed, next_version, staff_a
):
    context = registration_context(registration=failed, user=staff_a)
    html = render_to_string("deliberations/_registration_sections.html", context)
    assert "Capacités acquises conservées (candidat non admissible)" in html
    assert "15/05/2029" in html
    assert "Non admissible" in html
    later = _later_campaign(centre_a, next_version, datetime.date(2028, 4, 1))
    registration = _register(later, failed.candidate)
    context = registration_context(registration=registration, user=staff_a)
    html = render_to_string("deliberations/_registration_sections.html", context)
    assert "Capacités reportées d'une session antérieure" in html
    assert "Acquise lors d&#x27;une session antérieure" in html  # the source, escaped
    assert str(failed.campaign) in html
    assert "15/05/2029" in html
