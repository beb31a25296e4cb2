import pytest

from candidates.models import Campaign
from tests.factories.candidates import CampaignFactory, RegistrationFactory

# Evidence (reports, opinions, interviews) is gathered while evaluations are in progress, which
# also allows dossiers and commission planning (candidates/lifecycle.py): the tests' campaigns sit
# there; tests of other statuses say so.
EVALUATING = Campaign.Status.IN_PROGRESS


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # PBKDF2 costs ~0.3 s per account; the tests do not measure hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def campaign_a(centre_a):
    return CampaignFactory(centre=centre_a, name="Campagne A", status=EVALUATING)


@pytest.fixture
def campaign_b(centre_b):
    return CampaignFactory(centre=centre_b, name="Campagne B", status=EVALUATING)


@pytest.fixture
def registration_a(campaign_a):
    return RegistrationFactory(campaign=campaign_a)


@pytest.fixture
def registration_b(campaign_b):
    return RegistrationFactory(campaign=campaign_b)
