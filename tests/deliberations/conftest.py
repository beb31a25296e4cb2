"""A campaign of centre A with an evaluator's commission and a jury of both colleges."""

import pytest

from candidates.models import Campaign, CentreMembership
from deliberations.models import JurySession

from ..factories.accounts import UserFactory
from ..factories.candidates import CampaignFactory, MembershipFactory, RegistrationFactory
from ..factories.deliberations import commission_for, jury, jury_person, results


@pytest.fixture
def campaign(centre_a):
    """Evaluations in progress: the commission records results (candidates/lifecycle.py).
    Jury tests move it on with `at_jury`."""
    return CampaignFactory(centre=centre_a, status=Campaign.Status.IN_PROGRESS)


@pytest.fixture
def at_jury(campaign):
    """The campaign at the jury: sessions deliberate, decide and close."""
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.JURY)
    campaign.status = Campaign.Status.JURY
    return campaign


@pytest.fixture
def commission(campaign, evaluator):
    return commission_for(campaign, evaluators=[evaluator])


@pytest.fixture
def other_evaluator(centre_a):
    """An evaluator of centre A who sits on another commission session."""
    user = UserFactory(email="autre.evaluateur@exemple.fr")
    MembershipFactory(centre=centre_a, user=user, role=CentreMembership.Role.EVALUATOR)
    return user


@pytest.fixture
def employee_member(centre_a):
    """A second jury member, of the employee college (jury_member is employee too)."""
    return jury_person(centre_a, CentreMembership.College.EMPLOYEE, "salarie2@exemple.fr")


@pytest.fixture
def other_jury_member(centre_a):
    """A jury member of centre A who sits on no session of these tests."""
    return jury_person(centre_a, CentreMembership.College.EMPLOYER, "autre.jure@exemple.fr")


# A deliberating jury with one candidate who acquired every capacity and one who missed one.
@pytest.fixture
def admissible_reg(campaign):
    registration = RegistrationFactory(campaign=campaign)
    results(registration)
    return registration


@pytest.fixture
def failing_reg(campaign):
    registration = RegistrationFactory(campaign=campaign)
    results(registration, not_acquired={2})
    return registration


@pytest.fixture
def session(campaign, jury_president, jury_member, admissible_reg, failing_reg):
    return jury(
        campaign,
        president=jury_president,
        members=[jury_member],
        status=JurySession.Status.DELIBERATING,
        registrations=[admissible_reg, failing_reg],
    )
