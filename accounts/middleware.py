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


class IdleTimeoutMiddleware:
    """Log staff and jury members out after CQPM_SENSITIVE_IDLE_TIMEOUT idle seconds."""

    SESSION_KEY = "cqpm_last_seen"

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
            request.session[self.SESSION_KEY] = now
        return self.get_response(request)
