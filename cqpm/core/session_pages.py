"""The twin pages of a dated session (a commission, a jury): change its date, hour and place,
and cancel it with a reason after a confirmation. Each app's view finds the session in its
scope and says what differs (its words, its service, where it goes back to); the rest is here,
with one template each (core/session_edit.html, core/session_cancel.html)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from .errors import DomainError, add_to_form

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class SessionEditForm(forms.Form):
    """Date, time and place of a session; the place left blank keeps the current one."""

    date = forms.DateField(label=_("Nouvelle date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("Heure"), widget=TIME_WIDGET, required=False)
    place = forms.CharField(label=_("Lieu"), max_length=255, required=False)


class SessionCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Il est conservé, tracé, et indiqué aux personnes concernées."),
    )


def session_edit_page(
    request: HttpRequest,
    *,
    session: Any,
    form: forms.Form,
    save: Callable[[dict[str, Any]], object],
    success: str,
    done_url: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The edit form, then the kind's service with what it holds: a form that does not show
    the time keeps it, a place left blank keeps the current one; a refusal is shown on its
    field, nothing written."""
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if "start_time" not in request.POST:
            data["start_time"] = session.start_time
        data["place"] = data["place"] or session.place
        try:
            save(data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, success)
            return redirect(done_url)
    return render(request, "core/session_edit.html", {"session": session, "form": form, **context})


def session_cancel_page(
    request: HttpRequest,
    *,
    session: Any,
    cancel: Callable[[str], int],
    success: Callable[[int], str],
    done_url: str,
    released: Sequence[Any],
    can_cancel: bool,
    context: dict[str, Any],
) -> HttpResponse:
    """The confirmation page of a cancellation (who it releases, the reason asked), then the
    kind's service; a refusal is shown on the form, nothing written."""
    form = SessionCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = cancel(form.cleaned_data["reason"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, success(count))
            return redirect(done_url)
    return render(
        request,
        "core/session_cancel.html",
        {
            "session": session,
            "form": form,
            "released": released,
            "can_cancel": can_cancel,
            **context,
        },
    )
