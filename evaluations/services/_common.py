"""Guards and helpers shared by the services of this app."""

from django.utils.translation import gettext as _

from accounts.models import User
from candidates.lifecycle import Activity, campaign_ensure_allows
from candidates.models import Registration
from candidates.services import registration_set_stage
from cqpm.core.access import ensure_centre_staff
from cqpm.core.errors import DomainError

# The one staff guard (cqpm.core.access), under the name this app's services use.
ensure_staff_of = ensure_centre_staff


def ensure_active(registration: Registration) -> None:
    """Refuse any step for a withdrawn registration."""
    if registration.is_withdrawn:
        raise DomainError(_("Ce candidat est désinscrit : aucune étape ne peut être enregistrée."))


def ensure_campaign_allows(registration: Registration, activity: Activity) -> None:
    """Refuse unless the registration's campaign status allows the activity (lifecycle.py)."""
    campaign_ensure_allows(campaign=registration.campaign, activity=activity)


def centre_id_of(registration: Registration) -> int:
    return registration.campaign.centre_id


def advance_stage(*, registration: Registration, to: str, by: User) -> None:
    """Move the stage to `to` when the stage map allows it from where it stands: evidence only
    moves a registration forward (further on, withdrawn or decided, it stays)."""
    current = Registration.objects.values_list("stage", flat=True).get(pk=registration.pk)
    if to in Registration.TRANSITIONS.get(Registration.Stage(current), frozenset()):
        registration_set_stage(registration=registration, stage=to, by=by)
