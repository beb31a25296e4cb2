"""The jury signs its minutes in the product: a fresh two-factor confirmation (allauth's
reauthentication), an explicit statement, the file's hash, time and address in an append-only
record; the minutes sealed again with the signature block once all are in; staff remind."""

import io

import pikepdf
import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.db import transaction
from django.urls import reverse

from candidates.models import CentreMembership
from cqpm.core.errors import DomainError
from deliberations.models import JuryMember
from documents import services, signatures
from documents.models import Document, DocumentFile, Signature

from ..factories.accounts import UserFactory, enable_totp
from ..seal_support import assert_sealed

pytestmark = pytest.mark.django_db


@pytest.fixture
def minutes(jury, staff_a, jury_president, jury_member):
    """The closed session's minutes, ready: the president (employers) and two members present,
    one of each college."""
    third = UserFactory(email="jure2@exemple.fr", first_name="Inès", last_name="Roussel")
    JuryMember.objects.filter(session=jury.session).update(present=True)
    JuryMember.objects.create(
        session=jury.session, user=third, college=CentreMembership.College.EMPLOYER, present=True
    )
    enable_totp(third)  # the personas already have theirs
    document = services.document_request(
        kind=Document.Kind.JURY_MINUTES, jury_session=jury.session, by=staff_a
    )
    document = services.document_generate(document_id=document.pk)
    return document, third


def _code(user) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = get_adapter().decrypt(authenticator.data["secret"])
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def _sign(client_for, user, document, *, capture):
    client = client_for(user)
    url = reverse("documents:sign", args=[document.pk])
    page = client.get(url).content.decode()
    assert "Confirmer mon identité" in page  # no two-factor confirmation in this session yet
    refused = client.post(url, {"statement": "on", "sha256": document.sha256})
    assert refused.status_code == 302 and reverse("mfa_reauthenticate") in refused["Location"]
    assert not Signature.objects.filter(user=user).exists()
    confirmed = client.post(refused["Location"], {"code": _code(user)})
    assert confirmed.status_code == 302 and confirmed["Location"] == url
    page = client.get(url).content.decode()
    assert "Je signe la feuille d&#x27;émargement du jury du" in page
    with capture(execute=True):
        response = client.post(
            url, {"statement": "on", "sha256": document.sha256}, REMOTE_ADDR="192.0.2.7"
        )
    assert response.status_code == 302
    return client


def test_two_members_and_the_president_sign_then_the_minutes_are_sealed_with_them(
    client_for, minutes, jury_president, jury_member, staff_a, django_capture_on_commit_callbacks
):
    document, third = minutes
    home = client_for(jury_member).get(reverse("home")).content.decode()
    assert "à signer" in home and reverse("documents:sign", args=[document.pk]) in home
    unsigned_sha = document.sha256

    for user in (jury_member, third):
        _sign(client_for, user, document, capture=django_capture_on_commit_callbacks)
    staff = client_for(staff_a)
    panel = staff.get(reverse("documents:session", args=[document.jury_session_id])).content
    assert panel.decode().count("pas encore signé") == 2  # the president: attendance, minutes
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("documents:sign_remind", args=[document.pk]))
    (reminder,) = mail.outbox
    assert reminder.to == [jury_president.email] and "à signer" in reminder.subject
    assert "à signer" not in client_for(jury_member).get(reverse("home")).content.decode()

    _sign(client_for, jury_president, document, capture=django_capture_on_commit_callbacks)

    records = Signature.objects.filter(document=document).order_by("pk")
    assert [(s.user, s.role) for s in records] == [
        (jury_member, "attendance"),
        (third, "attendance"),
        (jury_president, "attendance"),
        (jury_president, "minutes"),
    ]
    assert {s.document_sha256 for s in records} == {unsigned_sha}
    assert {s.client_ip for s in records} == {"192.0.2.7"}
    assert "Je signe le procès-verbal du jury du" in records.last().statement
    document.refresh_from_db()
    assert document.signed_at is not None and document.status == Document.Status.QUEUED
    document = services.document_generate(document_id=document.pk)
    assert document.sha256 != unsigned_sha
    assert set(DocumentFile.objects.filter(document=document).values_list("sha256", flat=True)) == {
        unsigned_sha,
        document.sha256,
    }
    data = document.file.open("rb").read()
    assert_sealed(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        text = b"".join(page.Contents.read_bytes() for page in pdf.pages if "/Contents" in page)
    assert text  # the signature block is laid out (its words are in the text layer)
    html_lines = signatures.minutes_signature_lines(document=document)
    assert all(line.signature for line in html_lines)


def test_a_signature_needs_a_seat_a_fresh_confirmation_and_is_append_only(
    minutes, jury_member, outsider
):
    document, _third = minutes
    from django.utils import timezone

    with pytest.raises(DomainError, match="deux facteurs"):
        signatures.minutes_sign(
            document=document, by=jury_member, confirmed_at=None, client_ip="::1", sha256=""
        )
    with pytest.raises(DomainError, match="Seuls les membres présents"):
        signatures.minutes_sign(
            document=document,
            by=outsider,
            confirmed_at=timezone.now(),
            client_ip="::1",
            sha256=document.sha256,
        )
    with pytest.raises(DomainError, match="a changé"):
        signatures.minutes_sign(
            document=document,
            by=jury_member,
            confirmed_at=timezone.now(),
            client_ip="::1",
            sha256="0" * 64,
        )
    (signature,) = signatures.minutes_sign(
        document=document,
        by=jury_member,
        confirmed_at=timezone.now(),
        client_ip="::1",
        sha256=document.sha256,
    )
    with pytest.raises(DomainError, match="déjà signé"):
        signatures.minutes_sign(
            document=document,
            by=jury_member,
            confirmed_at=timezone.now(),
            client_ip="::1",
            sha256=document.sha256,
        )
    with pytest.raises(DomainError), transaction.atomic():
        signature.save()
    with pytest.raises(DomainError), transaction.atomic():
        signature.delete()


def test_outsiders_get_404_on_the_signing_pages(client_for, minutes, outsider, staff_b):
    document, _third = minutes
    for user in (outsider, staff_b):
        client = client_for(user)
        assert client.get(reverse("documents:sign", args=[document.pk])).status_code == 404
        assert client.get(reverse("documents:sign_download", args=[document.pk])).status_code == 404
        response = client.post(reverse("documents:sign_remind", args=[document.pk]))
        assert response.status_code == 404
