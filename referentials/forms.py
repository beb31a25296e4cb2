"""The form of a referential's RNCP registration (code, end, blocks' codes): the referentials'
validators give the French errors; the service (`referential_rncp_update`) has the last word."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Referential
from .services import RncpData
from .validators import normalize_rncp_code, validate_rncp_block_code, validate_rncp_code

BLOCK_PREFIX = "bloc_"


class RncpForm(forms.Form):
    registered = forms.BooleanField(label=_("Inscrit au RNCP"), required=False)
    code = forms.CharField(
        label=_("Code RNCP"),
        max_length=32,
        required=False,
        help_text=_("Par exemple RNCP35231."),
    )
    registration_end = forms.DateField(
        label=_("Fin d'enregistrement au RNCP"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, referential: Referential, **kwargs) -> None:
        initial = {
            "registered": referential.rncp_registered,
            "code": referential.rncp_code,
            "registration_end": referential.rncp_registration_end,
        }
        self.blocks = list(referential.blocks.order_by("position"))
        for block in self.blocks:
            initial[BLOCK_PREFIX + str(block.pk)] = block.rncp_code
        super().__init__(*args, initial=initial, **kwargs)
        for block in self.blocks:
            self.fields[BLOCK_PREFIX + str(block.pk)] = forms.CharField(
                label=_("Code RNCP du bloc %(code)s — %(title)s")
                % {"code": block.code, "title": block.title},
                max_length=32,
                required=False,
                help_text=_("Par exemple RNCP35231BC01."),
            )
        self.fields["registered"].widget.attrs["class"] = "form-check-input"
        for name, field in self.fields.items():
            if name != "registered":
                field.widget.attrs["class"] = "form-control"

    def clean_code(self) -> str:
        code = normalize_rncp_code(self.cleaned_data["code"])
        validate_rncp_code(code)
        return code

    def clean(self):
        data = super().clean()
        for block in self.blocks:
            name = BLOCK_PREFIX + str(block.pk)
            if name not in data:
                continue
            value = normalize_rncp_code(data[name])
            try:
                validate_rncp_block_code(value)
            except ValidationError as exc:
                self.add_error(name, exc)
                continue
            data[name] = value
        return data

    def block_fields(self):
        return [self[BLOCK_PREFIX + str(block.pk)] for block in self.blocks]

    def rncp_data(self) -> RncpData:
        data = self.cleaned_data
        return RncpData(
            registered=data["registered"],
            code=data["code"],
            registration_end=data["registration_end"],
            block_codes={b.code: data[BLOCK_PREFIX + str(b.pk)] for b in self.blocks},
        )
