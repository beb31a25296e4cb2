from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from cqpm.core.permissions import get_scoped_or_404

from .files import referential_file_dump
from .selectors import referential_detail_queryset_for, referential_list_for, referential_sections
from .services import referential_export

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
    return render(
        request,
        "referentials/referential_detail.html",
        {"referential": referential, "sections": referential_sections(referential=referential)},
    )


@login_required
def referential_export_yaml(request, pk: int):
    referential = get_scoped_or_404(referential_detail_queryset_for(user=request.user), pk=pk)
    text = referential_file_dump(data=referential_export(referential=referential))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    filename = f"{referential.code.replace(' ', '_')}_v{referential.version}.yaml"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
