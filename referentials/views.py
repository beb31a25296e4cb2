from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cqpm.core.access import can, get_or_404
from cqpm.core.actions import run_action
from cqpm.core.errors import DomainError
from cqpm.core.permissions import get_scoped_or_404

from . import case
from .case_package import case_compare, case_package
from .diff import referential_diff
from .files import referential_file_dump
from .forms import RncpForm
from .selectors import (
    case_referential_queryset,
    case_versions_of,
    referential_detail_queryset_for,
    referential_list_for,
    referential_sections,
)
from .services import (
    referential_export,
    referential_publish,
    referential_published_for,
    referential_rncp_update,
)

PAGE_SIZE = 50


@login_required
def referential_list(request):
    query = request.GET.get("q", "")[:100]
    page = Paginator(referential_list_for(user=request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "referentials/referential_list.html", {"page": page, "query": query})


@login_required
def referential_detail(request, pk: int):
    referential = get_scoped_or_404(referential_detail_queryset_for(user=request.user), pk=pk)
    context = {
        "referential": referential,
        "sections": referential_sections(referential=referential),
        "may_edit_rncp": request.user.is_superuser
        or can(request.user, "referential.rncp", referential),
    }
    if referential.is_frozen:
        context["case_url"] = case.uri("CFPackages", case.document_identifier(referential))
        context["other_versions"] = case_versions_of(referential=referential)
    if not referential.is_frozen:
        published = referential_published_for(referential=referential)
        context["published"] = published
        if published is not None:
            context["changes"] = referential_diff(
                before=referential_export(referential=published),
                after=referential_export(referential=referential),
            )
    return render(request, "referentials/referential_detail.html", context)


@login_required
@require_POST
def referential_publish_view(request, pk: int):
    """The explicit action that publishes a draft (administrators only; others: 404)."""
    if not request.user.is_superuser:
        raise Http404
    referential = get_scoped_or_404(referential_detail_queryset_for(user=request.user), pk=pk)
    run_action(
        request,
        lambda: referential_publish(referential=referential, by=request.user),
        success=_("La version %(version)d est publiée.") % {"version": referential.version},
    )
    return redirect("referentials:detail", pk=referential.pk)


@login_required
def referential_rncp(request, pk: int):
    """The RNCP registration of a version (code, end, blocks' codes), published ones too, for
    whoever `referential.rncp` allows (the branch) and administrators; others get 404."""
    readable = referential_detail_queryset_for(user=request.user)
    if request.user.is_superuser:
        referential = get_scoped_or_404(readable, pk=pk)
    else:
        referential = get_or_404(request.user, "referential.rncp", readable, pk=pk)
    form = RncpForm(request.POST or None, referential=referential)
    if request.method == "POST" and form.is_valid():
        try:
            referential_rncp_update(referential=referential, data=form.rncp_data(), by=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("L'enregistrement au RNCP est mis à jour."))
            return redirect("referentials:detail", pk=referential.pk)
    context = {"referential": referential, "form": form}
    return render(request, "referentials/referential_rncp.html", context)


@login_required
def referential_export_yaml(request, pk: int):
    referential = get_scoped_or_404(referential_detail_queryset_for(user=request.user), pk=pk)
    text = referential_file_dump(data=referential_export(referential=referential))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    filename = f"{referential.code.replace(' ', '_')}_v{referential.version}.yaml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def referential_compare(request, pk: int, other: int):
    """Two public versions of one code, item by item from their CASE items (older first)."""
    versions = case_referential_queryset()
    first = get_scoped_or_404(versions, pk=pk)
    second = get_scoped_or_404(versions.filter(code=first.code), pk=other)
    before, after = sorted((first, second), key=lambda r: r.version)
    changes = case_compare(before=case_package(before), after=case_package(after))
    context = {"before": before, "after": after, "changes": changes}
    return render(request, "referentials/referential_compare.html", context)
