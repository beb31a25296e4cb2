from django.core.validators import MaxLengthValidator
from rest_framework import serializers

from candidates.models import (
    ACCESS_MODE_OF_PATHWAY,
    CDC_IDENTITY_FIELDS,
    AccessMode,
    Campaign,
    Candidate,
    Company,
    ExamCentre,
    Pathway,
    Registration,
    RegistrationInitiative,
    VaeWay,
)
from candidates.validators import validate_person_name
from referentials.models import Referential

PERSON_FIELDS = ["civility", "last_name", "first_name", "birth_date", "email", "phone"]
# What the Caisse des Dépôts' deposit needs of a person and a registration (Candidate's and
# Registration's fields of the same names, under their own validators).
IDENTITY_FIELDS = list(CDC_IDENTITY_FIELDS)
ACCESS_FIELDS = ["access_mode", "vae_way", "registration_initiative"]


class CentreSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExamCentre
        fields = ["id", "code", "name"]
        read_only_fields = fields


class ReferentialRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referential
        fields = ["id", "code", "version", "title"]
        read_only_fields = fields


class CampaignSerializer(serializers.ModelSerializer):
    centre = CentreSerializer(read_only=True)
    referential = ReferentialRefSerializer(read_only=True)
    status_label = serializers.CharField(read_only=True, help_text="Statut, en clair.")

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "centre",
            "referential",
            "status",
            "status_label",
            "registration_opens",
            "registration_closes",
            "report_deadline",
            "opinion_deadline",
            "commission_starts",
            "commission_ends",
            "jury_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _read_choice(choices, help_text: str) -> serializers.ChoiceField:
    """A choice that may still be blank (to fill in): "" is one of its values."""
    return serializers.ChoiceField(
        choices=[("", "—"), *choices.choices], read_only=True, help_text=help_text
    )


class CandidateSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="E-mail (vide si inconnu).")
    sex = _read_choice(Candidate.Sex, "Sexe (vide : à renseigner).")

    class Meta:
        model = Candidate
        fields = ["id", *PERSON_FIELDS, *IDENTITY_FIELDS, "address", "created_at", "updated_at"]
        read_only_fields = fields


class CompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "name", "siret"]
        read_only_fields = fields


