"""A campaign of centre A with an evaluator's commission and a jury of both colleges."""

import pytest

from candidates.models import Campaign, CentreMembership

from ..factories.accounts import UserFactory
from ..factories.candidates import CampaignFactory, MembershipFactory
from ..factories.deliberations import commission_for, jury_person


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
