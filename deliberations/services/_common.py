"""Guards and helpers shared by the commission and jury services."""

from django.utils.translation import gettext as _

from accounts.models import User
from candidates.models import Registration
from cqpm.core.access import ensure_centre_staff
from cqpm.core.errors import DomainError

from ..selectors import is_evaluator_of

# The one staff guard (cqpm.core.access), under the name this app's services use.
ensure_staff_of = ensure_centre_staff


def ensure_evaluator_of(registration: Registration, by: User) -> None:
    """Refuse unless `by` is an evaluator of the registration's commission session."""
    if getattr(by, "is_superuser", False) or is_evaluator_of(registration=registration, user=by):
        return
    raise DomainError(
        _("Vous n'êtes pas évaluateur de la commission de ce candidat."), code="forbidden"
    )
