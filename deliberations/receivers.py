"""Signal receivers, connected by DeliberationsConfig.ready()."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from candidates.models import Registration
from candidates.signals import registrations_bulk_created

from .services.carry_over import carry_over_for, carry_over_for_campaign


@receiver(post_save, sender=Registration, dispatch_uid="deliberations_carry_over_on_registration")
def carry_over_on_registration(sender, instance: Registration, created: bool, raw: bool, **kwargs):
    """A new registration starts with its person's still-valid acquired capacities."""
    if created and not raw:
        carry_over_for(registration=instance)


@receiver(
    registrations_bulk_created,
    sender=Registration,
    dispatch_uid="deliberations_carry_over_on_bulk_registrations",
)
def carry_over_on_bulk_registrations(sender, campaign, by=None, **kwargs):
    """Bulk imports skip post_save: carry over for the campaign, in the import transaction."""
    carry_over_for_campaign(campaign=campaign, by=by)
