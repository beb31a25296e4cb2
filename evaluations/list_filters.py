"""What may be missing from a registration, for the candidates list's filters (registered in
seams.py): each an EXISTS on the registration's foreign key, which its index answers."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import Combinable, NegatedExpression

from .models import CommissionAssignment, CompanyOpinion, EvaluationDossier, Report


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


def dossier_to_prepare() -> NegatedExpression[Combinable]:
    """No dossier yet, or one in draft or returned: staff have it to prepare or resume."""
    sent = EvaluationDossier.objects.filter(
        registration=OuterRef("pk"),
        status__in=[EvaluationDossier.Status.SUBMITTED, EvaluationDossier.Status.APPROVED],
    )
    return ~Exists(sent)


def commission_unassigned() -> Q:
    """A dossier approved and no commission yet: staff have it to assign."""
    approved = EvaluationDossier.objects.filter(
        registration=OuterRef("pk"), status=EvaluationDossier.Status.APPROVED
    )
    assigned = CommissionAssignment.objects.filter(registration=OuterRef("pk"))
    return Q(Exists(approved)) & ~Q(Exists(assigned))
