from rest_framework import serializers

from candidates.models import Campaign, Candidate, Company, ExamCentre, Pathway, Registration
from referentials.models import Referential

PERSON_FIELDS = ["civility", "last_name", "first_name", "birth_date", "email", "phone"]


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


class CandidateSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="E-mail (vide si inconnu).")

    class Meta:
        model = Candidate
        fields = ["id", *PERSON_FIELDS, "address", "created_at", "updated_at"]
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

    class Meta:
        model = Registration
        fields = [
            "id",
            "campaign",
            "candidate",
            "company",
            "pathway",
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


def _text(max_length: int | None, help_text: str, *, required: bool = False):
    return serializers.CharField(
        max_length=max_length,
        required=required,
        allow_blank=not required,
        default=serializers.empty if required else "",
        trim_whitespace=True,
        help_text=help_text,
    )


class RegistrationRowSerializer(serializers.Serializer):
    """One person to register: the columns of the import file, under their API names."""

    civility = serializers.ChoiceField(
        choices=Candidate.Civility.choices, help_text="Civilité : « M. » ou « Mme »."
    )
    last_name = _text(150, "Nom de naissance ou d'usage.", required=True)
    first_name = _text(150, "Prénom.", required=True)
    birth_date = serializers.DateField(help_text="Date de naissance (AAAA-MM-JJ).")
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
