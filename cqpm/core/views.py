from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from .registry import home_items


@login_required
def home(request):
    # Blocks other apps contribute (cqpm.core.registry.register_home_item), e.g. overdue work.
    blocks = [html for item in home_items() if (html := item.provider(request))]
    return render(request, "home.html", {"home_blocks": blocks})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
