from django.conf import settings
from rest_framework.throttling import BaseThrottle

from cqpm.core.clientip import client_ip
from cqpm.core.ratelimit import hit, parse_rate

from .models import ApiToken


class TokenRateThrottle(BaseThrottle):
    """CQPM_API_THROTTLE_RATE requests per token (per person for a signed-in session, per address
    for anyone else), counted by cqpm.core.ratelimit like every other limit of the site: a fixed
    window in the shared cache that fails open when the cache is down."""

    scope = "api"

    def __init__(self) -> None:
        self.window = 0

    def allow_request(self, request, view) -> bool:
        rate = parse_rate(settings.CQPM_API_THROTTLE_RATE)
        self.window = rate.window
        if isinstance(request.auth, ApiToken):
            per, ident = "token", request.auth.prefix
        elif request.user and request.user.is_authenticated:
            per, ident = "user", str(request.user.pk)
        else:
            per, ident = "ip", client_ip(request)
        return not hit(self.scope, per, ident, rate)

    def wait(self) -> float:
        """The window's length: the count starts again at its end at the latest."""
        return float(self.window)
