"""Candidates and their registrations: the first step of everything (DESIGN.md §5.1)."""

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import account_find_or_invite
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError, full_clean_or_raise
from cqpm.core.registry import emit
from cqpm.core.workflow import transition

from ..events import (
    REGISTRATION_TUTOR_CHANGED,
    REGISTRATIONS_CREATED,
    RegistrationsCreated,
    RegistrationTutorChanged,
)
from ..lifecycle import Activity, campaign_ensure_accepts_registration, campaign_ensure_allows
from ..models import (
    ACCESS_MODE_OF_PATHWAY,
    Campaign,
    Candidate,
    Pathway,
    Registration,
    identity_key_of,
)
from ..validators import validate_birth_date
from ._common import changes_between, ensure_staff_of
from .companies import company_find_or_create


@dataclass(frozen=True)
class PersonData:
    civility: str
    last_name: str
    first_name: str
    birth_date: datetime.date
    email: str = ""
    phone: str = ""
    address: str = ""
    # The CDC deposit's identity (Candidate's fields of the same names). None: unchanged on an
    # update, the model's default on a creation (so callers that do not know them keep them).
    birth_name: str | None = None
    usage_name: str | None = None
    second_first_name: str | None = None
    third_first_name: str | None = None
    sex: str | None = None
    birth_place_insee: str | None = None
    birth_postal_code: str | None = None
    birth_place_label: str | None = None
    birth_country_code: str | None = None
    birth_country_label: str | None = None

    def cleaned(self) -> "PersonData":
        values = {k: v.strip() if isinstance(v, str) else v for k, v in asdict(self).items()}
        values["email"] = values["email"].lower()
        for code in CODE_FIELDS:
            if values[code]:
                values[code] = values[code].upper()
        return PersonData(**values)  # type: ignore[arg-type]  # the same fields, stripped

    def given(self) -> dict[str, Any]:
        """The fields to write: every one but the identity fields left at None."""
        return {name: value for name, value in asdict(self).items() if value is not None}


# Codes written in capitals whatever was typed (2a004 is 2A004, fra is FRA).
CODE_FIELDS = ("birth_place_insee", "birth_postal_code", "birth_country_code")


def _check_person(person: PersonData) -> None:
    if not person.last_name or not person.first_name:
        raise DomainError(_("Le nom et le prénom du candidat sont obligatoires."))
    if person.civility not in Candidate.Civility.values:
        raise DomainError(_("Civilité inconnue : choisissez Madame ou Monsieur."))
    if person.birth_date:
        try:
            validate_birth_date(person.birth_date)
        except ValidationError as exc:
            raise DomainError(exc.messages[0], field="birth_date") from exc
    if not person.birth_date or not (
        datetime.date(1900, 1, 1) <= person.birth_date < timezone.localdate()
    ):
        raise DomainError(_("La date de naissance du candidat est invalide."))


def _same_person(person: PersonData, *, exclude_pk: int | None = None) -> Candidate | None:
    return (
        Candidate.objects.filter(
            identity_key=identity_key_of(person.last_name, person.first_name),
            birth_date=person.birth_date,
        )
        .exclude(pk=exclude_pk)  # type: ignore[misc]  # pk=None excludes nothing, on purpose
        .order_by("homonym")
        .first()
    )


def candidate_find_or_create(*, person: PersonData, by: User) -> Candidate:
    """The same person (names ignoring case/accents, birth date) or a new one; DomainError."""
    person = person.cleaned()
    _check_person(person)
    existing = _same_person(person)
    if existing is not None:
        return existing
    with transaction.atomic():
        candidate = Candidate(**person.given())
        full_clean_or_raise(candidate, validate_constraints=False)
        try:
            with transaction.atomic():
                candidate.save()
        except IntegrityError:  # the same person was created meanwhile by a concurrent request
            return _same_person(person) or _raise_identity_conflict()
        audit_log(
            action="cqpm.candidate.created",
            obj=candidate,
            by=by,
            data={"after": {"name": str(candidate), "birth_date": candidate.birth_date}},
        )
    return candidate


def _raise_identity_conflict() -> Candidate:
    raise DomainError(_("Une autre personne porte déjà ces nom, prénom et date de naissance."))


def _tutor(tutor: User | None, tutor_email: str, by: User) -> User | None:
    if tutor is not None and tutor_email:
        raise DomainError(
            _("Choisissez un tuteur dans la liste ou indiquez son e-mail, pas les deux.")
        )
    if tutor_email:
        return account_find_or_invite(email=tutor_email, by=by)[0]
    return tutor


