from django import forms
from django.utils.translation import gettext_lazy as _

from .report import MAX_BYTES


class ExportForm(forms.Form):
    """What the flux carries: the campaign, or one of its closed jury sessions."""

    session = forms.ModelChoiceField(
        label=_("Jury"),
        queryset=None,
        required=False,
        empty_label=_("Toute la campagne"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions


class ReportForm(forms.Form):
    report = forms.FileField(
        label=_("Compte rendu de traitement de la CDC"),
        help_text=_("Fichier CSV « idFlux;idTechnique;statut;motif », 5 Mo au plus."),
    )

    def clean_report(self):
        upload = self.cleaned_data["report"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 5 Mo."))
        return upload
