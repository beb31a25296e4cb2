"""What may be missing from a registration, for the candidates list's filters (registered in
seams.py): each an EXISTS on the registration's foreign key, which its index answers."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.db.models.expressions import Combinable, NegatedExpression

from .models import CompanyOpinion, EvaluationDossier, Report


def no_dossier() -> NegatedExpression[Combinable]:
    return ~Exists(EvaluationDossier.objects.filter(registration=OuterRef("pk")))


def dossier_not_approved() -> NegatedExpression[Combinable]:
    approved = EvaluationDossier.objects.filter(
        registration=OuterRef("pk"), status=EvaluationDossier.Status.APPROVED
    )
    return ~Exists(approved)


def report_missing() -> NegatedExpression[Combinable]:
    return ~Exists(Report.objects.filter(registration=OuterRef("pk")))


def opinion_awaited() -> NegatedExpression[Combinable]:
    sent = CompanyOpinion.objects.filter(
        registration=OuterRef("pk"), status=CompanyOpinion.Status.SUBMITTED
    )
    return ~Exists(sent)
