"""The filters of the statistics pages (GET): period, CQPM, centre, pathway, grouping."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.models import Pathway

from . import selectors
from .report import GROUP_LABELS


class StatisticsFilterForm(forms.Form):
    du = forms.DateField(
        label=_("Jurys du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    au = forms.DateField(
        label=_("au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    cqpm = forms.ChoiceField(label=_("CQPM"), required=False)
    centre = forms.TypedChoiceField(label=_("Centre"), required=False, coerce=int, empty_value=None)
    parcours = forms.ChoiceField(
        label=_("Parcours"),
        required=False,
        choices=[("", _("Tous les parcours")), *Pathway.choices],
    )
    par = forms.ChoiceField(
        label=_("Regrouper par"), required=False, choices=list(GROUP_LABELS.items())
    )

    def __init__(self, data, *, scope: selectors.Scope, default_group: str) -> None:
        super().__init__(data)
        self.default_group = default_group
        self.fields["cqpm"].choices = [
            ("", _("Tous les CQPM")),
            *((code, f"{code} — {title}") for code, title in selectors.cqpm_choices(scope=scope)),
        ]
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if select else "form-control"
        self.fields["centre"].choices = [
            ("", _("Tous les centres")),
            *selectors.centre_choices(scope=scope),
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("du"), data.get("au")
        if start and end and start > end:
            raise forms.ValidationError(_("La période commence après sa fin."))
        return data

    def filters(self) -> tuple[selectors.Filters, str]:
        """The filters chosen, or none at all when the form has errors (shown beside it)."""
        if not self.is_valid():
            return selectors.Filters(), self.default_group
        data = self.cleaned_data
        return (
            selectors.Filters(
                start=data.get("du"),
                end=data.get("au"),
                cqpm=data.get("cqpm") or "",
                centre=data.get("centre"),
                pathway=data.get("parcours") or "",
            ),
            data.get("par") or self.default_group,
        )
