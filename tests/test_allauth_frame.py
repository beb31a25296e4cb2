"""allauth's pages live in the product's frame: base.html (navigation bar, skip link, footer),
Bootstrap-styled fields (crispy forms), and French words only."""

import re

import pytest
from django.urls import reverse

from .factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# English left by an untranslated or unstyled allauth page.
ENGLISH = re.compile(
    r"\b(Sign In|Sign Out|Password Reset|Forgot|E-?mail Address(es)?|Authenticator App|"
    r"Change Password|Two-Factor|Recovery Codes|Remember Me|Activate|Deactivate)\b"
)


def assert_framed(response) -> str:
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    assert '<html lang="fr">' in body
    assert 'class="navbar-brand"' in body and 'id="contenu"' in body  # base.html
    assert "UIMM — certifications paritaires" in body  # its footer
    main = body.split('id="contenu"', 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", main)
    assert not ENGLISH.search(text), ENGLISH.search(text).group(0)
    for tag in re.findall(r"<input[^>]+>", main):
        if re.search(r'type="(text|email|password|number)"', tag):
            assert "form-control" in tag, tag  # crispy-bootstrap5 fields
    return main


@pytest.mark.parametrize(
    "name",
    ["account_login", "account_reset_password", "account_reset_password_done"],
)
def test_it_frames_the_anonymous_account_pages(client, name):
    main = assert_framed(client.get(reverse(name)))
    assert "<form" in main or name.endswith("_done")


def test_it_frames_a_stale_password_reset_link(client):
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "set-password"})
    assert_framed(client.get(url, follow=True))


def test_it_frames_a_stale_invitation(client):
    url = reverse("invitation_accept", kwargs={"uidb64": "zz", "token": "x-y"})
    assert_framed(client.get(url))


def test_it_frames_the_two_factor_step_of_a_login(client, staff_a):
    response = client.post(reverse("account_login"), {"login": staff_a.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "form-control" in assert_framed(client.get(reverse("mfa_authenticate")))


@pytest.mark.parametrize(
    "name", ["account_email", "account_change_password", "mfa_index", "mfa_activate_totp"]
)
def test_it_frames_the_account_management_pages(client, name):
    user = UserFactory(email="sans.role@exemple.fr")
    client.force_login(user)
    assert_framed(client.get(reverse(name), follow=True))


def test_it_reaches_every_account_page_from_the_navigation_bar(client):
    client.force_login(UserFactory(email="compte@exemple.fr"))
    header = client.get(reverse("home")).content.decode().split("</header>")[0]
    for name in ("mfa_index", "account_change_password", "account_email"):
        assert f'href="{reverse(name)}"' in header, name
