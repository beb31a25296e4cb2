"""The one confirmation step of irreversible actions, served by the action's own view.

A button posts to the action's URL; without ``confirm`` the view answers this page instead of
acting: what the step will do, what is missing (from a service or selector's `Readiness`), a
refusal when the rules forbid it, a reason to give when they ask for one, and the same fields
posted again with ``confirm=1``. A GET shows the same page. No JavaScript: a plain form.
Nothing here reads the database; the readiness is computed once, by the caller's selector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

CONFIRM_FIELD = "confirm"
REASON_FIELD = "motif"
# Never posted again: the token is the page's own, the others belong to this step.
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRM_FIELD, REASON_FIELD}
REASON_MAX_LENGTH = 1000


@dataclass(frozen=True)
class Readiness:
    """What an irreversible step will do and what is still missing for it.

    `blocking`: the rules refuse the step while something is missing (listed in `missing`);
    `reason_required`: they allow it only with a recorded reason."""

    effects: Sequence[str] = ()
    missing: Sequence[str] = ()
    blocking: bool = False
    reason_required: bool = False
    reason_label: str = ""
    refusal: str = ""

    @property
    def refused(self) -> bool:
        return self.blocking and bool(self.missing or self.refusal)


@dataclass
class Step:
    """The outcome of `confirmation()`: a page to answer, or a go with the reason given."""

    response: HttpResponse | None = None
    reason: str = ""
    confirmed: bool = False
    errors: list[str] = field(default_factory=list)


def confirmation(
    request: HttpRequest,
    *,
    title: str,
    readiness: Readiness,
    confirm_label: str,
    cancel_url: str,
    danger: bool = False,
) -> Step:
    """The confirmation page (GET, or POST without ``confirm``), the same page with its error
    (a refused step, a missing reason), or ``Step(confirmed=True, reason=…)`` to act on."""
    reason = ""
    errors: list[str] = []
    if request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1":
        reason = " ".join(request.POST.get(REASON_FIELD, "").split())[:REASON_MAX_LENGTH]
        if readiness.refused:
            errors.append(readiness.refusal or _("Cette action est impossible pour l'instant."))
        elif readiness.reason_required and not reason:
            errors.append(_("Indiquez le motif : il est enregistré dans l'historique."))
        else:
            return Step(reason=reason, confirmed=True)
    source = request.POST if request.method == "POST" else request.GET
    carried = [(k, v) for k in source for v in source.getlist(k) if k not in _NOT_CARRIED]
    context = {
        "title": title,
        "readiness": readiness,
        "confirm_label": confirm_label,
        "cancel_url": cancel_url,
        "danger": danger,
        "carried": carried,
        "errors": errors,
        "reason": reason,
        "reason_field": REASON_FIELD,
        "reason_max": REASON_MAX_LENGTH,
        "action_url": request.path,
    }
    status = 400 if errors else 200
    response = render(request, "core/confirm.html", context, status=status)
    return Step(response=response, errors=errors)
