from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate

from .models import ConvocationAnswer


class CandidateReportForm(forms.Form):
    file = forms.FileField(
        label=_("Votre rapport (PDF)"),
        allow_empty_file=True,  # the service refuses it with its own message
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class ConvocationAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Votre réponse"),
        choices=[
            (
                ConvocationAnswer.Answer.ACKNOWLEDGED,
                _("J'ai bien reçu cette convocation, je serai présent(e)"),
            ),
            (ConvocationAnswer.Answer.DECLINED, _("Je ne pourrai pas venir")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Si vous ne pouvez pas venir, pourquoi ?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Le centre d'examen lit votre motif et vous recontacte."),
    )


class CorrectionRequestForm(forms.Form):
    """The values the candidate wants (left empty: unchanged) and why."""

    civility = forms.ChoiceField(
        label=_("Civilité"), choices=[("", "—"), *Candidate.Civility.choices], required=False
    )
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=32, required=False)
    address = forms.CharField(
        label=_("Adresse"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    message = forms.CharField(
        label=_("Votre demande"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce qui est inexact, et au besoin la pièce que vous pouvez fournir."),
    )


class CorrectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("accept", _("Accepter et rectifier")), ("refuse", _("Refuser"))],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=_("Réponse au candidat"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour un refus."),
    )
