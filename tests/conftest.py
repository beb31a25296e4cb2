"""Personas shared by every test: staff of centre A and B, reviewer, tutor, evaluator,
jury president and member, the branch, and an outsider with no role."""

import socket
import uuid
from pathlib import Path
from types import SimpleNamespace

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


@pytest.fixture(autouse=True, scope="session")
def _seal_certificate(tmp_path_factory):
    """Every PDF is sealed with one throwaway demonstration certificate of this session."""
    from django.test import override_settings

    from cqpm.core.seal import seal_demo_generate

    path = tmp_path_factory.mktemp("seal") / "seal.p12"
    seal_demo_generate(path=path, passphrase="test-seal")
    with override_settings(
        PDF_SEAL_PKCS12_FILE=path,
        PDF_SEAL_PASSPHRASE="test-seal",
        PDF_SEAL_KEY_FILE="",
        PDF_SEAL_CERT_FILE="",
        PDF_SEAL_TSA_URL="",
    ):
        yield path


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, tmp_path_factory):
    """On SQLite, the test database is a file of this session (not pytest-django's in-memory
    one): the Celery worker and live-server threads then get their own connections, in WAL
    mode with the settings' busy timeout, and wait for a writer instead of failing at once with
    "database table is locked" as SQLite's shared in-memory cache does under load."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        folder = tmp_path_factory.mktemp("sqlite")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate limits (login codes, verification uploads)
    and cached frames spent by an earlier test of the process never decide a later one."""
    from django.core.cache import cache

    cache.clear()


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
def branch(db):
    """The branch's GTP « Certifications »: national statistics and received packs, with TOTP."""
    user = UserFactory(email="gtp@exemple.fr", is_branch=True)
    enable_totp(user)
    return user


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


# --- Object storage: a real S3-compatible server (moto's), started once per session ---------


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings):
    """STORAGES["default"] on a fresh bucket of the S3 server, configured as production does
    (cqpm.settings.file_storages); after the test, nothing may have been written to MEDIA_ROOT."""
    import boto3

    from cqpm.settings import file_storages

    bucket = f"cqpm-{uuid.uuid4().hex[:12]}"
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": file_storages(
            bucket=bucket,
            endpoint_url=s3_server,
            region_name="us-east-1",
            access_key="test",
            secret_key="test",  # noqa: S106 - moto accepts any key
        ),
    }

    def keys() -> list[str]:
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return sorted(item["Key"] for item in listed)

    yield SimpleNamespace(client=client, bucket=bucket, keys=keys)
    on_disk = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert on_disk == [], f"written to MEDIA_ROOT instead of the bucket: {on_disk}"
