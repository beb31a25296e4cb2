"""Nobody types a colleague's password: staff add a member by e-mail (the centre page) and the
admin adds an account by e-mail; the person chooses their password through the invitation."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_invites_instead_of_asking_a_password(
    client_for, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = UserFactory(email="admin@exemple.fr", is_staff=True, is_superuser=True)
    from tests.factories.accounts import enable_totp

    if admin.requires_mfa:
        enable_totp(admin)
    client = client_for(admin)
    page = client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'name="email"' in page and 'type="password"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        with_commit = client.post(
            reverse("admin:accounts_user_add"),
            {"email": "Collegue@Exemple.fr", "first_name": "Line", "last_name": "Roux"},
        )
    assert with_commit.status_code == 302, with_commit.content.decode()[:2000]
    user = User.objects.get(email="collegue@exemple.fr")
    assert not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["collegue@exemple.fr"] and "mot de passe" in message.body


def test_the_centre_page_asks_no_password(client_for, staff_a, centre_a):
    page = client_for(staff_a).get(reverse("candidates:membership_add", args=[centre_a.pk]))
    assert not re.search(r'type="password"', page.content.decode())


def test_every_page_loads_the_confirmation_script(client_for, staff_a):
    page = client_for(staff_a).get(reverse("home")).content.decode()
    assert "js/actions.js" in page
