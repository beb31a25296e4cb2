"""CASE 1.1 endpoints (`/ims/case/v1p1/...`): public, read-only JSON of published and archived
versions. A draft, or an identifier nobody serves, answers 404 with CASE's status payload."""

from __future__ import annotations

from uuid import UUID

from django.http import JsonResponse
from django.views.decorators.http import require_safe

from cqpm.core.httpcache import public_response

from . import case
from .case_package import (
    ITEM_TYPES,
    case_association,
    case_document,
    case_item,
    case_item_type,
    case_package,
)
from .selectors import case_referential_for

MAX_AGE = 3600  # public versions never change; a publication only adds new identifiers


def _json(data: dict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # any tool may read the open standard
    if status == 200:
        response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _unknown(identifier: str) -> JsonResponse:
    return _json(
        {
            "imsx_codeMajor": "failure",
            "imsx_severity": "error",
            "imsx_description": f"Aucun objet publié ne porte l'identifiant {identifier}.",
            "imsx_codeMinor": {
                "imsx_codeMinorField": [
                    {
                        "imsx_codeMinorFieldName": "sourcedId",
                        "imsx_codeMinorFieldValue": "unknownobject",
                    }
                ]
            },
        },
        status=404,
    )


@require_safe
@public_response
def package(request, identifier: UUID):
    referential = case_referential_for(identifier=str(identifier))
    if referential is None or case.document_identifier(referential) != str(identifier):
        return _unknown(str(identifier))
    return _json(case_package(referential))


@require_safe
@public_response
def document(request, identifier: UUID):
    referential = case_referential_for(identifier=str(identifier))
    if referential is None or case.document_identifier(referential) != str(identifier):
        return _unknown(str(identifier))
    return _json(case_document(referential))


@require_safe
@public_response
def item(request, identifier: UUID):
    referential = case_referential_for(identifier=str(identifier))
    found = referential and case_item(referential, str(identifier))
    return _json(found) if found else _unknown(str(identifier))


@require_safe
@public_response
def association(request, identifier: UUID):
    referential = case_referential_for(identifier=str(identifier))
    found = referential and case_association(referential, str(identifier))
    return _json(found) if found else _unknown(str(identifier))


@require_safe
@public_response
def item_type(request, identifier: UUID):
    for code in ITEM_TYPES:
        if case.item_type_identifier(code) == str(identifier):
            return _json(case_item_type(code))
    return _unknown(str(identifier))
