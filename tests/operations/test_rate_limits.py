"""Rate limits per address and per account, answered with the French 429 page in the site's frame:
login and password reset (allauth's limits), invitation links and the verification page (ours)."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.invitations import invitation_path

from ..factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _assert_french_429(response):
    content = response.content.decode()
    assert response.status_code == 429
    assert "Trop de tentatives" in content
    assert "Campagnes CQPM" in content  # the site's frame, not a bare page


def test_it_limits_logins_per_address_with_a_french_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    data = {"login": "inconnu@exemple.fr", "password": "mauvais"}
    statuses = [client.post(reverse("account_login"), data).status_code for _ in range(3)]
    response = client.post(reverse("account_login"), data)

    assert statuses == [200] * 3
    _assert_french_429(response)
    assert client.post(reverse("account_login"), data, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_it_limits_password_resets_per_account(client, mailoutbox):
    UserFactory(email="cible@exemple.fr")
    url = reverse("account_reset_password")
    for n in range(3):  # three from three addresses: the account's limit, not the address's
        client.post(url, {"email": "cible@exemple.fr"}, REMOTE_ADDR=f"10.0.1.{n}")
    response = client.post(url, {"email": "cible@exemple.fr"}, REMOTE_ADDR="10.0.1.9")

    _assert_french_429(response)
    assert len(mailoutbox) == 3


def test_it_limits_password_resets_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "2/m/ip"}
    url = reverse("account_reset_password")
    for n in range(2):
        client.post(url, {"email": f"personne{n}@exemple.fr"})

    _assert_french_429(client.post(url, {"email": "encore@exemple.fr"}))


def test_it_sends_nothing_to_an_unknown_address(client, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "inconnu@exemple.fr"})

    assert response.status_code == 302  # the same answer as for a known address
    assert mailoutbox == []


def test_a_reset_for_a_known_address_points_to_no_sign_up(client, mailoutbox):
    UserFactory(email="connu@exemple.fr")
    client.post(reverse("account_reset_password"), {"email": "connu@exemple.fr"})

    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "/comptes/password/reset/key/" in body
    assert "signup" not in body and "inscri" not in body.lower()


@pytest.fixture
def invitee(db):
    return UserFactory(email="invite@exemple.fr", password=None)


def test_it_limits_an_invitation_link_per_account(client, invitee):
    path = invitation_path(invitee)
    statuses = [client.get(path, REMOTE_ADDR=f"10.0.2.{n}").status_code for n in range(10)]
    response = client.get(path, REMOTE_ADDR="10.0.2.99")

    assert 429 not in statuses
    _assert_french_429(response)
    assert response["Retry-After"] == "600"


def test_it_limits_invitation_links_per_address(client, db):
    invitees = [UserFactory(email=f"invite{n}@exemple.fr", password=None) for n in range(21)]
    statuses = [client.get(invitation_path(user)).status_code for user in invitees]

    assert 429 not in statuses[:20]
    assert statuses[20] == 429
    assert len(mail.outbox) == 0
