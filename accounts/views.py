"""Invitation acceptance: the person sets a first password through a one-time link."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from cqpm.core.ratelimit import Rate, limit


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """Django's reset-confirm flow (token moved to the session, then a clean URL), in French."""

    template_name = "accounts/invitation_accept.html"
    success_url = reverse_lazy("account_login")
    reset_url_token = "definir-mot-de-passe"  # noqa: S105 - a URL segment, not a secret
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Votre mot de passe est enregistré : connectez-vous avec votre adresse e-mail."),
        )
        return response


def _invited_account(request, uidb64: str, token: str) -> str:
    return uidb64


# Each page of the link counts, per address and per invited account: token guessing stops there.
invitation_accept = limit(
    "accounts.invitation",
    per_address=Rate(amount=20, window=600),
    per_account=Rate(amount=10, window=600),
    account=_invited_account,
)(InvitationAcceptView.as_view())
