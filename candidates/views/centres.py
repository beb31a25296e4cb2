from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqpm.core.confirmation import confirmation
from cqpm.core.errors import DomainError
from cqpm.core.permissions import get_scoped_or_404

from .. import selectors, services
from ..forms import CentreForm, MembershipForm
from ._fetch import centre_for, staff_required


@staff_required
def centre_list(request):
    centres = selectors.centre_list_for(user=request.user)
    return render(request, "candidates/centre_list.html", {"centres": centres})


@staff_required
def centre_detail(request, pk):
    centre = centre_for(request, pk)
    members = selectors.membership_list_for(user=request.user, centre=centre)
    return render(request, "candidates/centre_detail.html", {"centre": centre, "members": members})


@staff_required
def centre_update(request, pk):
    centre = centre_for(request, pk)
    form = CentreForm(request.POST or None, request.FILES or None, instance=centre)
    if request.method == "POST" and form.is_valid():
        try:
            services.centre_update(
                centre=centre,
                data=form.centre_data(),
                logo=form.logo_upload(),
                clear_logo=form.logo_cleared(),
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Le centre est modifié."))
            return redirect("candidates:centre_detail", pk=centre.pk)
    return render(request, "candidates/centre_form.html", {"form": form, "centre": centre})


@staff_required
def membership_add(request, pk):
    centre = centre_for(request, pk)
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(
                centre=centre, by=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(user)s est ajouté(e) comme « %(role)s ».")
                % {"user": membership.user.email, "role": membership.get_role_display()},
            )
            return redirect("candidates:centre_detail", pk=centre.pk)
    return render(request, "candidates/membership_form.html", {"form": form, "centre": centre})


@staff_required
@require_POST
def membership_remove(request, pk, membership_pk):
    centre = centre_for(request, pk)
    membership = get_scoped_or_404(
        selectors.membership_list_for(user=request.user, centre=centre), pk=membership_pk
    )
    step = confirmation(
        request,
        title=_("Retirer le rôle « %(role)s » à %(user)s")
        % {"role": membership.get_role_display(), "user": membership.user.email},
        readiness=selectors.membership_remove_readiness(membership=membership),
        confirm_label=_("Confirmer le retrait"),
        cancel_url=reverse("candidates:centre_detail", args=[centre.pk]),
        danger=True,
    )
    if step.response is not None:
        return step.response
    try:
        services.membership_remove(membership=membership, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(user)s n'a plus le rôle « %(role)s ».")
            % {"user": membership.user.email, "role": membership.get_role_display()},
        )
    return redirect("candidates:centre_detail", pk=centre.pk)
