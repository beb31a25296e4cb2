"""The client address behind a proxy: only TRUSTED_PROXIES are believed, and every rate limit
(ours and allauth's) counts per real client, never per proxy or per spoofed header."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cqpm.core.clientip import client_ip

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
UNKNOWN_CODE = "f" * 32


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def test_it_takes_the_right_most_untrusted_address_from_a_trusted_proxy(behind_proxy):
    # The client sent a forged "1.2.3.4"; its real address was appended by the proxy chain.
    chain = "1.2.3.4, 203.0.113.9, 10.0.0.7"
    assert client_ip(_request(PROXY, chain)) == "203.0.113.9"
    assert client_ip(_request(PROXY)) == PROXY


def test_it_ignores_the_header_from_an_address_that_is_not_a_trusted_proxy(behind_proxy):
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_it_believes_no_header_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request(PROXY, "203.0.113.9")) == PROXY


def _verify(client, **extra):
    return client.get(reverse("documents:verify", args=[UNKNOWN_CODE]), **extra)


def test_two_clients_behind_the_proxy_have_their_own_verification_bucket(client, behind_proxy):
    first = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    second = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.6"}
    statuses = [_verify(client, **first).status_code for _ in range(31)]

    assert statuses == [404] * 30 + [429]
    assert _verify(client, **second).status_code == 404


def test_a_spoofed_header_from_an_untrusted_address_does_not_escape_the_limit(client, behind_proxy):
    statuses = [
        _verify(
            client, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(31)
    ]

    assert statuses[-1] == 429
    assert statuses.count(429) == 1


def test_allauth_counts_logins_per_client_behind_the_proxy(client, behind_proxy, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    url = reverse("account_login")
    data = {"login": "personne@exemple.fr", "password": "mauvais"}
    first = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    statuses = [client.post(url, data, **first).status_code for _ in range(3)]
    other = client.post(url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6")

    assert statuses == [200, 200, 429]
    assert other.status_code == 200
