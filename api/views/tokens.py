"""The « Jetons d'API » page: a person creates, names, scopes and revokes their own tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cqpm.core.errors import DomainError, add_to_form
from cqpm.core.permissions import get_scoped_or_404

from .. import selectors, services
from ..forms import TokenForm


@never_cache
@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.api_token_create(
                owner=request.user,
                name=form.cleaned_data["name"],
                read_only=form.read_only,
                by=request.user,
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            form = TokenForm()  # the secret is shown once, on this answer only
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": selectors.api_token_list_for(user=request.user),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_scoped_or_404(selectors.api_token_list_for(user=request.user), pk=pk)
    try:
        services.api_token_revoke(token=token, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Le jeton « %(name)s » est révoqué : il ne donne plus accès.") % {"name": token.name},
        )
    return redirect("api_tokens:list")
