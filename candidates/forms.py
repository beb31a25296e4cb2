"""Forms check shape only; the rules live in candidates.services."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cqpm.core.registry import missing_filters
from referentials.models import Referential

from . import selectors
from .models import (
    ACCESS_MODE_OF_PATHWAY,
    CDC_IDENTITY_FIELDS,
    SEX_OF_CIVILITY,
    AccessMode,
    Campaign,
    Candidate,
    CentreMembership,
    ExamCentre,
    Pathway,
    Registration,
)
from .services import AccessData, CampaignData, CentreData, PersonData
from .services.centres import LOGO_MAX_BYTES
from .validators import validate_siret

_DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
CAMPAIGN_DATE_FIELDS = (
    "registration_opens",
    "registration_closes",
    "report_deadline",
    "opinion_deadline",
    "commission_starts",
    "commission_ends",
    "jury_date",
)


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ("centre", "referential", "name", *CAMPAIGN_DATE_FIELDS)
        widgets = {name: _DATE["widget"] for name in CAMPAIGN_DATE_FIELDS}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        published = Q(status=Referential.Status.PUBLISHED)
        if self.instance.pk:
            del self.fields["centre"]
            published |= Q(pk=self.instance.referential_id)
        else:
            self.fields["centre"].queryset = selectors.centre_list_for(user=user)
        self.fields["referential"].queryset = Referential.objects.filter(published)
        self.fields["referential"].help_text = _("Seules les versions publiées sont proposées.")

    def campaign_data(self) -> CampaignData:
        data = self.cleaned_data
        return CampaignData(
            name=data["name"], **{name: data[name] for name in CAMPAIGN_DATE_FIELDS}
        )


class CentreForm(forms.ModelForm):
    class Meta:
        model = ExamCentre
        fields = (
            "name",
            "region",
            "address",
            "contact_name",
            "email",
            "phone",
            "logo",
            "signatory_name",
            "signatory_title",
            "cdc_client_id",
            "cdc_contract_id",
        )
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > LOGO_MAX_BYTES:
            raise ValidationError(_("Le logo ne doit pas dépasser 2 Mo."))
        return logo

    def centre_data(self) -> CentreData:
        fields = CentreData.__dataclass_fields__
        return CentreData(**{name: self.cleaned_data[name] for name in fields})

    def logo_upload(self):
        logo = self.cleaned_data.get("logo")
        return logo if isinstance(logo, UploadedFile) else None

    def logo_cleared(self) -> bool:
        return self.cleaned_data.get("logo") is False


def _clean_siret(value: str) -> str:
    value = "".join(value.split())
    if value:
        validate_siret(value)
    return value


class MembershipForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("Prénom"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Nom"), required=False, max_length=150)
    role = forms.ChoiceField(label=_("Rôle"), choices=CentreMembership.Role.choices)
    college = forms.ChoiceField(
        label=_("Collège (membres de jury)"),
        choices=[("", "—"), *CentreMembership.College.choices],
        required=False,
    )
    company_siret = forms.CharField(
        label=_("SIRET de l'employeur (évaluateurs)"), required=False, max_length=20
    )
    company_name = forms.CharField(
        label=_("Raison sociale de l'employeur"), required=False, max_length=200
    )

    def clean_company_siret(self) -> str:
        return _clean_siret(self.cleaned_data["company_siret"])


class UpperCharField(forms.CharField):
    """A code written in capitals whatever was typed (2a004 is 2A004, fra is FRA)."""

    def to_python(self, value):
        return super().to_python(value).upper()


UPPER_FIELDS = frozenset({"birth_place_insee", "birth_postal_code", "birth_country_code"})


def model_field(model, name: str, **kwargs) -> forms.Field:
    """The form field of a model field: its label, help, length and validators (one rule;
    Django's form field leaves the model's own validators to a ModelForm's full_clean)."""
    field = model._meta.get_field(name)
    own = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    if name in UPPER_FIELDS:
        kwargs["form_class"] = UpperCharField
    return field.formfield(validators=own, **kwargs)


# The person's identity the CDC deposit needs, beside the name (RegistrationForm and the
# privacy rectification show them; their rules are the model fields' validators).
IDENTITY_FORM_FIELDS = CDC_IDENTITY_FIELDS
ACCESS_FORM_FIELDS = ("access_mode", "vae_way", "registration_initiative")


def identity_form_fields() -> dict[str, forms.Field]:
    return {name: model_field(Candidate, name) for name in IDENTITY_FORM_FIELDS}


def identity_initial(candidate: Candidate) -> dict:
    """What the form shows: a birth name equal to the name and a sex equal to the civility's
    are shown blank (« suit le nom / la civilité »), so that correcting those carries them."""
    values = {name: getattr(candidate, name) for name in IDENTITY_FORM_FIELDS}
    if values["birth_name"] == candidate.last_name:
        values["birth_name"] = ""
    if values["sex"] == SEX_OF_CIVILITY.get(candidate.civility):
        values["sex"] = ""
    return values


class RegistrationForm(forms.Form):
    civility = forms.ChoiceField(label=_("Civilité"), choices=Candidate.Civility.choices)
    last_name = model_field(Candidate, "last_name")
    first_name = model_field(Candidate, "first_name")
    birth_date = model_field(Candidate, "birth_date", **_DATE)
    birth_name = model_field(Candidate, "birth_name")
    usage_name = model_field(Candidate, "usage_name")
    second_first_name = model_field(Candidate, "second_first_name")
    third_first_name = model_field(Candidate, "third_first_name")
    sex = model_field(Candidate, "sex")
    birth_place_insee = model_field(Candidate, "birth_place_insee")
    birth_postal_code = model_field(Candidate, "birth_postal_code")
    birth_place_label = model_field(Candidate, "birth_place_label")
    birth_country_code = model_field(Candidate, "birth_country_code")
    birth_country_label = model_field(Candidate, "birth_country_label")
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Téléphone"), required=False, max_length=32)
    address = forms.CharField(
        label=_("Adresse"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    pathway = forms.ChoiceField(label=_("Parcours"), choices=Pathway.choices)
    access_mode = model_field(Registration, "access_mode")
    vae_way = model_field(Registration, "vae_way")
    registration_initiative = model_field(Registration, "registration_initiative")
    registered_on = forms.DateField(label=_("Date d'inscription"), **_DATE)
    company_siret = forms.CharField(
        label=_("SIRET de l'entreprise"),
        required=False,
        max_length=20,
        help_text=_("14 chiffres ; laissez vide pour un candidat sans entreprise."),
    )
    company_name = forms.CharField(
        label=_("Raison sociale"),
        required=False,
        max_length=200,
        help_text=_("Nécessaire seulement si l'entreprise n'est pas encore connue."),
    )
    tutor = forms.ModelChoiceField(
        label=_("Tuteur (compte existant)"), queryset=None, required=False
    )
    tutor_email = forms.EmailField(
        label=_("ou e-mail du tuteur"),
        required=False,
        help_text=_("Un compte sans mot de passe est créé si l'adresse est inconnue."),
    )
    late_reason = forms.CharField(
        label=_("Motif de l'inscription tardive"),
        help_text=_("Les évaluations ont commencé : le motif est obligatoire."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, user, late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not late:
            del self.fields["late_reason"]
        self.fields["tutor"].queryset = selectors.tutor_choices_for(user=user)
        self.fields["tutor"].label_from_instance = lambda u: f"{u} <{u.email}>"
        self.fields["registered_on"].initial = timezone.localdate

    @classmethod
    def initial_for(cls, registration: Registration) -> dict:
        candidate = registration.candidate
        access_mode = registration.access_mode
        if access_mode == ACCESS_MODE_OF_PATHWAY.get(registration.pathway, ""):
            access_mode = ""  # it follows the pathway
        return {
            **{name: getattr(candidate, name) for name in PersonData.__dataclass_fields__},
            **identity_initial(candidate),
            "pathway": registration.pathway,
            "access_mode": access_mode,
            "vae_way": registration.vae_way,
            "registration_initiative": registration.registration_initiative,
            "registered_on": registration.registered_on,
            "company_siret": registration.company.siret if registration.company_id else "",
            "tutor": registration.tutor_id,
        }

    def clean_company_siret(self) -> str:
        return _clean_siret(self.cleaned_data["company_siret"])

    def clean(self):
        data = super().clean()
        if data.get("tutor") and data.get("tutor_email"):
            raise ValidationError(
                _("Choisissez un tuteur dans la liste ou indiquez son e-mail, pas les deux.")
            )
        mode = data.get("access_mode") or ACCESS_MODE_OF_PATHWAY.get(data.get("pathway", ""), "")
        if data.get("vae_way") and mode != AccessMode.VAE:
            self.add_error(
                "vae_way", _("La voie d'accès à la VAE ne vaut que pour la modalité VAE.")
            )
        return data

    def person(self) -> PersonData:
        return PersonData(
            **{name: self.cleaned_data[name] for name in PersonData.__dataclass_fields__}
        )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "person": self.person(),
            "pathway": data["pathway"],
            "access": AccessData(**{name: data[name] for name in ACCESS_FORM_FIELDS}),
            "registered_on": data["registered_on"],
            "company_siret": data["company_siret"],
            "company_name": data["company_name"],
            "tutor": data["tutor"],
            "tutor_email": data["tutor_email"],
        }

    def create_kwargs(self) -> dict:
        """What registration_create takes: the same, and the reason of a late registration."""
        return {**self.service_kwargs(), "late_reason": self.cleaned_data.get("late_reason", "")}


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la désinscription"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


SORT_CHOICES = [
    ("name", _("Nom (A → Z)")),
    ("-name", _("Nom (Z → A)")),
    ("date", _("Date d'inscription (ancienne d'abord)")),
    ("-date", _("Date d'inscription (récente d'abord)")),
    ("stage", _("Étape (début du parcours d'abord)")),
    ("-stage", _("Étape (fin du parcours d'abord)")),
    ("company", _("Entreprise (A → Z)")),
    ("-company", _("Entreprise (Z → A)")),
]


class RegistrationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher (nom, prénom, e-mail ou entreprise)"), required=False, max_length=100
    )
    stage = forms.MultipleChoiceField(
        label=_("Étapes"),
        choices=Registration.Stage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pathway = forms.ChoiceField(
        label=_("Parcours"), choices=[("", _("Tous")), *Pathway.choices], required=False
    )
    company = forms.CharField(label=_("Entreprise (nom ou SIRET)"), required=False, max_length=100)
    missing = forms.MultipleChoiceField(
        label=_("Ce qui manque"), required=False, widget=forms.CheckboxSelectMultiple
    )
    sort = forms.ChoiceField(label=_("Trier par"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Offered by the later apps (cqpm.core.registry.register_missing_filter).
        self.fields["missing"].choices = [(f.name, f.label) for f in missing_filters()]

    def filters(self) -> dict:
        """Selector arguments from the valid fields; an invalid field filters nothing."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "stages": data.get("stage") or [],
            "pathway": data.get("pathway") or "",
            "company": data.get("company") or "",
            "missing": data.get("missing") or [],
            "sort": data.get("sort") or "name",
        }
