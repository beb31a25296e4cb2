"""Guards and helpers shared by the services of this app."""

from typing import Any

from django.utils.translation import gettext as _

from candidates.models import Registration
from candidates.selectors import staff_centre_ids
from candidates.services import registration_set_stage
from cqpm.core.errors import DomainError


def ensure_staff_of(by: Any, centre_id: int) -> None:
    """Refuse unless `by` is staff of the centre (or a superuser)."""
    if getattr(by, "is_superuser", False):
        return
    if centre_id not in staff_centre_ids(user=by):
        raise DomainError(
            _("Vous ne faites pas partie du personnel de ce centre d'examen."), code="forbidden"
        )


def ensure_active(registration: Registration) -> None:
    """Refuse any step for a withdrawn registration."""
    if registration.is_withdrawn:
        raise DomainError(_("Ce candidat est désinscrit : aucune étape ne peut être enregistrée."))


def centre_id_of(registration: Registration) -> int:
    return registration.campaign.centre_id


def advance_stage(*, registration: Registration, to: str, by: Any) -> None:
    """Move the stage forward to `to` (never backwards) through candidates' service."""
    order = list(Registration.STAGE_ORDER)
    current = Registration.objects.values_list("stage", flat=True).get(pk=registration.pk)
    if current not in order[: order.index(Registration.Stage.COMMISSION)]:
        return  # already further on, withdrawn or decided: evidence never moves it back
    if order.index(current) >= order.index(to):
        return
    registration_set_stage(registration=registration, stage=to, by=by)
