"""Public pages of the issuer: DID document, profile, status lists, credential downloads and the
verification of a pasted credential."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from cqpm.core.httpcache import public_response

from .builder import issuer_profile
from .forms import VerifyForm
from .keys import did_document, issuer_keys
from .selectors import credential_for_code
from .services import STATUS_CACHE_SECONDS, status_list_served
from .signing import MEDIA_TYPE
from .verification import credential_verify, payload_of

PUBLIC_CACHE = "public, max-age=300"
STATUS_CACHE = f"public, max-age={STATUS_CACHE_SECONDS}"  # a revocation shows within it


def _public(response: HttpResponse, cache_control: str = PUBLIC_CACHE) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"  # verifiers fetch from any origin
    response["Cache-Control"] = cache_control
    return response


@require_GET
@public_response
def did_json(request):
    return _public(
        JsonResponse(
            did_document(), content_type="application/did+json", json_dumps_params={"indent": 2}
        )
    )


@require_GET
def issuer_page(request):
    keys = [{"kid": key.kid, "created": key.created, "active": key.active} for key in issuer_keys()]
    return render(request, "credentials/issuer.html", {"profile": issuer_profile(), "keys": keys})


@require_GET
@public_response
def issuer_json(request):
    profile = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
    }
    return _public(JsonResponse(profile | issuer_profile(), json_dumps_params={"indent": 2}))


@require_GET
@public_response
def status_list(request, number: int):
    token = status_list_served(number=number)
    if token is None:
        raise Http404
    return _public(HttpResponse(token, content_type=MEDIA_TYPE), STATUS_CACHE)


@require_GET
def credential_jwt(request, code: str):
    credential = credential_for_code(code=code)
    if credential is None:
        raise Http404
    response = HttpResponse(credential.jwt, content_type=MEDIA_TYPE)
    response["Content-Disposition"] = 'attachment; filename="badge-cqpm.jwt"'
    return _public(response, "private, no-store")


@require_GET
def credential_json(request, code: str):
    credential = credential_for_code(code=code)
    if credential is None:
        raise Http404
    text = json.dumps(payload_of(credential.jwt), ensure_ascii=False, indent=2)
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="badge-cqpm.json"'
    return _public(response, "private, no-store")


@require_http_methods(["GET", "POST"])
def verify(request):
    form = VerifyForm(request.POST or None, request.FILES or None)
    verdict = None
    if request.method == "POST" and form.is_valid():
        verdict = credential_verify(text=form.credential_text())
    return render(request, "credentials/verify.html", {"form": form, "verdict": verdict})
