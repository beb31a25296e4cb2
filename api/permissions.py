from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import ApiToken


class TokenScope(BasePermission):
    """A read-only token reads; writing needs a read-write token (or a signed-in session)."""

    message = _(
        "Ce jeton d'API est en lecture seule : créez un jeton en lecture-écriture pour écrire."
    )

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and token.read_only:
            return request.method in SAFE_METHODS
        return True
