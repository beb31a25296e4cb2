"""Fixtures of the candidates app: a campaign and a registration at each centre."""

import pytest

from tests.factories.candidates import CampaignFactory, RegistrationFactory


@pytest.fixture
def campaign_a(centre_a):
    return CampaignFactory(centre=centre_a, name="Session printemps A")


@pytest.fixture
def campaign_b(centre_b):
    return CampaignFactory(centre=centre_b, name="Session printemps B")


@pytest.fixture
def registration_a(campaign_a, tutor):
    return RegistrationFactory(
        campaign=campaign_a,
        candidate__last_name="Dupont",
        candidate__first_name="Élodie",
        tutor=tutor,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Personas are created with a password; the default PBKDF2 makes every test slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
