from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PackSending


class SendingForm(forms.Form):
    sent_on = forms.DateField(
        label=_("Date d'envoi"), widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(
        label=_("Moyen d'envoi"), choices=PackSending.Channel.choices, widget=forms.RadioSelect
    )
    acknowledgement = forms.FileField(
        label=_("Accusé de réception (facultatif)"),
        required=False,
        help_text=_("PDF ou image (PNG, JPEG), 10 Mo au plus."),
    )
    note = forms.CharField(
        label=_("Observations (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcknowledgementForm(forms.Form):
    """The acknowledgement of receipt, added to a sending recorded without one."""

    acknowledgement = forms.FileField(
        label=_("Accusé de réception"),
        help_text=_("PDF ou image (PNG, JPEG), 10 Mo au plus."),
    )
