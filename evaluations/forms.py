"""Forms check shape only; the rules live in services (evaluations.services.*)."""

from django import forms
from django.utils.choices import BaseChoiceIterator, normalize_choices
from django.utils.translation import gettext_lazy as _

from cqpm.core.session_pages import SessionCancelForm
from cqpm.core.session_pages import SessionEditForm as BaseSessionEditForm
from referentials.models import Capacity, EvaluationMethod

from .models import CompanyOpinion, Rating
from .services.dossiers import CapacityChoice
from .services.opinions import Answer, OpinionAnswers

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PREFERRED = EvaluationMethod.PROFESSIONAL_PROJECT


def _methods_in_order(capacity: Capacity) -> list[str]:
    # The privileged method comes first (DESIGN.md §4).
    return sorted(capacity.methods, key=lambda code: code != PREFERRED)


class DossierForm(forms.Form):
    """Per capacity: methods among those allowed (checkboxes) and, if needed, a justification."""

    def __init__(self, *args, capacities, rows=None, check_all=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.capacities = list(capacities)
        rows = rows or {}
        labels = dict(EvaluationMethod.choices)
        for capacity in self.capacities:
            row = rows.get(capacity.pk)
            allowed = _methods_in_order(capacity)
            initial = row.methods if row else [c for c in allowed if c == PREFERRED]
            if check_all:  # « Tout cocher »: every allowed method but the exceptional one
                initial = [c for c in allowed if c != EvaluationMethod.RECONSTITUTED_SITUATION]
            self.fields[f"methods_{capacity.pk}"] = forms.MultipleChoiceField(
                label=_("Modalités d'évaluation"),
                choices=[(code, labels.get(code, code)) for code in allowed],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=initial,
            )
            if EvaluationMethod.RECONSTITUTED_SITUATION in allowed:
                self.fields[f"justification_{capacity.pk}"] = forms.CharField(
                    label=_(
                        "Justification de la situation reconstituée (pourquoi le milieu "
                        "professionnel est impossible)"
                    ),
                    widget=forms.Textarea(attrs={"rows": 2}),
                    required=False,
                    initial=row.justification if row else "",
                )

    def groups(self):
        for capacity in self.capacities:
            yield (
                capacity,
                self[f"methods_{capacity.pk}"],
                self[f"justification_{capacity.pk}"]
                if f"justification_{capacity.pk}" in self.fields
                else None,
            )

    def choices(self) -> dict[int, CapacityChoice]:
        data = self.cleaned_data
        return {
            c.pk: CapacityChoice(
                methods=data.get(f"methods_{c.pk}") or [],
                justification=data.get(f"justification_{c.pk}") or "",
            )
            for c in self.capacities
        }

    def add_capacity_errors(self, errors: dict[int, list[str]]) -> None:
        for capacity_id, messages in errors.items():
            name = f"methods_{capacity_id}"
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Commentaire du centre de ressource"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ReportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Rapport du candidat (PDF)"),
        allow_empty_file=True,  # the service refuses it with its own message
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    accept_late = forms.BooleanField(label=_("Accepter le rapport en retard"), required=False)


class RespondentForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Qualité du répondant"), choices=CompanyOpinion.RespondentRole.choices
    )
    email = forms.EmailField(label=_("Adresse e-mail du répondant"))
    first_name = forms.CharField(label=_("Prénom"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Nom"), required=False, max_length=150)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"), widget=forms.Textarea(attrs={"rows": 2})
    )


RATING_CHOICES = [("", _("— non renseignée —")), *Rating.choices]


class _Choices(BaseChoiceIterator):
    """Choices normalized once, not once per field: ChoiceField keeps an iterator as it is, so
    the opinion form's forty rating fields no longer normalize the same choices 120 times (their
    labels stay lazy: translated when drawn)."""

    def __init__(self, choices):
        self._choices = list(normalize_choices(choices))

    def __iter__(self):
        return iter(self._choices)

    def __len__(self):
        return len(self._choices)


CAPACITY_RATINGS = _Choices(Rating.choices)
CRITERION_RATINGS = _Choices(RATING_CHOICES)


