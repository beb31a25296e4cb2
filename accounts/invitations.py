"""One-time invitation links: a new account (no usable password) chooses its first password.

The token is Django's `default_token_generator`: it hashes the password and the last login, so it
stops working as soon as the password is set, and after PASSWORD_RESET_TIMEOUT.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def invitation_path(user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("invitation_accept", kwargs={"uidb64": uidb64, "token": token})


def invitation_url(user) -> str:
    return settings.SITE_URL + invitation_path(user)
