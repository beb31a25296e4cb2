"""Guards and helpers shared by the commission and jury services."""

from django.utils.translation import gettext as _

from accounts.models import User
from candidates.models import Registration
from candidates.selectors import staff_centre_ids
from cqpm.core.errors import DomainError

from ..selectors import is_evaluator_of


def ensure_staff_of(by: User, centre_id: int) -> None:
    """Refuse unless `by` is staff of the centre or a superuser."""
    if getattr(by, "is_superuser", False):
        return
    if centre_id not in staff_centre_ids(user=by):
        raise DomainError(
            _("Vous ne faites pas partie du personnel de ce centre d'examen."), code="forbidden"
        )


def ensure_evaluator_of(registration: Registration, by: User) -> None:
    """Refuse unless `by` is an evaluator of the registration's commission session."""
    if getattr(by, "is_superuser", False) or is_evaluator_of(registration=registration, user=by):
        return
    raise DomainError(
        _("Vous n'êtes pas évaluateur de la commission de ce candidat."), code="forbidden"
    )
