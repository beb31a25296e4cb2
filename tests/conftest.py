"""Personas shared by every test: staff of centre A and B, reviewer, tutor, evaluator,
jury president and member, and an outsider with no role."""

import pytest
from django.test import Client

from candidates.models import CentreMembership

from .factories.accounts import UserFactory, enable_totp
from .factories.candidates import CompanyFactory, ExamCentreFactory, MembershipFactory


@pytest.fixture(autouse=True, scope="session")
def _credentials_key(tmp_path_factory):
    """Certificates sign their credential with one throwaway key, never a key found in var/."""
    from django.test import override_settings

    from credentials.keys import key_generate

    path = tmp_path_factory.mktemp("credentials") / "issuer-keys.json"
    key_generate(path=path)
    with override_settings(CREDENTIALS_KEY_FILE=path, CREDENTIALS_KEYS=""):
        yield path


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def centre_a(db):
    return ExamCentreFactory(name="UIMM Centre A", code="centre-a")


@pytest.fixture
def centre_b(db):
    return ExamCentreFactory(name="UIMM Centre B", code="centre-b")


def _member(centre, role, **kwargs):
    membership = MembershipFactory(centre=centre, role=role, **kwargs)
    if membership.user.requires_mfa:
        enable_totp(membership.user)
    return membership.user


@pytest.fixture
def staff_a(centre_a):
    return _member(centre_a, CentreMembership.Role.STAFF, user__email="staff.a@exemple.fr")


@pytest.fixture
def staff_b(centre_b):
    return _member(centre_b, CentreMembership.Role.STAFF, user__email="staff.b@exemple.fr")


@pytest.fixture
def reviewer(db):
    return UserFactory(email="relecteur@exemple.fr", is_reviewer=True)


@pytest.fixture
def tutor(db):
    return UserFactory(email="tuteur@exemple.fr")


@pytest.fixture
def other_tutor(db):
    return UserFactory(email="autre.tuteur@exemple.fr")


@pytest.fixture
def evaluator(centre_a):
    return _member(
        centre_a,
        CentreMembership.Role.EVALUATOR,
        user__email="evaluateur@exemple.fr",
        company=CompanyFactory(name="Entreprise de l'évaluateur"),
    )


@pytest.fixture
def jury_president(centre_a):
    return _member(
        centre_a,
        CentreMembership.Role.JURY,
        user__email="president@exemple.fr",
        college=CentreMembership.College.EMPLOYER,
    )


@pytest.fixture
def jury_member(centre_a):
    return _member(
        centre_a,
        CentreMembership.Role.JURY,
        user__email="jure@exemple.fr",
        college=CentreMembership.College.EMPLOYEE,
    )


@pytest.fixture
def outsider(db):
    return UserFactory(email="personne@exemple.fr")


@pytest.fixture
def client_for():
    """A logged-in test client for a persona: `client_for(staff_a).get(url)`."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