@dataclass(frozen=True)
class AccessData:
    """What the CDC deposit says of a registration (Registration's fields of the same names);
    a blank access mode follows the pathway."""

    access_mode: str = ""
    vae_way: str = ""
    registration_initiative: str = ""


def _access_set(registration: Registration, access: AccessData | None, old_pathway: str) -> None:
    """Write `access` (None: keep it, but an access mode that only followed the old pathway
    follows the new one)."""
    if access is None:
        if registration.access_mode == ACCESS_MODE_OF_PATHWAY.get(old_pathway, ""):
            registration.access_mode = ""
        return
    for name, value in asdict(access).items():
        setattr(registration, name, (value or "").strip())


def _snapshot(registration: Registration) -> dict[str, Any]:
    return {
        "pathway": registration.pathway,
        "access_mode": registration.access_mode,
        "vae_way": registration.vae_way,
        "registration_initiative": registration.registration_initiative,
        "registered_on": registration.registered_on,
        "company": str(registration.company) if registration.company_id else None,
        "tutor": registration.tutor.email if registration.tutor is not None else None,
    }


def registration_create(
    *,
    campaign: Campaign,
    person: PersonData,
    pathway: str,
    by: User,
    registered_on: datetime.date | None = None,
    company_siret: str = "",
    company_name: str = "",
    tutor: User | None = None,
    tutor_email: str = "",
    late_reason: str = "",
    access: AccessData | None = None,
) -> Registration:
    """Register a person once per campaign while registrations are open, or during evaluations
    with a `late_reason` (recorded and audited); raises DomainError."""
    ensure_staff_of(by, campaign.centre_id)
    if pathway not in Pathway.values:
        raise DomainError(_("Parcours inconnu."))
    with transaction.atomic():
        # Locked so that moving the campaign on and registering into it are serialised.
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        late_reason = campaign_ensure_accepts_registration(campaign=locked, late_reason=late_reason)
        candidate = candidate_find_or_create(person=person, by=by)
        if Registration.objects.filter(campaign=locked, candidate=candidate).exists():
            raise _duplicate(candidate, locked)
        company = (
            company_find_or_create(siret=company_siret, name=company_name, by=by)
            if company_siret.strip()
            else None
        )
        registration = Registration(
            campaign=locked,
            candidate=candidate,
            company=company,
            pathway=pathway,
            tutor=_tutor(tutor, tutor_email, by),
            registered_on=registered_on or timezone.localdate(),
            late_reason=late_reason,
        )
        _access_set(registration, access, pathway)
        full_clean_or_raise(registration, validate_constraints=False)
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as exc:  # a concurrent request registered the same person
            raise _duplicate(candidate, locked) from exc
        data: dict[str, Any] = {"after": {"candidate": str(candidate), **_snapshot(registration)}}
        if late_reason:
            data["late_reason"] = late_reason
        audit_log(
            action="cqpm.registration.created_late" if late_reason else "cqpm.registration.created",
            obj=registration,
            by=by,
            data=data,
            registration_id=registration.pk,
            centre_id=locked.centre_id,
        )
        emit(
            REGISTRATIONS_CREATED,
            **RegistrationsCreated(campaign=locked, registrations=[registration], by=by),
        )
    return registration


def _duplicate(candidate: Candidate, campaign: Campaign) -> DomainError:
    return DomainError(
        _("%(person)s, né(e) le %(date)s, est déjà inscrit(e) à la campagne « %(campaign)s ».")
        % {
            "person": candidate,
            "date": candidate.birth_date.strftime("%d/%m/%Y"),
            "campaign": campaign.name,
        },
        code="duplicate",
    )


def registration_update(
    *,
    registration: Registration,
    pathway: str,
    registered_on: datetime.date,
    by: User,
    person: PersonData | None = None,
    company_siret: str = "",
    company_name: str = "",
    tutor: User | None = None,
    tutor_email: str = "",
    access: AccessData | None = None,
) -> Registration:
    """Correct a registration (and its person) until withdrawal or campaign closure; DomainError."""
    ensure_staff_of(by, registration.campaign.centre_id)
    if pathway not in Pathway.values:
        raise DomainError(_("Parcours inconnu."))
    with transaction.atomic():
        locked = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("campaign", "company", "tutor", "candidate")
            .get(pk=registration.pk)
        )
        if locked.is_withdrawn:
            raise DomainError(_("Une inscription désinscrite ne peut plus être modifiée."))
        campaign_ensure_allows(campaign=locked.campaign, activity=Activity.REGISTRATION_EDIT)
        if person is not None:
            _candidate_update(locked, person, by)
        before = _snapshot(locked)
        old_pathway, locked.pathway = locked.pathway, pathway
        _access_set(locked, access, old_pathway)
        locked.registered_on = registered_on
        locked.company = (
            company_find_or_create(siret=company_siret, name=company_name, by=by)
            if company_siret.strip()
            else None
        )
        old_tutor, locked.tutor = locked.tutor, _tutor(tutor, tutor_email, by)
        full_clean_or_raise(locked, validate_constraints=False)
        locked.save()
        changes = changes_between(before, _snapshot(locked))
        if changes["after"]:
            audit_log(
                action="cqpm.registration.updated",
                obj=locked,
                by=by,
                data=changes,
                registration_id=locked.pk,
                centre_id=locked.campaign.centre_id,
            )
        if locked.tutor_id != (old_tutor.pk if old_tutor is not None else None):
            emit(
                REGISTRATION_TUTOR_CHANGED,
                **RegistrationTutorChanged(
                    registration=locked, before=old_tutor, after=locked.tutor, by=by
                ),
            )
    return locked


