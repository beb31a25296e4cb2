"""What may be missing from a registration, for the candidates list's filters (registered in
seams.py): each an EXISTS on the registration's foreign key, which its index answers."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.db.models.expressions import Combinable, NegatedExpression

from .models import Decision, ResultSheet


def no_result() -> NegatedExpression[Combinable]:
    validated = ResultSheet.objects.filter(
        registration=OuterRef("pk"), status=ResultSheet.Status.VALIDATED
    )
    return ~Exists(validated)


def no_decision() -> NegatedExpression[Combinable]:
    return ~Exists(Decision.objects.filter(registration=OuterRef("pk"), is_active=True))
