from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.forms import identity_form_fields, model_field
from candidates.models import Candidate


class EmailSearchForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail de la personne"))


class CorrectionForm(forms.Form):
    civility = forms.ChoiceField(label=_("Civilité"), choices=Candidate.Civility.choices)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    birth_date = forms.DateField(
        label=_("Date de naissance"), widget=forms.DateInput(attrs={"type": "date"})
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=32, required=False)
    address = forms.CharField(
        label=_("Adresse"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reason = forms.CharField(
        label=_("Motif de la rectification"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Par exemple : demande écrite de la personne du 12/03, pièce d'identité vue."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The names and birth date under the model's rules, then the identity the CDC deposit
        # needs (the registration form's fields), the reason last.
        reason = self.fields.pop("reason")
        for name in ("last_name", "first_name", "birth_date"):
            self.fields[name].validators = model_field(Candidate, name).validators
        self.fields.update(identity_form_fields())
        self.fields["reason"] = reason


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Je confirme l'effacement : l'identité et les coordonnées seront remplacées, les "
            "fichiers supprimés ; les décisions et les codes de vérification sont conservés."
        )
    )
