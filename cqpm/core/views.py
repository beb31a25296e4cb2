from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .registry import home_items


@login_required
def home(request):
    # Blocks other apps contribute (cqpm.core.registry.register_home_item), e.g. overdue work.
    blocks = [html for item in home_items() if (html := item.provider(request))]
    return render(request, "home.html", {"home_blocks": blocks})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static file (its
    hashed, long-cached name in production), no login, and let them keep the answer a day."""
    response = HttpResponsePermanentRedirect(static("favicon.ico"))
    patch_cache_control(response, public=True, max_age=86400)
    return response
