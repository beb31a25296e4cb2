from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ApiToken


class TokenForm(forms.Form):
    """The shape of a new token; the rules (owner, name) live in api.services."""

    SCOPES = [
        ("read_only", _("Lecture seule")),
        ("read_write", _("Lecture-écriture")),
    ]

    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("Pour le reconnaître : le logiciel ou le script qui l'utilise."),
    )
    scope = forms.ChoiceField(
        label=_("Portée"),
        choices=SCOPES,
        initial="read_only",
        widget=forms.RadioSelect,
        help_text=_(
            "Un jeton en lecture seule lit ; en lecture-écriture il peut aussi inscrire des "
            "candidats. Dans les deux cas il n'a que vos propres droits."
        ),
    )

    @property
    def read_only(self) -> bool:
        return self.cleaned_data["scope"] == "read_only"
