"""Fixtures of the referential tests: the shipped seed and a second, different referential."""

from pathlib import Path

import pytest
from django.conf import settings

from referentials.files import referential_file_parse
from referentials.services import referential_import
from tests.factories.accounts import UserFactory, enable_totp

SEED_PATH = Path(settings.BASE_DIR) / "referentials" / "data" / "2015_04_54_0303.yaml"
OTHER_PATH = Path(__file__).parent / "data" / "2001_01_89_0195.yaml"


@pytest.fixture
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture
def seed_data(seed_text) -> dict:
    return referential_file_parse(text=seed_text)


@pytest.fixture
def other_data() -> dict:
    return referential_file_parse(text=OTHER_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def seed(db, seed_data):
    return referential_import(data=seed_data)


@pytest.fixture
def superuser(db):
    user = UserFactory(email="admin@exemple.fr", is_staff=True, is_superuser=True)
    enable_totp(user)
    return user