class RegistrationSerializer(serializers.ModelSerializer):
    candidate = CandidateSerializer(read_only=True)
    company = CompanySerializer(read_only=True, allow_null=True)
    tutor_email = serializers.CharField(
        source="tutor.email", read_only=True, allow_null=True, default=None
    )
    stage_label = serializers.CharField(read_only=True, help_text="Étape, en clair.")
    access_mode = _read_choice(AccessMode, "Modalité d'accès (dépôt à la CDC).")
    vae_way = _read_choice(VaeWay, "Voie d'accès à la VAE.")
    registration_initiative = _read_choice(RegistrationInitiative, "Initiative de l'inscription.")

    class Meta:
        model = Registration
        fields = [
            "id",
            "campaign",
            "candidate",
            "company",
            "pathway",
            *ACCESS_FIELDS,
            "tutor_email",
            "registered_on",
            "stage",
            "stage_label",
            "late_reason",
            "withdrawn_at",
            "withdrawal_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _text(max_length: int | None, help_text: str, *, required: bool = False, validators=()):
    return serializers.CharField(
        max_length=max_length,
        required=required,
        allow_blank=not required,
        default=serializers.empty if required else "",
        trim_whitespace=True,
        help_text=help_text,
        validators=list(validators),
    )


NAME = validate_person_name


class _UpperCharField(serializers.CharField):
    """A code written in capitals whatever was typed (2a004 is 2A004, fra is FRA)."""

    def to_internal_value(self, data):
        return super().to_internal_value(data).upper()


UPPER_FIELDS = frozenset({"birth_place_insee", "birth_postal_code", "birth_country_code"})


def _model_text(model, name: str, help_text: str) -> serializers.Field:
    """An optional field under the model field's own rules (length, choices, validators); left
    out, the model's default (the birth name is the name, the country France...)."""
    field = model._meta.get_field(name)
    if field.choices:
        return serializers.ChoiceField(
            choices=[("", "—"), *field.choices],
            required=False,
            allow_blank=True,
            help_text=help_text,
        )
    own = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    kind = _UpperCharField if name in UPPER_FIELDS else serializers.CharField
    return kind(
        max_length=field.max_length,
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        validators=own,
        help_text=help_text,
    )


class IdentityFieldsMixin(serializers.Serializer):
    """The deposit's identity of a person to register, and of their registration."""

    birth_name = _model_text(Candidate, "birth_name", "Nom de naissance (vide : le nom).")
    usage_name = _model_text(Candidate, "usage_name", "Nom d'usage, s'il diffère.")
    second_first_name = _model_text(Candidate, "second_first_name", "Deuxième prénom.")
    third_first_name = _model_text(Candidate, "third_first_name", "Troisième prénom.")
    sex = _model_text(Candidate, "sex", "Sexe : « M » ou « F » (vide : celui de la civilité).")
    birth_place_insee = _model_text(
        Candidate, "birth_place_insee", "Code INSEE de la commune de naissance (5 caractères)."
    )
    birth_postal_code = _model_text(
        Candidate, "birth_postal_code", "Code postal de la commune de naissance, à défaut."
    )
    birth_place_label = _model_text(Candidate, "birth_place_label", "Commune de naissance.")
    birth_country_code = _model_text(
        Candidate, "birth_country_code", "Pays de naissance, ISO 3166-1 alpha-3 (FRA par défaut)."
    )
    birth_country_label = _model_text(
        Candidate, "birth_country_label", "Pays de naissance, en clair (France par défaut)."
    )
    access_mode = _model_text(
        Registration, "access_mode", "Modalité d'accès (vide : celle du parcours)."
    )
    vae_way = _model_text(Registration, "vae_way", "Voie d'accès à la VAE (modalité VAE).")
    registration_initiative = _model_text(
        Registration, "registration_initiative", "Initiative de l'inscription."
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        mode = attrs.get("access_mode") or ACCESS_MODE_OF_PATHWAY.get(attrs.get("pathway", ""), "")
        if attrs.get("vae_way") and mode != AccessMode.VAE:
            raise serializers.ValidationError(
                {"vae_way": "La voie d'accès à la VAE ne vaut que pour la modalité VAE."}
            )
        return attrs


class RegistrationRowSerializer(IdentityFieldsMixin, serializers.Serializer):
    """One person to register: the columns of the import file, under their API names."""

    civility = serializers.ChoiceField(
        choices=Candidate.Civility.choices, help_text="Civilité : « M. » ou « Mme »."
    )
    last_name = _text(
        60, "Nom (celui des listes et des documents).", required=True, validators=[NAME]
    )
    first_name = _text(60, "Prénom.", required=True, validators=[NAME])
    # Its range is the import's check and the service's (errors by row in a batch).
    birth_date = serializers.DateField(help_text="Date de naissance (AAAA-MM-JJ), de 1900 à 2099.")
    email = _text(254, "E-mail du candidat.")
    phone = _text(32, "Téléphone.")
    company_name = _text(200, "Raison sociale de l'entreprise (avec son SIRET).")
    siret = _text(20, "SIRET de l'entreprise (14 chiffres).")
    pathway = serializers.ChoiceField(choices=Pathway.choices, help_text="Parcours.")
    tutor_email = _text(254, "E-mail du tuteur (un compte lui est créé s'il n'en a pas).")


class RegistrationCreateSerializer(RegistrationRowSerializer):
    """Register one person, as the « Inscrire un candidat » page does."""

    campaign = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="Campagne.")
    address = _text(None, "Adresse postale.")
    registered_on = serializers.DateField(
        required=False, help_text="Date d'inscription (aujourd'hui par défaut)."
    )
    late_reason = _text(
        None, "Motif, obligatoire une fois les évaluations commencées (inscription tardive)."
    )


class BulkRowSerializer(RegistrationRowSerializer):
    homonym = serializers.RegexField(
        # Empty (the default) is allowed by the pattern too: a default must match its own rule.
        r"^(same|different|same:\d{1,18})?$",
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Pour un homonyme possible (mêmes nom, prénom et date de naissance, autre e-mail) : "
            "« same » (la personne connue), « same:<id> » (l'une de plusieurs) ou « different »."
        ),
    )
    update_contact = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Reprendre l'e-mail et le téléphone de la ligne pour une personne connue.",
    )


class BulkCreateSerializer(serializers.Serializer):
    """Register many people at once, all or none, with the checks of the file import."""

    campaign = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="Campagne.")
    late_reason = _text(None, "Motif des inscriptions tardives (évaluations commencées).")
    rows = BulkRowSerializer(many=True, allow_empty=False, max_length=10_000)


class BulkCreatedSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Nombre d'inscriptions créées.")
    registrations = serializers.ListField(
        child=serializers.IntegerField(), help_text="Identifiants des inscriptions créées."
    )
