"""Forms check shape only; the rules (justification, admissibility, states) live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from candidates.models import CentreMembership, ExamCentre
from cqpm.core.session_pages import SessionCancelForm, SessionEditForm

from .models import CapacityResult, Decision, JurySession


class CapacityResultForm(forms.Form):
    """One row of the results form (prefixed by capacity); the service checks the rules, so a
    row left blank is not an error here: it records nothing."""

    outcome = forms.ChoiceField(
        label=_("Résultat"),
        choices=CapacityResult.Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire lorsque la capacité n'est pas acquise."),
    )
    methods = forms.MultipleChoiceField(
        label=_("Modalités sur lesquelles repose le résultat"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, method_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["methods"].choices = list(method_choices)


class SheetVersionForm(forms.Form):
    """The version of the results the form was read at (optimistic concurrency)."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class ResultCorrectionForm(CapacityResultForm):
    reason = forms.CharField(
        label=_("Motif de la correction"), widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CentreMembership) -> str:
        college = obj.get_college_display() if obj.college else _("sans collège")
        return f"{obj.user} — {college}"


class MembershipMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: CentreMembership) -> str:
        college = obj.get_college_display() if obj.college else _("sans collège")
        return f"{obj.user} — {college}"


def _jury_memberships(centre: ExamCentre):
    return (
        CentreMembership.objects.filter(centre=centre, role=CentreMembership.Role.JURY)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


class JurySessionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Heure"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        required=False,
        help_text=_("L'heure de convocation des candidats, indiquée sur leur convocation."),
    )
    place = forms.CharField(label=_("Lieu"), max_length=255)
    president = MembershipChoiceField(label=_("Président du jury"), queryset=None)
    members = MembershipMultipleChoiceField(
        label=_("Autres membres"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, centre: ExamCentre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["president"].queryset = _jury_memberships(centre)
        self.fields["members"].queryset = _jury_memberships(centre)


# A planned jury's date, time and place, and its cancellation: the twin pages' one pair of
# forms (cqpm.core.session_pages), under the names this app's views use.
JuryRescheduleForm = SessionEditForm
JuryCancelForm = SessionCancelForm


class JuryMemberAddForm(forms.Form):
    membership = MembershipChoiceField(label=_("Membre de jury du centre"), queryset=None)
    is_president = forms.BooleanField(
        label=_("Président (remplace le président actuel)"), required=False
    )

    def __init__(self, *args, centre: ExamCentre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = _jury_memberships(centre)


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Membres présents (émargement)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, session: JurySession, **kwargs):
        super().__init__(*args, **kwargs)
        members = session.members.select_related("user")
        self.fields["present"].queryset = members
        self.fields["present"].label_from_instance = lambda m: (
            f"{m.user} — {m.get_college_display()}"
            + (f" ({_('président')})" if m.is_president else "")
        )
        if not self.is_bound:
            self.initial["present"] = [m.pk for m in members if m.present]


class AssignForm(forms.Form):
    registrations = forms.ModelMultipleChoiceField(
        label=_("Candidats à présenter"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registrations"].queryset = queryset


JURY_REASON_HELP = _(
    "Obligatoire lorsque la décision s'écarte de celle que proposent les capacités (« non "
    "admissible » avec toutes les capacités acquises, « admissible » avec une capacité non "
    "acquise) : il figure au procès-verbal et sur le document remis au candidat."
)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Décision"), choices=Decision.Outcome.choices)
    jury_reason = forms.CharField(label=_("Motif de la décision du jury"), required=False)
    expected = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AmendForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Nouvelle décision"), choices=Decision.Outcome.choices)
    reason = forms.CharField(
        label=_("Motif de la rectification"), widget=forms.Textarea(attrs={"rows": 3})
    )
    jury_reason = forms.CharField(
        label=_("Motif de la décision du jury"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=JURY_REASON_HELP,
    )
