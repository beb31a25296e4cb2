"""Per-role protections that allauth has no setting for: mandatory TOTP and an idle timeout."""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

EXEMPT_PREFIXES = ("/comptes/", "/static/", "/healthz", "/verifier/")


def _is_exempt(path: str) -> bool:
    return path.startswith(EXEMPT_PREFIXES)


class RequireMFAMiddleware:
    """Send staff and jury members without a TOTP authenticator to set one up first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not _is_exempt(request.path)
            and user.requires_mfa
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request,
                _("Votre rôle exige la double authentification : activez une application TOTP."),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def stamp_login(sender, request, user, **kwargs) -> None:
    """Logging in is activity: the idle clock starts there (so the first page writes nothing)."""
    if request is not None and hasattr(request, "session"):
        request.session[IdleTimeoutMiddleware.SESSION_KEY] = int(time.time())


class IdleTimeoutMiddleware:
    """Log staff and jury members out after CQPM_SENSITIVE_IDLE_TIMEOUT idle seconds.

    The last-seen stamp is written at most once per WRITE_EVERY seconds: a session saved on every
    request is a database write (and, on SQLite, the write lock) per page view; the timeout stays
    exact to within WRITE_EVERY seconds (one minute of thirty)."""

    SESSION_KEY = "cqpm_last_seen"
    WRITE_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.requires_mfa:
            now = int(time.time())
            last_seen = request.session.get(self.SESSION_KEY, now)
            if now - last_seen > settings.CQPM_SENSITIVE_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("Votre session a expiré après une période d'inactivité."))
                return redirect(f"{reverse('account_login')}?next={request.path}")
            if now - last_seen >= self.WRITE_EVERY or self.SESSION_KEY not in request.session:
                request.session[self.SESSION_KEY] = now
        return self.get_response(request)
