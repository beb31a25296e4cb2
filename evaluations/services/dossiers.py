"""The evaluation dossier: staff choose methods per capacity, the resource centre approves or
returns it (DESIGN.md §4, §5.2). Audit codes `cqpm.dossier.*`."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from candidates.lifecycle import Activity
from candidates.models import Registration
from cqpm.core.audit import audit_log
from cqpm.core.errors import DomainError
from cqpm.core.workflow import transition
from referentials.models import Capacity, EvaluationMethod

from ..models import DossierCapacity, EvaluationDossier
from ._common import (
    advance_stage,
    centre_id_of,
    ensure_active,
    ensure_campaign_allows,
    ensure_staff_of,
)

Status = EvaluationDossier.Status
RECONSTITUTED = EvaluationMethod.RECONSTITUTED_SITUATION


@dataclass(frozen=True)
class CapacityChoice:
    methods: list[str]
    justification: str = ""


class DossierChoicesInvalid(DomainError):
    """Some capacities break the rules; `errors` maps capacity id to French messages."""

    def __init__(self, *, errors: dict[int, list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(msg for msgs in errors.values() for msg in msgs))


def _choice_errors(capacity: Capacity, choice: CapacityChoice | None) -> list[str]:
    methods = list(choice.methods) if choice else []
    prefix = _("Capacité %(number)s : ") % {"number": capacity.number}
    errors = []
    if not methods:
        errors.append(prefix + _("choisissez au moins une modalité d'évaluation."))
    labels = dict(EvaluationMethod.choices)
    for code in methods:
        if code not in capacity.methods:
            errors.append(
                prefix
                + _("la modalité « %(method)s » n'est pas autorisée par le référentiel.")
                % {"method": labels.get(code, code)}
            )
    if RECONSTITUTED in methods and not (choice and choice.justification.strip()):
        errors.append(
            prefix
            + _(
                "la situation professionnelle reconstituée exige une justification écrite "
                "de l'impossibilité d'évaluer en milieu professionnel."
            )
        )
    return errors


def _validated(
    capacities: list[Capacity], choices: Mapping[int, CapacityChoice]
) -> dict[int, CapacityChoice]:
    known = {capacity.pk for capacity in capacities}
    errors: dict[int, list[str]] = {}
    for pk in set(choices) - known:
        errors[pk] = [_("Capacité inconnue pour le référentiel de cette campagne.")]
    for capacity in capacities:
        found = _choice_errors(capacity, choices.get(capacity.pk))
        if found:
            errors[capacity.pk] = found
    if errors:
        raise DossierChoicesInvalid(errors=errors)
    cleaned = {}
    for capacity in capacities:
        choice = choices[capacity.pk]
        # Stored in the referential's order; a justification only where it is required.
        methods = [code for code in capacity.methods if code in choice.methods]
        justification = choice.justification.strip() if RECONSTITUTED in methods else ""
        cleaned[capacity.pk] = CapacityChoice(methods=methods, justification=justification)
    return cleaned


def _snapshot(dossier: EvaluationDossier) -> dict[str, list[str]]:
    return {
        str(row.capacity.number): row.methods
        for row in dossier.capacities.select_related("capacity")
    }


def dossier_save(
    *, registration: Registration, choices: Mapping[int, CapacityChoice], by: User
) -> EvaluationDossier:
    """Record allowed methods for every capacity while draft or returned, while the campaign
    allows dossiers; DomainError otherwise."""
    ensure_staff_of(by, centre_id_of(registration))
    ensure_campaign_allows(registration, Activity.DOSSIER)
    ensure_active(registration)
    capacities = list(registration.campaign.referential.capacities.all())
    cleaned = _validated(capacities, choices)
    with transaction.atomic():
        EvaluationDossier.objects.get_or_create(registration=registration)
        dossier = EvaluationDossier.objects.select_for_update().get(registration=registration)
        if dossier.status not in (Status.DRAFT, Status.RETURNED):
            raise DomainError(
                _("Le dossier est à l'état « %(state)s » : il ne peut plus être modifié.")
                % {"state": dossier.get_status_display()}
            )
        before = _snapshot(dossier)
        for capacity in capacities:
            choice = cleaned[capacity.pk]
            DossierCapacity.objects.update_or_create(
                dossier=dossier,
                capacity=capacity,
                defaults={"methods": choice.methods, "justification": choice.justification},
            )
        dossier.save(update_fields=["updated_at"])
        audit_log(
            action="cqpm.dossier.saved",
            obj=dossier,
            by=by,
            data={"before": before, "after": _snapshot(dossier)},
            registration_id=registration.pk,
            centre_id=centre_id_of(registration),
        )
    return dossier


def _ensure_complete(dossier: EvaluationDossier) -> None:
    capacities = list(dossier.registration.campaign.referential.capacities.all())
    rows = {row.capacity_id: row for row in dossier.capacities.all()}
    choices = {
        pk: CapacityChoice(methods=row.methods, justification=row.justification)
        for pk, row in rows.items()
    }
    _validated(capacities, choices)


def dossier_submit(*, dossier: EvaluationDossier, by: User) -> EvaluationDossier:
    """Send a complete draft or returned dossier to the resource centre; DomainError otherwise."""
    registration = dossier.registration
    ensure_staff_of(by, centre_id_of(registration))
    ensure_campaign_allows(registration, Activity.DOSSIER)
    ensure_active(registration)
    _ensure_complete(dossier)
    resubmitted = dossier.status == Status.RETURNED
    with transaction.atomic():
        dossier = transition(
            dossier,
            to=Status.SUBMITTED,
            by=by,
            action="cqpm.dossier.resubmitted" if resubmitted else "cqpm.dossier.submitted",
            allowed=EvaluationDossier.TRANSITIONS,
            changes={"submitted_at": timezone.now()},
            registration_id=registration.pk,
            centre_id=centre_id_of(registration),
        )
        advance_stage(registration=registration, to=Registration.Stage.DOSSIER, by=by)
    return dossier


def _ensure_reviewer(by: User) -> None:
    if not getattr(by, "is_reviewer", False):
        raise DomainError(
            _("Seul le centre de ressource peut examiner un dossier d'évaluation."),
            code="forbidden",
        )


def _review(
    dossier: EvaluationDossier, *, to: str, action: str, comment: str, by: User
) -> EvaluationDossier:
    _ensure_reviewer(by)
    registration = dossier.registration
    ensure_campaign_allows(registration, Activity.DOSSIER)
    with transaction.atomic():
        status = EvaluationDossier.objects.select_for_update().get(pk=dossier.pk).status
        if status == Status.APPROVED:
            raise DomainError(_("Ce dossier est déjà approuvé : rien n'a été modifié."))
        return transition(
            dossier,
            to=to,
            by=by,
            action=action,
            allowed=EvaluationDossier.TRANSITIONS,
            changes={"reviewed_at": timezone.now(), "reviewed_by": by, "review_comment": comment},
            data={"comment": comment} if comment else None,
            registration_id=registration.pk,
            centre_id=centre_id_of(registration),
        )


def dossier_approve(
    *, dossier: EvaluationDossier, by: User, comment: str = ""
) -> EvaluationDossier:
    """The resource centre approves a submitted dossier, which is then frozen; DomainError."""
    return _review(
        dossier, to=Status.APPROVED, action="cqpm.dossier.approved", comment=comment.strip(), by=by
    )


def dossier_return(*, dossier: EvaluationDossier, comment: str, by: User) -> EvaluationDossier:
    """The resource centre returns a submitted dossier with a required comment; DomainError."""
    if not comment.strip():
        _ensure_reviewer(by)
        raise DomainError(_("Indiquez ce qu'il faut corriger : le commentaire est obligatoire."))
    return _review(
        dossier, to=Status.RETURNED, action="cqpm.dossier.returned", comment=comment.strip(), by=by
    )
