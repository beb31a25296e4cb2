"""`|as_field` draws a field as crispy-bootstrap5's `|as_crispy_field` does, `|as_form` a form as
`|crispy`: same elements, attributes and texts (whitespace between tags aside), for every kind of
field, state and error; the widgets byte for byte as Django's templates."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms

from cqpm.core.templatetags.form_fields import _widget, as_field, as_form

CHOICES = [("", "---------"), ("a", "Acquise"), ("b", "Non <acquise>")]
GROUPED = [("Groupe 1", [("1", "Un"), ("2", "Deux")]), ("Groupe 2", [("3", "Trois")])]


class Sample(forms.Form):
    hidden = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label="Nom", max_length=30, help_text="Tel qu'à l'<état civil>.")
    optional = forms.CharField(label="Facultatif", required=False)
    email = forms.EmailField(label="Courriel", required=False)
    number = forms.IntegerField(label="Nombre", min_value=1)
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label="Texte", widget=forms.Textarea(attrs={"rows": 2}))
    styled = forms.CharField(
        label="Stylé", required=False, widget=forms.TextInput(attrs={"class": "font-monospace"})
    )
    select = forms.ChoiceField(label="Choix", choices=CHOICES, help_text="Aide")
    grouped = forms.ChoiceField(label="Groupé", choices=GROUPED, required=False)
    radio = forms.ChoiceField(label="Radio", choices=CHOICES[1:], widget=forms.RadioSelect)
    radio_optional = forms.ChoiceField(
        label="Radio facultatif",
        choices=CHOICES[1:],
        widget=forms.RadioSelect,
        required=False,
        help_text="Une seule",
    )
    grouped_radio = forms.ChoiceField(
        label="Radio groupé", choices=GROUPED, widget=forms.RadioSelect, required=False
    )
    many = forms.MultipleChoiceField(
        label="Plusieurs", choices=CHOICES[1:], widget=forms.CheckboxSelectMultiple
    )
    multi = forms.MultipleChoiceField(label="Liste", choices=CHOICES[1:], required=False)
    check = forms.BooleanField(label="J'accepte", help_text="Obligatoire")
    check_optional = forms.BooleanField(label="Option", required=False)
    unlabelled = forms.CharField(label="", required=False)
    disabled = forms.CharField(label="Figé", disabled=True, required=False)
    upload = forms.FileField(label="Fichier", required=False)

    def clean(self):
        self.add_error("optional", "Deux erreurs")
        self.add_error("optional", "ici <b>")
        return self.cleaned_data


def _normalized(html: str) -> str:
    html = re.sub(r"\s+", " ", str(html))
    html = re.sub(r"\s*(<|>)\s*", r"\1", html)
    return re.sub(r"\s+(/?>)", r"\1", html)


def _pairs(form):
    for name in form.fields:
        crispy = as_crispy_field(form[name])  # first: it sets the widget's classes, as ours does
        ours = as_field(form[name])
        yield name, _normalized(crispy), _normalized(ours)


BOUND = {
    "hidden": "1",
    "name": "x" * 40,
    "optional": "o",
    "email": "pas-un-courriel",
    "number": "0",
    "day": "hier",
    "text": "",
    "select": "zz",
    "grouped": "2",
    "radio": "",
    "radio_optional": "b",
    "grouped_radio": "3",
    "many": ["a", "zz"],
    "multi": ["b"],
    "check": "",
    "check_optional": "on",
    "styled": "<script>",
}


@pytest.mark.parametrize(
    "form",
    [
        Sample(),
        Sample(initial={"select": "b", "radio": "a", "many": ["a"], "check_optional": True}),
        Sample(data=BOUND),
        Sample(data={"name": "ok", "radio": "a"}, auto_id="f-%s", prefix="p"),
    ],
    ids=["unbound", "initial", "errors", "prefix"],
)
def test_each_field_is_drawn_as_crispy_draws_it(form):
    if form.is_bound:
        form.is_valid()
    for name, crispy, ours in _pairs(form):
        assert ours == crispy, name


def test_errors_are_shown_under_each_field():
    form = Sample(data=BOUND)
    assert not form.is_valid()
    html = as_field(form["radio"])
    assert 'class="form-check-input is-invalid"' in html and 'aria-invalid="true"' in html
    assert "Ce champ est obligatoire." in html
    assert 'id="error_2_id_optional"' in as_field(form["optional"])
    assert "ici &lt;b&gt;" in as_field(form["optional"])


class Widgets(forms.Form):
    numbers = forms.TypedChoiceField(label="Nombres", choices=[(1, 1000), (2, 2000)], coerce=int)
    grouped = forms.ChoiceField(label="Groupé", choices=GROUPED)
    text = forms.CharField(label="Texte", widget=forms.Textarea)
    day = forms.DateField(label="Jour", localize=True)
    moment = forms.TimeField(label="Heure", widget=forms.TimeInput(format="%H:%M"))
    secret = forms.CharField(label="Secret", widget=forms.PasswordInput(render_value=True))
    initial = forms.CharField(label="Initial", show_hidden_initial=True, required=False)


@pytest.mark.parametrize(
    "form",
    [
        Sample(),
        Sample(data=BOUND),
        Widgets(),
        Widgets(initial={"text": "\nligne <1>", "day": "2026-12-07", "numbers": 2}),
        Widgets(data={"text": "\n\n<b>", "numbers": "9", "secret": "s\"'", "grouped": "3"}),
    ],
)
def test_each_widget_is_drawn_as_djangos_templates_draw_it(form):
    """Byte for byte, whitespace included (a textarea's first line break matters)."""
    for name in form.fields:
        as_field(form[name])  # the classes crispy would add
        assert _widget(form[name]) == str(form[name]), name


class Whole(Sample):
    def clean(self):
        raise forms.ValidationError(["Incohérent <ici>.", "Et là."])


@pytest.mark.parametrize("form", [Sample(), Whole(data=BOUND), Whole(data={"name": "n"})])
def test_the_whole_form_is_drawn_as_crispy_draws_it(form):
    if form.is_bound:
        form.is_valid()
    assert _normalized(as_form(form)) == _normalized(as_crispy_form(form))
    if form.is_bound:
        assert "Incohérent &lt;ici&gt;." in as_form(form)
