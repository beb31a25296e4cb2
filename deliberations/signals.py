"""Signals other apps listen to (documents revokes and regenerates what an amendment changes)."""

from django.dispatch import Signal

# Sent on commit after a jury decision is amended: sender=Decision, old=<Decision>, new=<Decision>,
# by=<User>.
decision_amended = Signal()
