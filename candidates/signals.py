"""Signals for apps further down the workflow, which candidates must not import."""

from django.dispatch import Signal

# Sent inside the transaction of a bulk write (import, seed), which skips post_save:
# sender=Registration, campaign=<Campaign>, registrations=<list[Registration]>, by=<User|None>.
registrations_bulk_created = Signal()