class OpinionForm(forms.Form):
    """Per capacity a rating and a comment, optionally per criterion, and an overall comment."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    overall_comment = forms.CharField(
        label=_("Appréciation générale"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, capacities, opinion, **kwargs):
        super().__init__(*args, **kwargs)
        self.capacities = list(capacities)  # prefetched with their criteria
        rows = {row.capacity_id: row for row in opinion.capacities.all()}
        criteria_rows = {row.criterion_id: row for row in opinion.criteria.all()}
        self.fields["revision"].initial = opinion.revision
        self.fields["overall_comment"].initial = opinion.overall_comment
        for capacity in self.capacities:
            row = rows.get(capacity.pk)
            self.fields[f"rating_{capacity.pk}"] = forms.ChoiceField(
                label=_("Appréciation"),
                choices=CAPACITY_RATINGS,
                widget=forms.RadioSelect,
                required=False,
                initial=row.rating if row else "",
            )
            self.fields[f"comment_{capacity.pk}"] = forms.CharField(
                label=_("Commentaire"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=row.comment if row else "",
            )
            for criterion in capacity.criteria.all():
                crow = criteria_rows.get(criterion.pk)
                self.fields[f"crating_{criterion.pk}"] = forms.ChoiceField(
                    label=criterion.text,
                    choices=CRITERION_RATINGS,
                    required=False,
                    initial=crow.rating if crow else "",
                )
                self.fields[f"ccomment_{criterion.pk}"] = forms.CharField(
                    label=_("Commentaire sur ce critère"),
                    required=False,
                    initial=crow.comment if crow else "",
                )

    def groups(self):
        for capacity in self.capacities:
            criteria = [
                (c, self[f"crating_{c.pk}"], self[f"ccomment_{c.pk}"])
                for c in capacity.criteria.all()
            ]
            yield capacity, self[f"rating_{capacity.pk}"], self[f"comment_{capacity.pk}"], criteria

    def answers(self) -> OpinionAnswers:
        data = self.cleaned_data
        return OpinionAnswers(
            overall_comment=data.get("overall_comment", ""),
            capacities={
                c.pk: Answer(data.get(f"rating_{c.pk}", ""), data.get(f"comment_{c.pk}", ""))
                for c in self.capacities
            },
            criteria={
                cr.pk: Answer(data.get(f"crating_{cr.pk}", ""), data.get(f"ccomment_{cr.pk}", ""))
                for c in self.capacities
                for cr in c.criteria.all()
            },
        )


OVERRIDE_REASON = {
    "label": _("Motif d'une date antérieure aux dates limites des preuves"),
    "help_text": _(
        "Seulement si la commission se tient avant la date limite des rapports ou des avis "
        "d'entreprise : le motif est conservé et tracé."
    ),
    "widget": forms.Textarea(attrs={"rows": 2}),
    "required": False,
    "max_length": 2000,
}


TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class SessionEditForm(BaseSessionEditForm):
    """Date, time and place of a session (the place left blank keeps the current one), and the
    reason of a date before the evidence is due."""

    override_reason = forms.CharField(**OVERRIDE_REASON)

    field_order = ["date", "start_time", "place", "override_reason"]


# The cancellation's one form (cqpm.core.session_pages), under the name this app's views use.
CancelForm = SessionCancelForm


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(
        label=_("Heure"),
        widget=TIME_WIDGET,
        required=False,
        help_text=_("L'heure de convocation des candidats, indiquée sur leur convocation."),
    )
    place = forms.CharField(label=_("Lieu"), max_length=255)
    override_reason = forms.CharField(**OVERRIDE_REASON)
    evaluators = forms.ModelMultipleChoiceField(
        label=_("Évaluateurs"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, evaluators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluators"].queryset = evaluators


class EvaluatorAddForm(forms.Form):
    evaluator = forms.ModelChoiceField(label=_("Évaluateur à ajouter"), queryset=None)

    def __init__(self, *args, evaluators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = evaluators


class AssignBatchForm(forms.Form):
    """The candidates checked on a session's page and the session they go to (this one by
    default; cancelled sessions are not a choice)."""

    ids = forms.ModelMultipleChoiceField(
        label=_("Candidats à affecter"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Cochez au moins un candidat à affecter."),
            "invalid_choice": _("Cochez des candidats de la campagne."),
            "invalid_pk_value": _("Cochez des candidats de la campagne."),
        },
    )
    session = forms.ModelChoiceField(
        label=_("Commission"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Choisissez une commission de la campagne.")},
    )

    def __init__(self, *args, registrations, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].queryset = registrations
        self.fields["session"].queryset = sessions.filter(cancelled_at__isnull=True)
        self.fields["session"].label_from_instance = lambda s: (
            _("%(date)s — %(place)s (%(n)s candidat(s))")
            % {"date": s.date.strftime("%d/%m/%Y"), "place": s.place, "n": s.candidate_count}
        )


class InterviewForm(forms.Form):
    date = forms.DateField(label=_("Date de l'entretien"), widget=DATE_WIDGET)
    evaluators = forms.ModelMultipleChoiceField(
        label=_("Évaluateurs présents"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    general_notes = forms.CharField(
        label=_("Notes générales"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, capacities, evaluators, interview=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.capacities = list(capacities)
        self.fields["evaluators"].queryset = evaluators
        notes = {n.capacity_id: n.notes for n in interview.notes.all()} if interview else {}
        if interview:
            self.fields["date"].initial = interview.date
            self.fields["evaluators"].initial = list(interview.evaluators.all())
            self.fields["general_notes"].initial = interview.general_notes
        for capacity in self.capacities:
            self.fields[f"notes_{capacity.pk}"] = forms.CharField(
                label=str(capacity),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=notes.get(capacity.pk, ""),
            )

    def notes(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"notes_{c.pk}", "") for c in self.capacities}
