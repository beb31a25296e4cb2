from django import forms
from django.utils.translation import gettext_lazy as _

from .verification import MAX_INPUT_CHARS


class VerifyForm(forms.Form):
    text = forms.CharField(
        label=_("Badge à vérifier (texte JWT ou JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
    )
    file = forms.FileField(label=_("ou son fichier (.jwt ou .json)"), required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return ""
        if upload.size > MAX_INPUT_CHARS:
            raise forms.ValidationError(
                _("Ce fichier est trop gros pour être un badge (64 Ko au plus).")
            )
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("Ce fichier n'est pas un texte : ce n'est pas un badge.")
            ) from None

    def credential_text(self) -> str:
        return self.cleaned_data.get("file") or self.cleaned_data.get("text") or ""