def _candidate_update(registration: Registration, person: PersonData, by: User) -> None:
    candidate_update(
        candidate=registration.candidate,
        person=person,
        by=by,
        registration_id=registration.pk,
        centre_id=registration.campaign.centre_id,
    )


def candidate_update(
    *,
    candidate: Candidate,
    person: PersonData,
    by: User,
    registration_id: int | None = None,
    centre_id: int | None = None,
    reason: str = "",
) -> Candidate:
    """Correct a person's identity under the same-person rules (identity key, birth date), in
    the caller's transaction, audited with what changed (and `reason`); raises DomainError."""
    person = person.cleaned()
    _check_person(person)
    if _same_person(person, exclude_pk=candidate.pk) is not None:
        _raise_identity_conflict()
    given = person.given()
    before = {name: getattr(candidate, name) for name in given}
    for name, value in given.items():
        setattr(candidate, name, value)
    full_clean_or_raise(candidate, validate_constraints=False)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:  # someone took this identity meanwhile
        _raise_identity_conflict()
    changes: dict[str, Any] = changes_between(
        before, {name: getattr(candidate, name) for name in given}
    )
    if changes["after"]:
        if reason:
            changes["reason"] = reason
        audit_log(
            action="cqpm.candidate.updated",
            obj=candidate,
            by=by,
            data=changes,
            registration_id=registration_id,
            centre_id=centre_id,
        )
    return candidate


def registration_withdraw(*, registration: Registration, reason: str, by: User) -> Registration:
    """Withdraw with a reason, keeping the record, while the stage map allows it (never once
    decided) and the campaign is not closed; raises DomainError."""
    ensure_staff_of(by, registration.campaign.centre_id)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Indiquez le motif de la désinscription."))
    with transaction.atomic():
        locked = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .get(pk=registration.pk)
        )
        campaign_ensure_allows(campaign=locked.campaign, activity=Activity.WITHDRAW)
        if locked.is_withdrawn:
            raise DomainError(_("Ce candidat est déjà désinscrit."))
        if not locked.can_withdraw:
            raise DomainError(_("Le jury a déjà statué : l'inscription ne peut plus être retirée."))
        moved = transition(
            locked,
            to=Registration.Stage.WITHDRAWN,
            by=by,
            action="cqpm.registration.withdrawn",
            allowed=Registration.TRANSITIONS,
            field="stage",
            changes={"withdrawn_at": timezone.now(), "withdrawal_reason": reason},
            data={"reason": reason},
            registration_id=locked.pk,
            centre_id=locked.campaign.centre_id,
            clean=False,
        )
    moved.campaign = locked.campaign
    return moved


def registration_set_stage(*, registration: Registration, stage: str, by: User) -> Registration:
    """Move the registration along Registration.TRANSITIONS (later apps record the step it
    reached); the same stage is a no-op; raises DomainError (InvalidTransition) otherwise."""
    if stage not in Registration.Stage.values:
        raise DomainError(_("Étape inconnue."))
    if stage == Registration.Stage.WITHDRAWN:
        raise DomainError(_("Une désinscription passe par registration_withdraw, avec un motif."))
    current, centre_id = (
        Registration.objects.filter(pk=registration.pk)
        .values_list("stage", "campaign__centre_id")
        .get()
    )
    if current == Registration.Stage.WITHDRAWN:
        raise DomainError(_("Ce candidat est désinscrit : son étape ne change plus."))
    if current == stage:
        registration.stage = stage
        return registration
    # transition() locks the row and checks the map against the stage it finds there.
    locked = transition(
        registration,
        to=stage,
        by=by,
        action="cqpm.registration.stage_changed",
        allowed=Registration.TRANSITIONS,
        field="stage",
        registration_id=registration.pk,
        centre_id=centre_id,
        clean=False,
    )
    registration.stage = locked.stage
    return locked
