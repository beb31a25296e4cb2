"""Exam centres and their people, campaigns, candidates and their registrations."""

import functools
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cqpm.core.constraints import choices_constraint
from cqpm.core.models import TimeStampedModel
from referentials.models import Referential

from .validators import (
    CDC_NAME_MAX,
    normalize_person_name,
    search_fold,
    validate_birth_date,
    validate_cdc_client_id,
    validate_cdc_contract_id,
    validate_country_code,
    validate_insee_commune,
    validate_person_name,
    validate_place_label,
    validate_postal_code,
)


@functools.lru_cache(maxsize=64)
def _choice_labels(choices: type[models.Choices], language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def choice_label(choices: type[models.Choices], value: str) -> str:
    """The label of a choice in the active language, without `get_FOO_display()`'s cost
    (which hashes every lazy label, i.e. translates them all, on every call)."""
    return _choice_labels(choices, get_language()).get(value, value)


class ExamCentre(TimeStampedModel):
    """A UIMM territoriale centre d'examen: owns campaigns and staff."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    code = models.SlugField(_("code"), max_length=32, unique=True)
    region = models.CharField(_("région"), max_length=100, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    contact_name = models.CharField(_("personne à contacter"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    logo = models.ImageField(_("logo"), upload_to="centres/logos/", blank=True)
    signatory_name = models.CharField(_("nom du signataire"), max_length=200, blank=True)
    signatory_title = models.CharField(_("qualité du signataire"), max_length=200, blank=True)
    # The certifier's ids at the Caisse des Dépôts (deposit of holders, docs/CDC.md); blank:
    # settings.CDC_CLIENT_ID / CDC_CONTRACT_ID, the branch's.
    cdc_client_id = models.CharField(
        _("identifiant client CDC"),
        max_length=8,
        blank=True,
        validators=[validate_cdc_client_id],
        help_text=_("8 caractères ; laissez vide pour celui de la branche."),
    )
    cdc_contract_id = models.CharField(
        _("identifiant de contrat CDC"),
        max_length=20,
        blank=True,
        validators=[validate_cdc_contract_id],
        help_text=_("20 caractères au plus ; laissez vide pour celui de la branche."),
    )

    class Meta:
        verbose_name = _("centre d'examen")
        verbose_name_plural = _("centres d'examen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def cdc_certifier_ids(self) -> tuple[str, str]:
        """(client id, contract id) the deposits of this centre's holders carry: the centre's
        own when set, else the settings' (either may be "" when nobody has set it)."""
        return (
            self.cdc_client_id or settings.CDC_CLIENT_ID,
            self.cdc_contract_id or settings.CDC_CONTRACT_ID,
        )


class CompanyManager(models.Manager):
    def bulk_create(self, objs, *args, **kwargs):
        """Bulk inserts skip save(): fill the search text here too."""
        objs = list(objs)
        for company in objs:
            company.search_text = company.searchable()
        return super().bulk_create(objs, *args, **kwargs)


class Company(TimeStampedModel):
    name = models.CharField(_("raison sociale"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14, unique=True)
    # Name and SIRET folded (validators.search_fold): search ignores case and accents on every
    # database; PostgreSQL serves `LIKE '%…%'` on it from a trigram index (migration 0005).
    search_text = models.CharField(max_length=230, editable=False, default="")

    objects = CompanyManager()

    class Meta:
        verbose_name = _("entreprise")
        verbose_name_plural = _("entreprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.siret})"

    def searchable(self) -> str:
        return search_fold(f"{self.name} {self.siret}")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = self.searchable()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "siret"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


class CentreMembership(TimeStampedModel):
    """A person's role at an exam centre. Evaluators record their employer, so that they are
    never given a candidate of their own company."""

    class Role(models.TextChoices):
        STAFF = "staff", _("Personnel du centre d'examen")
        EVALUATOR = "evaluator", _("Évaluateur")
        JURY = "jury", _("Membre de jury")

    class College(models.TextChoices):
        EMPLOYER = "employer", _("Collège employeurs")
        EMPLOYEE = "employee", _("Collège salariés")

    centre = models.ForeignKey(ExamCentre, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="centre_memberships"
    )
    role = models.CharField(_("rôle"), max_length=16, choices=Role.choices)
    company = models.ForeignKey(
        Company,
        verbose_name=_("entreprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    college = models.CharField(_("collège"), max_length=16, choices=College.choices, blank=True)

    class Meta:
        verbose_name = _("rattachement à un centre")
        verbose_name_plural = _("rattachements aux centres")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "user", "role"], name="candidates_membership_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.centre}"


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planifiée")
    OPEN = "open", _("Inscriptions ouvertes")
    IN_PROGRESS = "in_progress", _("Évaluations en cours")
    JURY = "jury", _("Jury")
    CLOSED = "closed", _("Clôturée")
    CANCELLED = "cancelled", _("Annulée")


class Campaign(TimeStampedModel):
    """One certification session of one referential version at one exam centre."""

    Status = CampaignStatus

    # The campaign's state machine: every move goes through services.campaign_transition (the
    # one transition() helper); the page draws its buttons from this map. What each status
    # allows is declared in candidates/lifecycle.py (docs/LIFECYCLE.md).
    TRANSITIONS = {
        Status.PLANNED: frozenset({Status.OPEN, Status.CANCELLED}),
        Status.OPEN: frozenset({Status.IN_PROGRESS, Status.PLANNED, Status.CANCELLED}),
        Status.IN_PROGRESS: frozenset({Status.JURY, Status.OPEN}),
        Status.JURY: frozenset({Status.CLOSED, Status.IN_PROGRESS}),
        Status.CLOSED: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    centre = models.ForeignKey(
        ExamCentre,
        verbose_name=_("centre d'examen"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    referential = models.ForeignKey(
        Referential,
        verbose_name=_("référentiel"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    name = models.CharField(_("nom"), max_length=200)
    status = models.CharField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    registration_opens = models.DateField(_("ouverture des inscriptions"))
    registration_closes = models.DateField(_("clôture des inscriptions"))
    report_deadline = models.DateField(_("date limite de remise des rapports"))
    opinion_deadline = models.DateField(_("date limite des avis d'entreprise"))
    commission_starts = models.DateField(_("début des commissions d'évaluation"))
    commission_ends = models.DateField(_("fin des commissions d'évaluation"))
    jury_date = models.DateField(_("date du jury"))

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-jury_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_closes__gte=models.F("registration_opens")),
                name="candidates_campaign_registration_window",
            ),
            models.CheckConstraint(
                condition=Q(commission_ends__gte=models.F("commission_starts")),
                name="candidates_campaign_commission_window",
            ),
            models.CheckConstraint(
                condition=Q(jury_date__gte=models.F("commission_starts")),
                name="candidates_campaign_jury_after_commission",
            ),
            choices_constraint(
                app="candidates", model="campaign", field="status", choices=CampaignStatus
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def can_transition_to(self, status: str) -> bool:
        """Whether the map allows moving from the current status to `status` (reads only)."""
        return status in self.TRANSITIONS.get(self.status, ())

    @property
    def next_statuses(self) -> list[str]:
        """The statuses the map allows next, in the order of the choices (for the buttons)."""
        return [status for status in self.Status.values if self.can_transition_to(status)]

    @property
    def status_label(self) -> str:
        return choice_label(Campaign.Status, self.status)

    @property
    def rncp_ends_before_jury(self) -> bool:
        """The referential's RNCP registration ends before the jury: no certificate then."""
        return self.referential.rncp_ended_before(self.jury_date)

    def clean(self) -> None:
        """Dates in calendar order; each message sits on the field that breaks the order."""
        errors = campaign_date_errors(self)
        if errors:
            raise ValidationError(errors)


def campaign_date_errors(campaign: "Campaign") -> dict[str, str]:
    """French messages keyed by field for dates out of order (missing dates are left to fields)."""
    rules = [
        (
            "registration_opens",
            "registration_closes",
            _("La clôture des inscriptions doit suivre leur ouverture."),
        ),
        (
            "registration_closes",
            "report_deadline",
            _("La date limite des rapports doit suivre la clôture des inscriptions."),
        ),
        (
            "registration_closes",
            "opinion_deadline",
            _("La date limite des avis doit suivre la clôture des inscriptions."),
        ),
        (
            "report_deadline",
            "commission_starts",
            _("Les commissions doivent commencer après la date limite des rapports."),
        ),
        (
            "opinion_deadline",
            "commission_starts",
            _("Les commissions doivent commencer après la date limite des avis d'entreprise."),
        ),
        (
            "commission_starts",
            "commission_ends",
            _("La fin des commissions doit suivre leur début."),
        ),
        ("commission_ends", "jury_date", _("Le jury doit se tenir après la fin des commissions.")),
    ]
    errors: dict[str, str] = {}
    for earlier, later, message in rules:
        first, second = getattr(campaign, earlier), getattr(campaign, later)
        if first and second and second < first and later not in errors:
            errors[later] = str(message)
    return errors


def identity_key_of(last_name: str, first_name: str) -> str:
    """The names as a person is recognised by: no case, accents, hyphens or extra spaces."""
    return f"{normalize_person_name(last_name)}|{normalize_person_name(first_name)}"


SEARCHED_FIELDS = ("last_name", "first_name", "email")
SEX_OF_CIVILITY = {"Mme": "F", "M.": "M"}


class CandidateSex(models.TextChoices):
    """sexe of the CDC's deposit."""

    FEMALE = "F", _("Féminin")
    MALE = "M", _("Masculin")


# The person's identity the Caisse des Dépôts' deposit needs beside the name (nomNaissance,
# nomUsage, prenom2-3, sexe, birth place and country): Candidate's fields of these names, in this
# order. Written once here (tests/test_identity_once.py): the import's columns, the forms, the
# API's serializers and the erasure read it.
CDC_IDENTITY_FIELDS = (
    "birth_name",
    "usage_name",
    "second_first_name",
    "third_first_name",
    "sex",
    "birth_place_insee",
    "birth_postal_code",
    "birth_place_label",
    "birth_country_code",
    "birth_country_label",
)


class CandidateManager(models.Manager):
    def bulk_create(self, objs, *args, **kwargs):
        """Bulk inserts skip save(): fill the identity key here, so every path holds the rule."""
        objs = list(objs)
        for candidate in objs:
            candidate.identity_key = identity_key_of(candidate.last_name, candidate.first_name)
            candidate.search_text = candidate.searchable()
            candidate.fill_identity_defaults()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        """Keep the search text in step when names or e-mails change in bulk."""
        objs = list(objs)
        if set(SEARCHED_FIELDS) & set(fields):
            for candidate in objs:
                candidate.search_text = candidate.searchable()
            fields = [*fields, "search_text"]
        return super().bulk_update(objs, fields, *args, **kwargs)


class Candidate(TimeStampedModel):
    """A person. The same person may be registered in several campaigns.

    Who is the same person is held by the database: one row per identity key (names without
    case or accents) and birth date. `homonym` numbers the rare different people who share both,
    once staff have said they are different people (0 for everyone else).
    """

    class Civility(models.TextChoices):
        MADAME = "Mme", _("Madame")
        MONSIEUR = "M.", _("Monsieur")

    Sex = CandidateSex

    civility = models.CharField(_("civilité"), max_length=4, choices=Civility.choices)
    # The name the person is known by in the product (lists, documents); the columns stay 150
    # wide but entry holds them to the deposit's 60 characters (validators).
    last_name = models.CharField(_("nom"), max_length=150, validators=[validate_person_name])
    first_name = models.CharField(_("prénom"), max_length=150, validators=[validate_person_name])
    birth_date = models.DateField(_("date de naissance"), validators=[validate_birth_date])
    # Identity as the Caisse des Dépôts' deposit wants it (nomNaissance, nomUsage, prenom1-3,
    # sexe, birth place and country). A blank birth name is the last name (save() fills it).
    birth_name = models.CharField(
        _("nom de naissance"),
        max_length=CDC_NAME_MAX,
        blank=True,
        validators=[validate_person_name],
        help_text=_("Laissé vide, c'est le nom."),
    )
    usage_name = models.CharField(
        _("nom d'usage"),
        max_length=CDC_NAME_MAX,
        blank=True,
        validators=[validate_person_name],
        help_text=_("Seulement s'il diffère du nom de naissance."),
    )
    second_first_name = models.CharField(
        _("deuxième prénom"), max_length=CDC_NAME_MAX, blank=True, validators=[validate_person_name]
    )
    third_first_name = models.CharField(
        _("troisième prénom"),
        max_length=CDC_NAME_MAX,
        blank=True,
        validators=[validate_person_name],
    )
    sex = models.CharField(
        _("sexe"),
        max_length=1,
        choices=Sex.choices,
        blank=True,
        help_text=_("Laissé vide, il suit la civilité."),
    )
    birth_place_insee = models.CharField(
        _("code INSEE de la commune de naissance"),
        max_length=5,
        blank=True,
        validators=[validate_insee_commune],
        help_text=_("5 caractères, par exemple 69123 (Lyon) ; pour une naissance en France."),
    )
    birth_postal_code = models.CharField(
        _("code postal de la commune de naissance"),
        max_length=9,
        blank=True,
        validators=[validate_postal_code],
        help_text=_("À défaut du code INSEE (ou pour une naissance à l'étranger)."),
    )
    birth_place_label = models.CharField(
        _("commune de naissance"),
        max_length=CDC_NAME_MAX,
        blank=True,
        validators=[validate_place_label],
    )
    birth_country_code = models.CharField(
        _("code du pays de naissance"),
        max_length=3,
        blank=True,
        default="FRA",
        validators=[validate_country_code],
        help_text=_("3 lettres (ISO 3166-1), FRA pour la France."),
    )
    birth_country_label = models.CharField(
        _("pays de naissance"),
        max_length=CDC_NAME_MAX,
        blank=True,
        default="France",
        validators=[validate_place_label],
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    # The account the person signs in with to their own space (portal app), set when staff
    # invite them: one account (an e-mail) may hold the person's records at several centres.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte de l'espace candidat"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="candidate_records",
    )
    identity_key = models.CharField(_("clé d'identité"), max_length=310, editable=False)
    homonym = models.PositiveSmallIntegerField(_("homonyme n°"), default=0, editable=False)
    # Names and e-mail folded (validators.search_fold): what the `q` of the lists compares, with
    # no case or accents on SQLite and PostgreSQL alike (trigram index there, migration 0005).
    search_text = models.CharField(max_length=620, editable=False, default="")

    objects = CandidateManager()

    class Meta:
        verbose_name = _("candidat")
        verbose_name_plural = _("candidats")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["identity_key", "birth_date", "homonym"],
                name="candidates_candidate_one_identity",
            ),
            models.CheckConstraint(
                condition=~Q(identity_key=""), name="candidates_candidate_identity_set"
            ),
            choices_constraint(
                app="candidates", model="candidate", field="sex", choices=CandidateSex, blank=True
            ),
        ]
        indexes = [
            models.Index(
                fields=["last_name", "first_name", "birth_date"], name="candidates_person_idx"
            ),
            # Same-person lookups compare accent-free names among people born the same day.
            models.Index(fields=["birth_date"], name="candidates_person_birth_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"

    def searchable(self) -> str:
        return search_fold(" ".join(getattr(self, name) or "" for name in SEARCHED_FIELDS))

    @property
    def first_names(self) -> list[str]:
        names = (self.first_name, self.second_first_name, self.third_first_name)
        return [name for name in names if name]

    @property
    def has_birth_place(self) -> bool:
        """A commune the deposit can name: its INSEE code or its postal code."""
        return bool(self.birth_place_insee or self.birth_postal_code)

    @property
    def birth_place_display(self) -> str:
        code = self.birth_place_insee or self.birth_postal_code
        place = " ".join(
            part for part in (self.birth_place_label, f"({code})" if code else "") if part
        )
        country = self.birth_country_label or self.birth_country_code
        return ", ".join(part for part in (place, country) if part) if place else ""

    def fill_identity_defaults(self) -> None:
        """What entry may leave blank: the birth name is the last name, the sex follows the
        civility (both editable)."""
        if not self.birth_name and len(self.last_name or "") <= CDC_NAME_MAX:
            self.birth_name = self.last_name or ""
        if not self.sex:
            self.sex = SEX_OF_CIVILITY.get(self.civility, "")

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.identity_key = identity_key_of(self.last_name, self.first_name)
        self.search_text = self.searchable()
        self.fill_identity_defaults()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"last_name", "first_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "identity_key", "birth_name"}
        if update_fields is not None and "civility" in update_fields:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sex"}
        if update_fields is not None and set(SEARCHED_FIELDS) & set(update_fields):
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class Pathway(models.TextChoices):
    CONTINUING = "continuing", _("Formation continue")
    VAE = "vae", _("VAE")
    PROFESSIONALISATION = "professionalisation", _("Contrat de professionnalisation")
    APPRENTICESHIP = "apprenticeship", _("Apprentissage")
    JOB_SEEKER = "job_seeker", _("Demandeur d'emploi")
    OTHER = "other", _("Autre")


class AccessMode(models.TextChoices):
    """How the candidate came to the certification (modaliteAcces of the CDC's deposit)."""

    INITIAL = "FORMATION_INITIALE_HORS_APPRENTISSAGE", _("Formation initiale hors apprentissage")
    APPRENTICESHIP = "FORMATION_INITIALE_APPRENTISSAGE", _("Formation initiale en apprentissage")
    CONTINUING = (
        "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
        _("Formation continue hors contrat de professionnalisation"),
    )
    PROFESSIONALISATION = (
        "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
        _("Formation continue en contrat de professionnalisation"),
    )
    VAE = "VAE", _("Validation des acquis de l'expérience (VAE)")
    FOREIGN_EQUIVALENCE = "EQUIVALENCE_DIPLOME_ETRANGER", _("Équivalence de diplôme étranger")
    FREE_CANDIDATE = "CANDIDAT_LIBRE", _("Candidat libre")


class VaeWay(models.TextChoices):
    """voieAccessVAE of the deposit."""

    LEAVE = "CONGES_VAE", _("Congé VAE")
    CLASSIC = "VAE_CLASSIQUE", _("VAE classique")


class RegistrationInitiative(models.TextChoices):
    """initiativeInscription of the deposit: who took the initiative of the registration."""

    HOLDER = "CERTIFIE", _("Le candidat lui-même")
    TRAINING_BODY = "OF", _("L'organisme de formation")
    JOB_CENTRE = "POLE_EMPLOI", _("France Travail (Pôle emploi)")
    EMPLOYER = "EMPLOYEUR", _("L'employeur")
    OTHER = "AUTRE", _("Autre")


# The access mode a pathway stands for, when entry leaves it blank; "other" says nothing, so it
# stays to be filled in (the deposit's check lists it).
ACCESS_MODE_OF_PATHWAY: dict[str, str] = {
    Pathway.CONTINUING: AccessMode.CONTINUING,
    Pathway.VAE: AccessMode.VAE,
    Pathway.PROFESSIONALISATION: AccessMode.PROFESSIONALISATION,
    Pathway.APPRENTICESHIP: AccessMode.APPRENTICESHIP,
    Pathway.JOB_SEEKER: AccessMode.CONTINUING,
}


class RegistrationManager(models.Manager):
    def bulk_create(self, objs, *args, **kwargs):
        """Bulk inserts skip save(): fill the access mode here too."""
        objs = list(objs)
        for registration in objs:
            registration.fill_access_defaults()
        return super().bulk_create(objs, *args, **kwargs)


class RegistrationStage(models.TextChoices):
    REGISTERED = "registered", _("Inscrit")
    DOSSIER = "dossier", _("Dossier d'évaluation")
    EVIDENCE = "evidence", _("Preuves en cours")
    COMMISSION = "commission", _("Commission d'évaluation")
    JURY = "jury", _("Jury")
    ADMISSIBLE = "admissible", _("Admissible")
    NOT_ADMISSIBLE = "not_admissible", _("Non admissible")
    WITHDRAWN = "withdrawn", _("Désinscrit")


class Registration(TimeStampedModel):
    """A candidate in a campaign. Every later step of the workflow hangs on one of these.

    `stage` is kept up to date by the services of each step, so that lists can filter and count
    by stage on tens of thousands of rows without joining every step's table.
    """

    Stage = RegistrationStage

    # Every stage change goes through the one transition() helper with this map
    # (candidates.services.registration_set_stage and registration_withdraw). Evidence moves a
    # registration forward; the jury brings it before a session (and back when taken off it);
    # closing the session decides it; an amendment swaps the decision; a candidate absent or
    # excused (recorded not admissible) goes before a later session. Withdrawn is final.
    TRANSITIONS = {
        Stage.REGISTERED: frozenset(
            {Stage.DOSSIER, Stage.EVIDENCE, Stage.COMMISSION, Stage.JURY, Stage.WITHDRAWN}
        ),
        Stage.DOSSIER: frozenset({Stage.EVIDENCE, Stage.COMMISSION, Stage.JURY, Stage.WITHDRAWN}),
        Stage.EVIDENCE: frozenset({Stage.COMMISSION, Stage.JURY, Stage.WITHDRAWN}),
        Stage.COMMISSION: frozenset({Stage.JURY, Stage.WITHDRAWN}),
        Stage.JURY: frozenset(
            {Stage.COMMISSION, Stage.ADMISSIBLE, Stage.NOT_ADMISSIBLE, Stage.WITHDRAWN}
        ),
        Stage.ADMISSIBLE: frozenset({Stage.NOT_ADMISSIBLE}),
        Stage.NOT_ADMISSIBLE: frozenset({Stage.ADMISSIBLE, Stage.JURY}),
        Stage.WITHDRAWN: frozenset(),
    }

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campagne"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    candidate = models.ForeignKey(
        Candidate,
        verbose_name=_("candidat"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("entreprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    pathway = models.CharField(_("parcours"), max_length=24, choices=Pathway.choices)
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tuteur"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tutored_registrations",
    )
    registered_on = models.DateField(_("date d'inscription"))
    # What the CDC's deposit says of the registration (modalitesInscription).
    access_mode = models.CharField(
        _("modalité d'accès"),
        max_length=56,
        choices=AccessMode.choices,
        blank=True,
        help_text=_("Laissée vide, elle suit le parcours."),
    )
    vae_way = models.CharField(
        _("voie d'accès à la VAE"), max_length=16, choices=VaeWay.choices, blank=True
    )
    registration_initiative = models.CharField(
        _("initiative de l'inscription"),
        max_length=16,
        choices=RegistrationInitiative.choices,
        blank=True,
    )
    stage = models.CharField(
        _("étape"), max_length=16, choices=Stage.choices, default=Stage.REGISTERED, db_index=True
    )
    withdrawn_at = models.DateTimeField(_("désinscrit le"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("motif de désinscription"), blank=True)
    late_reason = models.TextField(
        _("motif de l'inscription tardive"),
        blank=True,
        help_text=_("Obligatoire pour inscrire un candidat une fois les évaluations commencées."),
    )

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["campaign", "candidate__last_name", "candidate__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "candidate"], name="candidates_registration_one_per_campaign"
            ),
            choices_constraint(
                app="candidates", model="registration", field="stage", choices=RegistrationStage
            ),
            choices_constraint(
                app="candidates",
                model="registration",
                field="access_mode",
                choices=AccessMode,
                blank=True,
            ),
            choices_constraint(
                app="candidates", model="registration", field="vae_way", choices=VaeWay, blank=True
            ),
            choices_constraint(
                app="candidates",
                model="registration",
                field="registration_initiative",
                choices=RegistrationInitiative,
                blank=True,
            ),
            models.CheckConstraint(
                condition=Q(vae_way="") | Q(access_mode=AccessMode.VAE),
                name="candidates_registration_vae_way_only_for_vae",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "stage"], name="candidates_reg_campaign_stage"),
            # Filters and sorts of the candidate list of one campaign.
            models.Index(fields=["campaign", "pathway"], name="candidates_reg_campaign_path"),
            models.Index(fields=["campaign", "registered_on"], name="candidates_reg_campaign_date"),
            models.Index(fields=["campaign", "company"], name="candidates_reg_campaign_comp"),
        ]

    objects = RegistrationManager()

    def __str__(self) -> str:
        return f"{self.candidate} — {self.campaign}"

    def fill_access_defaults(self) -> None:
        """A blank access mode follows the pathway; a VAE way only goes with the VAE."""
        if not self.access_mode:
            self.access_mode = ACCESS_MODE_OF_PATHWAY.get(self.pathway, "")
        if self.access_mode != AccessMode.VAE:
            self.vae_way = ""

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_access_defaults()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "pathway" in update_fields:
            kwargs["update_fields"] = {*update_fields, "access_mode", "vae_way"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.vae_way and self.access_mode and self.access_mode != AccessMode.VAE:
            raise ValidationError(
                {"vae_way": _("La voie d'accès à la VAE ne vaut que pour la modalité VAE.")}
            )

    @property
    def access_mode_label(self) -> str:
        return choice_label(AccessMode, self.access_mode) if self.access_mode else ""

    # Stages in workflow order, for sorting and for the dashboard.
    STAGE_ORDER = [
        Stage.REGISTERED,
        Stage.DOSSIER,
        Stage.EVIDENCE,
        Stage.COMMISSION,
        Stage.JURY,
        Stage.ADMISSIBLE,
        Stage.NOT_ADMISSIBLE,
        Stage.WITHDRAWN,
    ]
    DECIDED_STAGES = frozenset({Stage.ADMISSIBLE, Stage.NOT_ADMISSIBLE})

    @property
    def is_withdrawn(self) -> bool:
        return self.stage == self.Stage.WITHDRAWN

    def can_move_to(self, stage: str) -> bool:
        """Whether the stage map allows moving from the current stage to `stage` (reads only)."""
        return stage in self.TRANSITIONS.get(self.stage, ())

    @property
    def can_withdraw(self) -> bool:
        return self.can_move_to(self.Stage.WITHDRAWN)

    @property
    def stage_label(self) -> str:
        return choice_label(Registration.Stage, self.stage)

    @property
    def pathway_label(self) -> str:
        return choice_label(Pathway, self.pathway)
