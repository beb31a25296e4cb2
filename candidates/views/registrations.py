from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cqpm.core.errors import DomainError, add_to_form
from cqpm.core.pagination import Paginator
from cqpm.core.registry import sections as registry_sections

from .. import exports, selectors, services
from ..forms import SORT_CHOICES, RegistrationFilterForm, RegistrationForm, WithdrawForm
from ..history import registration_history
from ..lifecycle import registration_mode
from ._fetch import campaign_for, registration_for, staff_required


def _filtered(request, campaign):
    form = RegistrationFilterForm(request.GET)
    filters = form.filters()
    qs = selectors.registration_list_for(user=request.user, campaign=campaign, **filters)
    # The campaign is already known: join only what each row shows.
    qs = qs.select_related(None).select_related("candidate", "company", "tutor")
    return form, filters, qs


@staff_required
def registration_list(request, pk):
    campaign = campaign_for(request, pk)
    form, filters, registrations = _filtered(request, campaign)
    page = Paginator(registrations, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "candidates/registration_list.html",
        {
            "campaign": campaign,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "sort": filters["sort"],
            "sort_choices": dict(SORT_CHOICES),
        },
    )


@staff_required
def registration_export(request, pk, fmt):
    campaign = campaign_for(request, pk)
    _form, _filters, registrations = _filtered(request, campaign)
    filename = f"candidats-{slugify(campaign.name)}"
    if fmt == "csv":
        return exports.csv_response(registrations, filename)
    if fmt == "xlsx":
        return exports.xlsx_response(registrations, filename)
    raise Http404


@staff_required
def registration_create(request, pk):
    campaign = campaign_for(request, pk)
    late = registration_mode(campaign=campaign) == "late"
    form = RegistrationForm(request.POST or None, user=request.user, late=late)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                campaign=campaign, by=request.user, **form.create_kwargs()
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("%s est inscrit(e).") % registration.candidate)
            return redirect("candidates:registration_detail", pk=registration.pk)
    return render(
        request, "candidates/registration_form.html", {"form": form, "campaign": campaign}
    )


@staff_required
def registration_detail(request, pk):
    registration = registration_for(request, pk)
    return render(
        request,
        "candidates/registration_detail.html",
        {
            "registration": registration,
            "campaign": registration.campaign,
            "history": registration_history(registration=registration),
            "identity_url": selectors.identity_edit_url(registration=registration),
            "sections": _sections(request, registration),
        },
    )


def _sections(request, registration) -> list[str]:
    """HTML of the sections later apps register (cqpm.core.registry.register_section), in order;
    a provider returns "" to show nothing."""
    html = []
    for section in registry_sections():
        fragment = section.provider(request, registration)
        if fragment:
            html.append(mark_safe(fragment))  # noqa: S308 - rendered by the app's own template
    return html


@staff_required
def registration_update(request, pk):
    registration = registration_for(request, pk)
    form = RegistrationForm(
        request.POST or None,
        initial=RegistrationForm.initial_for(registration),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_update(
                registration=registration, by=request.user, **form.service_kwargs()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("L'inscription est modifiée."))
            return redirect("candidates:registration_detail", pk=registration.pk)
    return render(
        request,
        "candidates/registration_form.html",
        {"form": form, "campaign": registration.campaign, "registration": registration},
    )


@staff_required
def registration_withdraw(request, pk):
    registration = registration_for(request, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_withdraw(
                registration=registration, reason=form.cleaned_data["reason"], by=request.user
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%s est désinscrit(e).") % registration.candidate)
            return redirect("candidates:registration_detail", pk=registration.pk)
    return render(
        request,
        "candidates/registration_withdraw.html",
        {"form": form, "registration": registration, "campaign": registration.campaign},
    )
