"""Candidates and their registrations: the first step of everything (DESIGN.md §5.1)."""

import datetime
from dataclasses import asdict, dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import account_find_or_invite
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError, full_clean_or_raise
from cqpm.core.registry import fire_hook

from ..models import Campaign, Candidate, Pathway, Registration, identity_key_of
from ..seams import REGISTRATIONS_CREATED
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

    def cleaned(self) -> "PersonData":
        values = {k: v.strip() if isinstance(v, str) else v for k, v in asdict(self).items()}
        values["email"] = values["email"].lower()
        return PersonData(**values)


def _check_person(person: PersonData) -> None:
    if not person.last_name or not person.first_name:
        raise DomainError(_("Le nom et le prénom du candidat sont obligatoires."))
    if person.civility not in Candidate.Civility.values:
        raise DomainError(_("Civilité inconnue : choisissez Madame ou Monsieur."))
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
        .exclude(pk=exclude_pk)
        .order_by("homonym")
        .first()
    )


def candidate_find_or_create(*, person: PersonData, by: Any) -> Candidate:
    """The same person (names ignoring case/accents, birth date) or a new one; DomainError."""
    person = person.cleaned()
    _check_person(person)
    existing = _same_person(person)
    if existing is not None:
        return existing
    with transaction.atomic():
        candidate = Candidate(**asdict(person))
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


def _tutor(tutor: Any, tutor_email: str, by: Any) -> Any:
    if tutor is not None and tutor_email:
        raise DomainError(
            _("Choisissez un tuteur dans la liste ou indiquez son e-mail, pas les deux.")
        )
    if tutor_email:
        return account_find_or_invite(email=tutor_email, by=by)[0]
    return tutor


def _snapshot(registration: Registration) -> dict[str, Any]:
    return {
        "pathway": registration.pathway,
        "registered_on": registration.registered_on,
        "company": str(registration.company) if registration.company_id else None,
        "tutor": registration.tutor.email if registration.tutor_id else None,
    }


def _ensure_campaign_accepts(campaign: Campaign) -> None:
    if not campaign.accepts_registrations:
        raise DomainError(
            _("La campagne « %(name)s » est %(status)s : elle n'accepte plus d'inscription.")
            % {"name": campaign.name, "status": campaign.get_status_display().lower()}
        )


def registration_create(
    *,
    campaign: Campaign,
    person: PersonData,
    pathway: str,
    by: Any,
    registered_on: datetime.date | None = None,
    company_siret: str = "",
    company_name: str = "",
    tutor: Any = None,
    tutor_email: str = "",
) -> Registration:
    """Register a person once per campaign, unless closed or cancelled; raises DomainError."""
    ensure_staff_of(by, campaign.centre_id)
    if pathway not in Pathway.values:
        raise DomainError(_("Parcours inconnu."))
    with transaction.atomic():
        # Locked so that closing the campaign and registering into it are serialised.
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _ensure_campaign_accepts(locked)
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
        )
        full_clean_or_raise(registration, validate_constraints=False)
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as exc:  # a concurrent request registered the same person
            raise _duplicate(candidate, locked) from exc
        audit_log(
            action="cqpm.registration.created",
            obj=registration,
            by=by,
            data={"after": {"candidate": str(candidate), **_snapshot(registration)}},
            registration_id=registration.pk,
            centre_id=locked.centre_id,
        )
        fire_hook(REGISTRATIONS_CREATED, campaign=locked, registrations=[registration], by=by)
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
    by: Any,
    person: PersonData | None = None,
    company_siret: str = "",
    company_name: str = "",
    tutor: Any = None,
    tutor_email: str = "",
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
        _ensure_campaign_accepts(locked.campaign)
        if person is not None:
            _candidate_update(locked, person, by)
        before = _snapshot(locked)
        locked.pathway = pathway
        locked.registered_on = registered_on
        locked.company = (
            company_find_or_create(siret=company_siret, name=company_name, by=by)
            if company_siret.strip()
            else None
        )
        locked.tutor = _tutor(tutor, tutor_email, by)
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
    return locked


def _candidate_update(registration: Registration, person: PersonData, by: Any) -> None:
    person = person.cleaned()
    _check_person(person)
    candidate = registration.candidate
    if _same_person(person, exclude_pk=candidate.pk) is not None:
        _raise_identity_conflict()
    before = {name: getattr(candidate, name) for name in asdict(person)}
    for name, value in asdict(person).items():
        setattr(candidate, name, value)
    full_clean_or_raise(candidate, validate_constraints=False)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:  # someone took this identity meanwhile
        _raise_identity_conflict()
    changes = changes_between(before, asdict(person))
    if changes["after"]:
        audit_log(
            action="cqpm.candidate.updated",
            obj=candidate,
            by=by,
            data=changes,
            registration_id=registration.pk,
            centre_id=registration.campaign.centre_id,
        )


def registration_withdraw(*, registration: Registration, reason: str, by: Any) -> Registration:
    """Withdraw with a reason, keeping the record; refused once decided; raises DomainError."""
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
        if locked.is_withdrawn:
            raise DomainError(_("Ce candidat est déjà désinscrit."))
        if locked.stage in Registration.DECIDED_STAGES:
            raise DomainError(_("Le jury a déjà statué : l'inscription ne peut plus être retirée."))
        before = locked.stage
        locked.stage = Registration.Stage.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.withdrawal_reason = reason
        locked.save(update_fields=["stage", "withdrawn_at", "withdrawal_reason", "updated_at"])
        audit_log(
            action="cqpm.registration.withdrawn",
            obj=locked,
            by=by,
            data={"before": before, "after": locked.stage, "reason": reason},
            registration_id=locked.pk,
            centre_id=locked.campaign.centre_id,
        )
    return locked


def registration_set_stage(*, registration: Registration, stage: str, by: Any) -> Registration:
    """Record the step a registration reached (later apps); refused once withdrawn; DomainError."""
    if stage not in Registration.Stage.values:
        raise DomainError(_("Étape inconnue."))
    if stage == Registration.Stage.WITHDRAWN:
        raise DomainError(_("Une désinscription passe par registration_withdraw, avec un motif."))
    with transaction.atomic():
        locked = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .get(pk=registration.pk)
        )
        if locked.is_withdrawn:
            raise DomainError(_("Ce candidat est désinscrit : son étape ne change plus."))
        if locked.stage != stage:
            before = locked.stage
            locked.stage = stage
            locked.save(update_fields=["stage", "updated_at"])
            audit_log(
                action="cqpm.registration.stage_changed",
                obj=locked,
                by=by,
                data={"before": before, "after": stage},
                registration_id=locked.pk,
                centre_id=locked.campaign.centre_id,
            )
    registration.stage = locked.stage
    return locked
