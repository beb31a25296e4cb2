"""The endpoint form checks shape only; services.py holds the rules (https, public address)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Event


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Adresse de réception"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Une adresse https:// de votre logiciel, qui recevra les événements en POST."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Événements"),
        choices=lambda: Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un événement.")},
    )
    is_active = forms.BooleanField(label=_("Actif"), required=False, initial=True)

    @classmethod
    def for_endpoint(cls, endpoint, data=None) -> "EndpointForm":
        initial = {
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
            "is_active": endpoint.is_active,
        }
        return cls(data, initial=initial)
