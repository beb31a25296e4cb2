"""Every refusal as JSON with a French message and the paths of the fields at fault:

    {"code": "campaign_status", "message": "La campagne « … » est au jury : …",
     "errors": [{"field": "rows[2].birth_date", "message": "…"}]}

A business rule (DomainError from a service) answers 409 when the state of things refuses it
(campaign status, transition, duplicate, concurrent change), 403 when the person may not do it,
400 otherwise; a malformed request answers 400 (ValidationError, ParseError)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cqpm.core.errors import ConcurrentUpdate, DomainError, InvalidTransition

CONFLICT_CODES = frozenset({"campaign_status", "duplicate", "conflict", "locked"})


class RowErrors(exceptions.APIException):
    """A request refused with a list of located errors (bulk creation: one per row and field)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, message: str, errors: list[dict[str, Any]], code: str = "invalid"):
        super().__init__(message, code)
        self.errors = errors
        self.error_code = code


def domain_status(error: DomainError) -> int:
    if error.code == "forbidden":
        return status.HTTP_403_FORBIDDEN
    if isinstance(error, InvalidTransition | ConcurrentUpdate) or error.code in CONFLICT_CODES:
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        errors = [{"field": exc.field, "message": exc.message}] if exc.field else []
        return _response(domain_status(exc), exc.code, exc.message, errors)
    if isinstance(exc, DjangoValidationError):
        errors = _django_errors(exc)
        return _response(400, "invalid", _("Données invalides."), errors)
    if isinstance(exc, RowErrors):
        return _response(exc.status_code, exc.error_code, str(exc.detail), exc.errors)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Objet introuvable."))
    if isinstance(exc, exceptions.Throttled):
        exc.detail = exceptions.ErrorDetail(
            _("Trop de requêtes pour ce jeton : réessayez dans %(wait)d s.")
            % {"wait": int(exc.wait or 1)},
            code="throttled",
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = list(_flatten(detail))
        message = _("Données invalides : %(first)s") % {"first": _first(errors)}
        response.data = _body("invalid", message, errors)
    else:
        code = getattr(exc, "default_code", "error")
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else code
        if isinstance(codes, str):
            code = codes
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        response.data = _body(code, message, [])
    return response


def _response(code_status: int, code: str, message: str, errors: list) -> Response:
    return Response(_body(code, message, errors), status=code_status)


def _body(code: str, message: str, errors: list) -> dict[str, Any]:
    return {"code": code, "message": message, "errors": errors}


def _first(errors: list[dict[str, Any]]) -> str:
    if not errors:
        return ""
    first = errors[0]
    return f"{first['field']} : {first['message']}" if first["field"] else first["message"]


def _flatten(detail: Any, path: str = "") -> Any:
    """DRF's nested error detail as {"field": "rows[2].birth_date", "message": "…"} items."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # a row of a list (DRF keys list errors by index)
                yield from _flatten(value, f"{path}[{key}]")
                continue
            name = "" if key == "non_field_errors" else str(key)
            yield from _flatten(value, f"{path}.{name}" if path and name else path or name)
    elif isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            for item in detail:
                yield {"field": path, "message": str(item)}
        else:
            for index, item in enumerate(detail):
                if item:
                    yield from _flatten(item, f"{path}[{index}]")
    else:
        yield {"field": path, "message": str(detail)}


def _django_errors(error: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(error, "error_dict"):
        return [
            {"field": "" if field == "__all__" else field, "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": message} for message in error.messages]
