"""Invitation acceptance: the person sets a first password through a one-time link."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _


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


invitation_accept = InvitationAcceptView.as_view()
