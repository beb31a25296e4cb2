"""A closed jury of centre A: three holders with every identity field, one imported without a
birth place, one not admissible; the certifier's CDC ids in the settings."""

from types import SimpleNamespace

import pytest

from candidates.models import Campaign
from deliberations.models import JurySession
from deliberations.services import jury_decision_record, jury_session_close
from referentials.models import Referential

from ..factories.candidates import CampaignFactory, CandidateFactory, RegistrationFactory
from ..factories.deliberations import jury, results
from ..factories.referentials import referential_with_capacities

IDENTITY = {
    "birth_place_insee": "69123",
    "birth_place_label": "Lyon",
    "birth_country_code": "FRA",
    "birth_country_label": "France",
}


@pytest.fixture(autouse=True)
def _certifier(settings):
    settings.CDC_CLIENT_ID = "CQPM0001"
    settings.CDC_CONTRACT_ID = "MCFCER000123"


def complete_person(**fields):
    return CandidateFactory(**{**IDENTITY, **fields})


@pytest.fixture
def campaign(centre_a):
    referential = referential_with_capacities(3)
    Referential.objects.filter(pk=referential.pk).update(
        rncp_registered=True, rncp_code="RNCP12345"
    )
    referential.refresh_from_db()
    return CampaignFactory(centre=centre_a, referential=referential, status=Campaign.Status.JURY)


def close_jury(campaign, *, president, member, admitted, failed=()):
    """A jury session where `admitted` are declared admissible and `failed` not, then closed."""
    for registration in admitted:
        results(registration)
    for registration in failed:
        results(registration, not_acquired={2})
    session = jury(
        campaign,
        president=president,
        members=[member],
        status=JurySession.Status.DELIBERATING,
        registrations=[*admitted, *failed],
    )
    for registration, outcome in [(r, "admissible") for r in admitted] + [
        (r, "not_admissible") for r in failed
    ]:
        jury_decision_record(
            session=session,
            registration=registration,
            outcome=outcome,
            expected_decision_id=None,
            by=member,
        )
    return jury_session_close(session=session, by=president, today=session.date)


@pytest.fixture
def closed(campaign, jury_president, jury_member):
    holders = [
        RegistrationFactory(campaign=campaign, candidate=complete_person()) for _ in range(3)
    ]
    # Imported without a birth place: the check lists what to fill in.
    missing = RegistrationFactory(campaign=campaign, candidate=CandidateFactory())
    failing = RegistrationFactory(campaign=campaign, candidate=complete_person())
    session = close_jury(
        campaign,
        president=jury_president,
        member=jury_member,
        admitted=[*holders, missing],
        failed=[failing],
    )
    return SimpleNamespace(
        campaign=campaign, session=session, holders=holders, missing=missing, failing=failing
    )
