"""Reads scoped by the user: staff reach the campaigns of their own centres, nothing more."""

from django.db.models import QuerySet

from .models import Campaign, CentreMembership, ExamCentre, Registration


def staff_centre_ids(*, user) -> list[int]:
    """Ids of the centres where the user is staff (cached on the user object per request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_cqpm_staff_centre_ids", None)
    if cached is None:
        cached = list(
            CentreMembership.objects.filter(
                user=user, role=CentreMembership.Role.STAFF
            ).values_list("centre_id", flat=True)
        )
        user._cqpm_staff_centre_ids = cached
    return cached


def is_centre_staff(*, user) -> bool:
    return bool(staff_centre_ids(user=user))


def centre_list_for(*, user) -> QuerySet[ExamCentre]:
    return ExamCentre.objects.filter(pk__in=staff_centre_ids(user=user))


def campaign_list_for(*, user) -> QuerySet[Campaign]:
    return Campaign.objects.filter(centre_id__in=staff_centre_ids(user=user)).select_related(
        "centre", "referential"
    )


def registration_list_for(*, user, campaign: Campaign | None = None) -> QuerySet[Registration]:
    """Registrations the user may see as staff, optionally of one campaign."""
    qs = Registration.objects.filter(campaign__centre_id__in=staff_centre_ids(user=user))
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs.select_related("campaign__centre", "campaign__referential", "candidate", "company")
