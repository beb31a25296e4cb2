"""`Authorization: Bearer <token>`: the token's owner, with exactly their rights."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .selectors import api_token_for_prefix
from .services import api_token_touch, secret_matches, split_token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """A live token of an active account, or 401 with a French message (no header: the next
    authentication, the session, is tried)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = str(request.META.get("HTTP_AUTHORIZATION", "")).split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("En-tête Authorization invalide : « Bearer <jeton> » attendu.")
            )
        presented = header[1]
        parts = split_token(presented) if presented.isascii() else None
        token = api_token_for_prefix(prefix=parts[0]) if parts else None
        if token is None or not secret_matches(token, presented):
            raise exceptions.AuthenticationFailed(_("Jeton d'API invalide ou révoqué."))
        if not token.owner.is_active:
            raise exceptions.AuthenticationFailed(_("Le compte de ce jeton est désactivé."))
        api_token_touch(token=token)
        return token.owner, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _(
                "Jeton d'API créé sur la page « Jetons d'API » de votre compte (ou par "
                "`manage.py api_token`) : `Authorization: Bearer cqpm_…`."
            ),
        }
